// Links: `https://relay/#<relay-id>.<secret>`. The secret lives only in the fragment, which
// browsers never send to a server; it is parsed into a wasm-held Link and never stored.

import { Link } from "/pkg/sealbill.js";

/** The link in this page's address, or undefined when there is none. Throws if it is broken. */
export function linkFromLocation() {
  if (location.hash.length <= 1) return undefined;
  return Link.parse(location.hash);
}

/** The full link for a sealed envelope stored under `relayId` on this relay. */
export function linkUrl(link, relayId) {
  return link.url(`${location.origin}/`, relayId);
}

/** A `mailto:` address that sends the link (never the passphrase) to the client. */
export function mailto(email, { number, sellerName, url, passphrase }) {
  const lines = [
    `Hello,`,
    ``,
    `${sellerName} sent you invoice ${number}, end-to-end encrypted and signed:`,
    url,
    ``,
    passphrase
      ? `You will also need the passphrase, which we give you separately (never by email).`
      : `Only this link opens it; please do not forward it.`,
    `Before paying, check the fingerprint shown with the invoice against the one we gave you.`,
  ];
  const query = new URLSearchParams({ subject: `Invoice ${number} from ${sellerName}`, body: lines.join("\n") });
  return `mailto:${encodeURIComponent(email ?? "")}?${query.toString().replaceAll("+", "%20")}`;
}
