// The client's trust in senders, and the fraud checks shown with every invoice. A sender is
// trusted only after the client compared its fingerprint out of band; the IBAN of the last
// trusted invoice is remembered so that changed bank details stand out.

import { get, put, all } from "/storage.js";

const normIban = (iban) => (iban ?? "").replace(/\s+/g, "").toUpperCase();

/**
 * Assesses a verified invoice: `{ state, warnings }`. `state` is "trusted" (fingerprint
 * confirmed earlier), "new" (never seen) or "unexpected" (a name we know, another key).
 * Each warning is `{ code, text }`.
 */
export async function assess(sender, invoice) {
  const pin = await get("pins", sender.fingerprint);
  const warnings = [];
  // Another key trusted under this signer's or this seller's name: the typical impostor.
  const names = [sender.name, invoice.seller.name].map((n) => n.toLowerCase());
  const sameName = pin ? undefined : (await all("pins")).find((p) => names.includes(p.name.toLowerCase()));
  const state = pin ? "trusted" : sameName ? "unexpected" : "new";
  if (sameName) {
    warnings.push({ code: "UNEXPECTED_KEY", text:
      `This invoice is signed by a different key than the one you confirmed for ${sameName.name}. ` +
      `Someone may be impersonating them. Do not pay; call ${sameName.name} on a number you already know.` });
  }
  // The account to compare with: the one last trusted for this key, or for this name.
  const known = pin ?? sameName;
  const iban = normIban(invoice.payment?.iban);
  if (known && iban && known.iban && iban !== known.iban) {
    warnings.push({ code: "IBAN_CHANGED", text:
      `The bank details changed: the last invoice you trusted from ${known.name} asked for payment to ` +
      `${known.iban}, this one to ${iban}. Changed bank details are the most common invoice fraud. ` +
      `Call ${known.name} on a number you already know before paying.` });
  }
  if (sender.name.trim().toLowerCase() !== invoice.seller.name.trim().toLowerCase()) {
    warnings.push({ code: "NAME_MISMATCH", text:
      `The signer calls itself "${sender.name}" but the invoice names the seller "${invoice.seller.name}".` });
  }
  const ibanCountry = iban.slice(0, 2);
  const sellerCountry = invoice.seller.address?.country;
  if (iban && sellerCountry && ibanCountry !== sellerCountry) {
    warnings.push({ code: "FOREIGN_IBAN", text:
      `The account is in ${ibanCountry} but the seller is in ${sellerCountry}. Check this is expected.` });
  }
  return { state, warnings };
}

/** Records that the client compared this sender's fingerprint, and the IBAN they accept. */
export async function trust(sender, invoice) {
  await put("pins", sender.fingerprint, {
    fingerprint: sender.fingerprint,
    name: sender.name,
    iban: normIban(invoice.payment?.iban),
    since: new Date().toISOString().slice(0, 10),
  });
}
