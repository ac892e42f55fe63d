// Links: `https://relay/#<relay-id>.<secret>`. The secret lives only in the fragment, which
// browsers never send to a server; it is parsed into a wasm-held Link. An envelope sealed to a
// connected client's own key has a link with the relay id alone.

import { t } from "/i18n.js";

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

/**
 * A `mailto:` address that sends the link (never the passphrase) to the client, written in the
 * page's current language.
 */
export function mailto(email, { number, sellerName, url, passphrase, connected, invitation }) {
  const how = connected
    ? t("It is sealed to the key on the device you connected, so it opens only there: this message carries no secret.")
    : passphrase
      ? t("You will also need the passphrase, which we give you separately (never by email).")
      : t("Only this link opens it; please do not forward it.");
  const lines = invitation
    ? [t("Hello,"), "",
      t("{seller} invites you to receive its invoices end-to-end encrypted, sealed to a key that stays on your device:", { seller: sellerName }),
      url, "", t("Only this link opens the invitation; please do not forward it."),
      t("We will call you to compare the fingerprint your browser shows after you connect.")]
    : [t("Hello,"), "", t("{seller} sent you invoice {number}, end-to-end encrypted and signed:", { seller: sellerName, number }), url, "", how,
      t("Before paying, check the fingerprint shown with the invoice against the one we gave you.")];
  const subject = invitation ? t("{seller} invites you to encrypted invoices", { seller: sellerName })
    : t("Invoice {number} from {seller}", { number, seller: sellerName });
  const query = new URLSearchParams({ subject, body: lines.join("\n") });
  return `mailto:${encodeURIComponent(email ?? "")}?${query.toString().replaceAll("+", "%20")}`;
}
