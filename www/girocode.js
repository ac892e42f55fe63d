// The EPC QR code ("GiroCode", EPC069-12 version 002) of a verified invoice: a SEPA credit
// transfer in euro, built only from the signed invoice (the payee's name, IBAN, BIC, amount
// due and remittance reference), so that the client's banking app fills in the transfer
// without typing. Whether it may be shown at all (a trusted sender, nothing flagged) is the
// caller's decision; this module says whether the invoice can carry one, and why not.

import { h } from "/dom.js";
import { encodeQr, qrPath } from "/qr.js";
import { groupIban, money } from "/invoice-view.js";
import { msg, setAttributeMessage } from "/i18n.js";

/** Countries whose IBANs take part in SEPA (the EEA, and CH, GB, MC, SM, VA, AD, GI, AL, MD, ME, MK). */
const SEPA = new Set(("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK " +
  "CH GB MC SM VA AD GI AL MD ME MK").split(" "));
/** Invoice type codes of credit notes (UNTDID 1001): the client is not asked to pay. */
const CREDIT_NOTES = new Set(["81", "83", "381", "396", "532"]);
/** Payment means a SEPA credit transfer stands for (UNTDID 4461): 58 SEPA, 30 credit transfer. */
const TRANSFER_CODES = new Set(["58", "30"]);
const BIC = /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const MAX_BYTES = 331;

/** ISO 7064 mod 97-10 of a code whose four first characters move to its end (IBAN, ISO 11649). */
function mod97(code) {
  const digits = (code.slice(4) + code.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

/** Whether an IBAN (without spaces, upper case) has a valid ISO 13616 check. */
export const validIban = (iban) => /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) && mod97(iban);

/** The ISO 11649 creditor reference (`RF` + check digits) a reference is, which EPC carries structured. */
export function creditorReference(reference) {
  const r = reference.replace(/\s+/g, "").toUpperCase();
  return /^RF\d{2}[A-Z0-9]{1,21}$/.test(r) && mod97(r) ? r : undefined;
}

/** The account an invoice asks to be paid to by credit transfer, from the signed plain object. */
function transferOf(invoice) {
  const p = invoice.payment;
  if (!p) return undefined;
  const account = p.creditTransfers?.[0] ?? p.accounts?.[0] ?? (p.iban !== undefined ? p : undefined);
  return account && { meansCode: p.meansCode, iban: account.iban ?? account.id, bic: account.bic, reference: p.reference };
}

/**
 * What the GiroCode of a verified invoice holds: `{ name, iban, bic, amount, reference,
 * structured, text }` (`text` the EPC069-12 payload), or `{ reason }` in plain words (a message)
 * when the invoice cannot carry one.
 */
export function giroPayment(invoice) {
  const transfer = transferOf(invoice);
  if (invoice.currency !== "EUR") return { reason: msg("the invoice is not in euro") };
  if (CREDIT_NOTES.has(invoice.typeCode)) return { reason: msg("it is a credit note") };
  if (!transfer || !TRANSFER_CODES.has(transfer.meansCode)) return { reason: msg("the invoice asks for no SEPA credit transfer") };
  const iban = (transfer.iban ?? "").replace(/\s+/g, "").toUpperCase();
  if (!validIban(iban)) return { reason: msg("the IBAN is not valid") };
  if (!SEPA.has(iban.slice(0, 2))) return { reason: msg("the account is outside the SEPA area") };
  const bic = transfer.bic?.replace(/\s+/g, "").toUpperCase();
  if (bic && !BIC.test(bic)) return { reason: msg("the BIC is not valid") };
  const amount = invoice.totals?.payable;
  if (!/^\d{1,9}\.\d{2}$/.test(amount ?? "") || Number(amount) < 0.01) return { reason: msg("nothing is due") };
  const name = (invoice.payee?.name ?? invoice.seller?.name ?? "").trim();
  if (!name || [...name].length > 70 || CONTROL.test(name)) return { reason: msg("the payee's name does not fit in a GiroCode (70 characters)") };
  const reference = (transfer.reference ?? invoice.number ?? "").trim();
  if (CONTROL.test(reference)) return { reason: msg("the payment reference holds control characters") };
  const rf = creditorReference(reference);
  if (!rf && [...reference].length > 140) return { reason: msg("the payment reference is longer than a GiroCode holds (140 characters)") };
  const lines = ["BCD", "002", "1", "SCT", bic ?? "", name, iban, `EUR${amount.replace(/^0+(?=\d)/, "")}`, "",
    rf ?? "", rf ? "" : reference];
  while (lines.at(-1) === "") lines.pop();
  const text = lines.join("\n");
  if (new TextEncoder().encode(text).length > MAX_BYTES) return { reason: msg("the payment details are longer than a GiroCode holds") };
  return { name, iban, bic, amount, reference: rf ?? reference, structured: Boolean(rf), text };
}

const SVG = "http://www.w3.org/2000/svg";

/** The GiroCode of a verified invoice as a figure (an SVG and what it holds), or undefined. */
export function giroCode(invoice) {
  const payment = giroPayment(invoice);
  if (payment.reason) return undefined;
  const qr = encodeQr(new TextEncoder().encode(payment.text));
  const side = qr.size + 8;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${side} ${side}`);
  svg.setAttribute("role", "img");
  setAttributeMessage(svg, "aria-label", msg("GiroCode for your banking app"));
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ width: side, height: side, fill: "#fff" })) background.setAttribute(k, v);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", qrPath(qr));
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return h("figure", { class: "girocode", "data-test": "girocode" }, svg,
    h("figcaption", {},
      msg("Scan with your banking app to fill in the transfer:"), " ",
      h("strong", {}, money(payment.amount, "EUR")), " ",
      msg("to {name}, {iban}, reference “{reference}”.", { name: payment.name, iban: groupIban(payment.iban), reference: payment.reference }),
      " ", msg("Check the payee and the amount in the app before you confirm.")));
}
