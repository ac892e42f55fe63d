// Links: `https://relay/#<relay-id>.<secret>`. The secret lives only in the fragment, which
// browsers never send to a server; it is parsed into a wasm-held Link. An envelope sealed to a
// connected client's own key has a link with the relay id alone.

/** The full link for a sealed envelope stored under `relayId` on this relay. */
export function linkUrl(link, relayId) {
  return link.url(`${location.origin}/`, relayId);
}

/**
 * The link to an envelope sealed to the client's own key: the relay id alone, no secret
 * (SPEC §5.5). It opens only on the device that holds that key.
 */
export function identityLinkUrl(relayId) {
  return `${location.origin}/#${relayId}`;
}

/** A `mailto:` address that sends the link (never the passphrase) to the client. */
export function mailto(email, { number, sellerName, url, passphrase, connected, invitation }) {
  const how = connected
    ? `It is sealed to the key on the device you connected, so it opens only there: this message carries no secret.`
    : passphrase
      ? `You will also need the passphrase, which we give you separately (never by email).`
      : `Only this link opens it; please do not forward it.`;
  const lines = invitation
    ? [`Hello,`, ``,
      `${sellerName} invites you to receive its invoices end-to-end encrypted, sealed to a key that stays on your device:`,
      url, ``, `Only this link opens the invitation; please do not forward it.`,
      `We will call you to compare the fingerprint your browser shows after you connect.`]
    : [`Hello,`, ``, `${sellerName} sent you invoice ${number}, end-to-end encrypted and signed:`, url, ``, how,
      `Before paying, check the fingerprint shown with the invoice against the one we gave you.`];
  const subject = invitation ? `${sellerName} invites you to encrypted invoices` : `Invoice ${number} from ${sellerName}`;
  const query = new URLSearchParams({ subject, body: lines.join("\n") });
  return `mailto:${encodeURIComponent(email ?? "")}?${query.toString().replaceAll("+", "%20")}`;
}
