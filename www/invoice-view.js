// Renders a verified invoice (the plain object read from the signed UBL) for reading and
// printing. Every value goes in as text.

import { h } from "/dom.js";

/** IBANs in groups of four, as printed on paper. */
export const groupIban = (iban) => iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");

const money = (amount, currency) => (amount === undefined ? "" : `${amount} ${currency}`);

function party(title, p) {
  const a = p.address ?? {};
  return h("div", { class: "party" },
    h("h3", {}, title),
    h("p", { class: "party-name" }, p.name),
    h("p", {}, [a.street, a.additionalStreet, [a.postCode, a.city].filter(Boolean).join(" "), a.country]
      .filter(Boolean).join(", ")),
    p.vatId && h("p", {}, `VAT id ${p.vatId}`),
    p.contact?.email && h("p", {}, p.contact.email));
}

function table(caption, head, rows, className) {
  return h("table", { class: className },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c ?? ""))))));
}

/** Common UN/ECE Rec 20 unit codes in words; others are shown as they are. */
const UNITS = { C62: "", H87: "pcs", HUR: "h", DAY: "days", MON: "months", KGM: "kg", MTR: "m", LS: "lump sum", MIN: "min" };
const unit = (code) => (code in UNITS ? UNITS[code] : code ?? "");

const vatLabel = (category, rate) => (rate === undefined ? category : `${category} ${rate} %`);

/** The invoice as a document: parties, lines, VAT breakdown, totals and how to pay. */
export function renderInvoice(inv) {
  const c = inv.currency;
  const t = inv.totals ?? {};
  const kind = inv.typeCode === "381" ? "Credit note" : "Invoice";
  const pay = inv.payment;
  return h("article", { class: "invoice", "aria-label": `${kind} ${inv.number}` },
    h("header", { class: "invoice-head" },
      h("h3", {}, `${kind} `, h("span", { "data-test": "number" }, inv.number)),
      h("dl", {},
        h("dt", {}, "Issued"), h("dd", {}, inv.issueDate),
        inv.dueDate && [h("dt", {}, "Due"), h("dd", { "data-test": "due" }, inv.dueDate)],
        inv.buyerReference && [h("dt", {}, "Your reference"), h("dd", {}, inv.buyerReference)])),
    h("div", { class: "parties" },
      h("div", { "data-test": "seller" }, party("From", inv.seller)),
      h("div", { "data-test": "buyer" }, party("To", inv.buyer))),
    table("Lines", ["Item", "Quantity", "Unit price", "VAT", "Net"],
      inv.lines.map((l) => [
        [l.name, l.description && h("small", {}, l.description)],
        `${l.quantity} ${unit(l.unitCode)}`.trim(), l.netPrice, vatLabel(l.vatCategory, l.vatRate),
        money(l.netAmount, c)]), "lines"),
    table("VAT", ["Category", "Taxable", "VAT"],
      (inv.vatBreakdown ?? []).map((b) => [
        [vatLabel(b.category, b.rate), b.exemptionReason && h("small", {}, b.exemptionReason)],
        money(b.taxableAmount, c), money(b.taxAmount, c)]), "vat"),
    h("dl", { class: "totals" },
      h("dt", {}, "Net total"), h("dd", {}, money(t.taxExclusive, c)),
      t.vatTotal && [h("dt", {}, "VAT"), h("dd", {}, money(t.vatTotal, c))],
      h("dt", {}, "Total"), h("dd", {}, money(t.taxInclusive, c)),
      t.prepaid && [h("dt", {}, "Paid in advance"), h("dd", {}, money(t.prepaid, c))],
      h("dt", { class: "payable" }, "Amount due"), h("dd", { class: "payable", "data-test": "payable" }, money(t.payable, c))),
    pay && h("section", { class: "payment" },
      h("h3", {}, "Payment"),
      h("dl", {},
        h("dt", {}, "IBAN"), h("dd", { class: "iban", "data-test": "iban" }, groupIban(pay.iban)),
        pay.bic && [h("dt", {}, "BIC"), h("dd", {}, pay.bic)],
        pay.accountName && [h("dt", {}, "Account holder"), h("dd", {}, pay.accountName)],
        pay.reference && [h("dt", {}, "Payment reference"), h("dd", {}, pay.reference)],
        inv.paymentTerms && [h("dt", {}, "Terms"), h("dd", {}, inv.paymentTerms)])),
    (inv.notes ?? []).length > 0 && h("section", { class: "notes" },
      h("h3", {}, "Notes"), inv.notes.map((n) => h("p", {}, n))));
}
