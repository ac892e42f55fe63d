// Renders a verified invoice (the plain object read from the signed UBL) for reading and
// printing: every term a client needs to check and book it. Every value goes in as text.

import { h } from "/dom.js";
import { formatMoney } from "/i18n.js";

/** IBANs in groups of four, as printed on paper. */
export const groupIban = (iban) => iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");

const money = (amount, currency) => (amount === undefined ? "" : formatMoney(amount, currency));
/** An amount taken off: "−€46.09", "−46,09 €". */
const minus = (amount, currency) => (amount === undefined ? "" : `−${formatMoney(amount, currency)}`);

/** A definition list's entries, leaving out those without a value: `[label, value, attributes]`. */
const entries = (pairs) => pairs.filter(([, value]) => value !== undefined && value !== "" && value !== null)
  .map(([label, value, attributes = {}]) => [h("dt", {}, label), h("dd", attributes, value)]);

/** An identifier with its scheme, such as "4000001123452 (0088)". */
const ident = (id) => (id ? (id.scheme ? `${id.id} (${id.scheme})` : id.id) : undefined);

/** A period in words: "1 to 31 March" style, as ISO dates. */
function periodText(p) {
  if (!p || (!p.start && !p.end)) return undefined;
  if (p.start && p.end) return p.start === p.end ? p.start : `${p.start} to ${p.end}`;
  return p.start ? `from ${p.start}` : `until ${p.end}`;
}

const addressText = (a = {}) => [a.street, a.additionalStreet, a.line3,
  [a.postCode, a.city].filter(Boolean).join(" "), a.subdivision, a.country].filter(Boolean).join(", ");

function party(title, p, { testId } = {}) {
  return h("div", { class: "party", "data-test": testId },
    h("h3", {}, title),
    h("p", { class: "party-name" }, p.name),
    p.tradingName && p.tradingName !== p.name && h("p", {}, `Trading as ${p.tradingName}`),
    h("p", {}, addressText(p.address)),
    p.vatId && h("p", {}, `VAT id ${p.vatId}`),
    p.taxNumber && h("p", { "data-test": "tax-number" }, `Tax number ${p.taxNumber}`),
    p.legalId && h("p", {}, `Registration ${p.legalId}`),
    p.legalInfo && h("p", {}, p.legalInfo),
    (p.identifiers ?? []).length > 0 && h("p", {}, `Identifier ${p.identifiers.map(ident).join(", ")}`),
    p.contact?.name && h("p", {}, `Contact ${p.contact.name}`),
    p.contact?.phone && h("p", {}, p.contact.phone),
    p.contact?.email && h("p", {}, p.contact.email),
    p.electronicAddress && ![p.contact?.email, p.vatId].includes(p.electronicAddress.id)
      && h("p", {}, `Electronic address ${ident(p.electronicAddress)}`));
}

/** The delivery: where, to whom, when (the date of supply is in the head). */
function delivery(d) {
  if (!d || (!d.name && !d.address && !d.locationId)) return undefined;
  return h("div", { class: "party", "data-test": "delivery" },
    h("h3", {}, "Delivered to"),
    d.name && h("p", { class: "party-name" }, d.name),
    d.address && h("p", {}, addressText(d.address)),
    d.locationId && h("p", {}, `Location ${ident(d.locationId)}`));
}

function payee(p) {
  return p && h("div", { class: "party", "data-test": "payee" },
    h("h3", {}, "Paid to"),
    h("p", { class: "party-name" }, p.name),
    h("p", {}, "Payment goes to this payee instead of the seller."),
    p.identifier && h("p", {}, `Identifier ${ident(p.identifier)}`),
    p.legalId && h("p", {}, `Registration ${ident(p.legalId)}`));
}

function representative(t) {
  return t && h("div", { class: "party", "data-test": "tax-representative" },
    h("h3", {}, "Seller's tax representative"),
    h("p", { class: "party-name" }, t.name),
    h("p", {}, addressText(t.address)),
    t.vatId && h("p", {}, `VAT id ${t.vatId}`));
}

