// Records that an identity seals to itself: only it can read them, and opening checks its own
// signature, so nothing else on the device can read or alter them unnoticed (the IBAN of the
// profile, a sent record's manage token, a contact's card, an inbox entry's link).

import { open, seal } from "/pkg/sealbill.js";

/** Seals a JSON value to `identity` alone. */
export function sealToSelf(identity, name, value) {
  return seal(identity, [{ name, mediaType: "application/json",
    data: new TextEncoder().encode(JSON.stringify(value)) }], { invoiceId: name }).envelope;
}

/** Opens what `sealToSelf` sealed with the same identity. */
export function openOwn(identity, envelope) {
  const opened = open(identity, envelope, { expectSender: identity.fingerprint() });
  return JSON.parse(new TextDecoder().decode(opened.documents[0].data));
}