function table(caption, head, rows, className) {
  return h("table", { class: className },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c ?? ""))))));
}

/** Common UN/ECE Rec 20 unit codes in words; others are shown as they are. */
const UNITS = { C62: "", H87: "pcs", HUR: "h", DAY: "days", MON: "months", KGM: "kg", MTR: "m", LS: "lump sum", MIN: "min",
  WEE: "weeks", ANN: "years", LTR: "l", MTK: "m²", MTQ: "m³", KMT: "km", TNE: "t", XPP: "pcs", EA: "each", SET: "sets" };
const unit = (code) => (code in UNITS ? UNITS[code] : code ?? "");

/** VAT categories (UNCL 5305) in words. */
const CATEGORIES = { S: "", Z: "zero rated", E: "exempt", AE: "reverse charge", K: "intra-EU supply", G: "export",
  O: "outside the scope of VAT", L: "Canary Islands tax", M: "Ceuta and Melilla tax" };
function vatLabel(category, rate) {
  const words = CATEGORIES[category];
  const name = words === undefined ? category : words;
  return [rate === undefined ? undefined : `${rate} %`, name].filter(Boolean).join(" ") || category;
}

/** Note subjects (UNTDID 4451) in words; others show their code. */
const SUBJECTS = { AAI: "General information", AAB: "Payment terms", ABL: "Legal", REG: "Regulatory", TXD: "Tax",
  SUR: "Seller's remarks", PMT: "Payment", PMD: "Payment details", CUS: "Customs", ACY: "Copy", AAC: "Dangerous goods",
  ABZ: "Cost accounting", ADU: "Note", AAK: "Price conditions", AFM: "Authentication", AFT: "Other references" };
const noteText = (n) => (typeof n === "string" ? n : n.text);
const noteSubject = (n) => (typeof n === "string" || !n.subjectCode ? undefined : SUBJECTS[n.subjectCode] ?? `Subject ${n.subjectCode}`);

/** Payment means (UNTDID 4461) in words. */
const MEANS = { 58: "SEPA credit transfer", 30: "Credit transfer", 59: "SEPA direct debit", 49: "Direct debit",
  48: "Bank card", 54: "Credit card", 55: "Debit card", 10: "Cash", 20: "Cheque", 31: "Debit transfer", 42: "Payment to bank account",
  57: "Standing agreement", 68: "Online payment service", 1: "Not defined" };

/** What a line says beside its name: description, note, period, references, item data, allowances. */
function lineDetails(l, c) {
  const small = (text) => h("small", {}, text);
  return [
    l.description && small(l.description),
    l.note && small(l.note),
    periodText(l.period) && small(`Period ${periodText(l.period)}`),
    l.orderLineReference && small(`Your order line ${l.orderLineReference}`),
    l.accountingReference && small(`Your accounting reference ${l.accountingReference}`),
    l.objectId && small(`Object ${ident(l.objectId)}`),
    l.sellerItemId && small(`Article ${l.sellerItemId}`),
    l.buyerItemId && small(`Your article ${l.buyerItemId}`),
    l.standardItemId && small(`Item ${ident(l.standardItemId)}`),
    (l.classifications ?? []).length > 0 && small(`Classification ${l.classifications.map(ident).join(", ")}`),
    l.originCountry && small(`Made in ${l.originCountry}`),
    (l.attributes ?? []).map((a) => small(`${a.name}: ${a.value}`)),
    l.grossPrice && small(`Gross price ${l.grossPrice}${l.priceDiscount ? `, less ${l.priceDiscount}` : ""}`),
    (l.allowances ?? []).map((a) => small(`Less ${allowanceName(a, "Discount")}: ${minus(a.amount, c)}`)),
    (l.charges ?? []).map((a) => small(`Plus ${allowanceName(a, "Charge")}: ${money(a.amount, c)}`)),
  ];
}

function allowanceName(a, fallback) {
  const share = a.percentage && a.baseAmount ? ` (${a.percentage} % of ${a.baseAmount})` : a.percentage ? ` (${a.percentage} %)` : "";
  return `${a.reason ?? (a.reasonCode ? `${fallback} ${a.reasonCode}` : fallback.toLowerCase())}${share}`;
}

/** Document-level allowances (taken off) and charges (added), each with its VAT. */
function allowancesCharges(inv, c) {
  const rows = [
    ...(inv.allowances ?? []).map((a) => [`Discount: ${allowanceName(a, "Discount")}`, vatLabel(a.vatCategory, a.vatRate), minus(a.amount, c)]),
    ...(inv.charges ?? []).map((a) => [`Charge: ${allowanceName(a, "Charge")}`, vatLabel(a.vatCategory, a.vatRate), money(a.amount, c)]),
  ];
  return rows.length > 0 && table("Discounts and charges on the whole invoice", ["", "VAT", "Amount"], rows, "allowances");
}

/** The accounts, card or mandate the invoice names, and the reference to quote. */
function payment(inv) {
  const pay = inv.payment;
  if (!pay) return inv.paymentTerms ? h("section", { class: "payment" }, h("h3", {}, "Payment"), h("dl", {}, entries([["Terms", inv.paymentTerms]]))) : undefined;
  const accounts = [pay.iban !== undefined ? pay : undefined, ...(pay.additionalAccounts ?? [])].filter(Boolean);
  const means = pay.meansText ?? MEANS[pay.meansCode];
  return h("section", { class: "payment", "data-test": "payment" },
    h("h3", {}, "Payment"),
    h("dl", {}, entries([
      ["How", means],
      ...accounts.flatMap((a, i) => [
        [accounts.length > 1 ? `Account ${i + 1}` : "IBAN", groupIban(a.iban), i === 0 ? { class: "iban", "data-test": "iban" } : { class: "iban" }],
        ["BIC", a.bic], ["Account holder", a.accountName]]),
      ["Card", pay.card?.number, { "data-test": "card" }], ["Card holder", pay.card?.holderName],
      ["Debited from", pay.directDebit?.debitedAccount && groupIban(pay.directDebit.debitedAccount), { "data-test": "direct-debit" }],
      ["Mandate reference", pay.directDebit?.mandateReference], ["Creditor id", pay.directDebit?.creditorId],
      ["Payment reference", pay.reference, { "data-test": "payment-reference" }], ["Terms", inv.paymentTerms]])),
    h("div", { class: "girocode-slot", "data-test": "girocode-slot" }));
}

/** The references a client books the invoice against. */
function references(inv) {
  const preceding = inv.precedingInvoice ? [inv.precedingInvoice]
    : (inv.precedingInvoices ?? []).map((p) => (p.issueDate ? `${p.reference} of ${p.issueDate}` : p.reference));
  return [
    ["Your reference", inv.buyerReference],
    ["Your order", inv.orderReference, { "data-test": "order" }],
    ["Contract", inv.contractReference, { "data-test": "contract" }],
    ["Project", inv.projectReference],
    ["Our order", inv.salesOrderReference],
    ["Despatch advice", inv.despatchAdviceReference],
    ["Receiving advice", inv.receivingAdviceReference],
    ["Tender or lot", inv.tenderReference],
    ["Invoiced object", ident(inv.invoicedObject)],
    ["Your accounting reference", inv.buyerAccountingReference],
    [preceding.length > 1 ? "Corrects invoices" : "Corrects invoice", preceding.join(", ") || undefined],
  ];
}

/** The invoice as a document: parties, lines, allowances and charges, VAT, totals and how to pay. */
export function renderInvoice(inv) {
  const c = inv.currency;
  const t = inv.totals ?? {};
  const kind = inv.typeCode === "381" || inv.creditNote ? "Credit note" : "Invoice";
  const adjusted = (inv.allowances ?? []).length > 0 || (inv.charges ?? []).length > 0 || t.allowanceTotal || t.chargeTotal;
  const attachments = inv.attachments ?? [];
  return h("article", { class: "invoice", "aria-label": `${kind} ${inv.number}` },
    h("header", { class: "invoice-head" },
      h("h3", {}, `${kind} `, h("span", { "data-test": "number" }, inv.number)),
      h("dl", {}, entries([
        ["Issued", inv.issueDate],
        ["Due", inv.dueDate, { "data-test": "due" }],
        ["Date of supply", inv.delivery?.date, { "data-test": "supply-date" }],
        ["Period of supply", periodText(inv.invoicingPeriod), { "data-test": "period" }],
        ["Tax point", inv.taxPointDate],
        ...references(inv),
        inv.vatAccountingCurrency && inv.vatAccountingCurrency !== c ? ["VAT accounted in", inv.vatAccountingCurrency] : [],
      ]))),
    h("div", { class: "parties" },
      h("div", { "data-test": "seller" }, party("From", inv.seller)),
      h("div", { "data-test": "buyer" }, party("To", inv.buyer)),
      delivery(inv.delivery), payee(inv.payee), representative(inv.taxRepresentative)),
    table("Lines", ["Item", "Quantity", "Unit price", "VAT", "Net"],
      inv.lines.map((l) => [
        [l.name, lineDetails(l, c)],
        `${l.quantity} ${unit(l.unitCode)}`.trim(),
        l.baseQuantity && l.baseQuantity !== "1" ? `${l.netPrice} per ${l.baseQuantity} ${unit(l.baseQuantityUnitCode ?? l.unitCode)}`.trim() : l.netPrice,
        vatLabel(l.vatCategory, l.vatRate),
        money(l.netAmount, c)]), "lines"),
    allowancesCharges(inv, c),
    table("VAT", ["Category", "Taxable", "VAT"],
      (inv.vatBreakdown ?? []).map((b) => [
        [vatLabel(b.category, b.rate), b.exemptionReason && h("small", {}, b.exemptionReason),
          b.exemptionReasonCode && h("small", {}, b.exemptionReasonCode)],
        money(b.taxableAmount, c), money(b.taxAmount, c)]), "vat"),
    h("dl", { class: "totals" },
      adjusted && [h("dt", {}, "Lines"), h("dd", {}, money(t.lineTotal, c))],
      t.allowanceTotal && [h("dt", {}, "Discounts"), h("dd", { "data-test": "allowance-total" }, minus(t.allowanceTotal, c))],
      t.chargeTotal && [h("dt", {}, "Charges"), h("dd", { "data-test": "charge-total" }, money(t.chargeTotal, c))],
      h("dt", {}, "Net total"), h("dd", {}, money(t.taxExclusive, c)),
      t.vatTotal && [h("dt", {}, "VAT"), h("dd", {}, money(t.vatTotal, c))],
      h("dt", {}, "Total"), h("dd", {}, money(t.taxInclusive, c)),
      t.prepaid && [h("dt", {}, "Paid in advance"), h("dd", {}, minus(t.prepaid, c))],
      t.rounding && [h("dt", {}, "Rounding"), h("dd", {}, money(t.rounding, c))],
      h("dt", { class: "payable" }, "Amount due"), h("dd", { class: "payable", "data-test": "payable" }, money(t.payable, c)),
      (t.vatTotalAccounting ?? inv.vatTotalInAccountingCurrency) && [h("dt", {}, `VAT in ${inv.vatAccountingCurrency}`),
        h("dd", {}, money(t.vatTotalAccounting ?? inv.vatTotalInAccountingCurrency, inv.vatAccountingCurrency))]),
    payment(inv),
    (inv.notes ?? []).length > 0 && h("section", { class: "notes" },
      h("h3", {}, "Notes"), inv.notes.map((n) => h("p", {}, noteSubject(n) && h("strong", {}, `${noteSubject(n)}: `), noteText(n)))),
    attachments.length > 0 && h("section", { class: "supporting" },
      h("h3", {}, "Supporting documents"),
      h("ul", {}, attachments.map((d) => h("li", {}, [d.reference, d.description, d.attachment?.filename, d.uri]
        .filter(Boolean).join(" – ")))),
      attachments.some((d) => d.attachment) && h("p", {}, "Embedded files are in the signed original (download it below).")));
}
