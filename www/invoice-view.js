// Renders a verified invoice (the plain object read from the signed UBL) for reading and
// printing: every term a client needs to check and book it. Every value goes in as text.

import { h } from "/dom.js";
import { Message, msg, formatMoney, formatNumber, formatPercent, formatDate } from "/i18n.js";

/** IBANs in groups of four, as printed on paper. */
export const groupIban = (iban) => iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");

/**
 * A value formatted in the reader's locale (money, a number, a date), as a message: it is
 * formatted again when the reader switches language, like any message.
 */
export const live = (format) => Object.assign(new Message(""), { toString: format });

/** An amount: "€1,200.00", "1.200,00 €". */
export const money = (amount, currency) => (amount === undefined || amount === null ? ""
  : live(() => formatMoney(amount, currency)));
/** An amount taken off: "−€46.09", "−46,09 €". */
const minus = (amount, currency) => (amount === undefined ? "" : live(() => `−${formatMoney(amount, currency)}`));
/** An ISO date as the reader writes it: "02.12.2026", "12/02/2026". */
export const date = (iso) => (iso ? live(() => formatDate(iso)) : undefined);
const number = (value) => live(() => formatNumber(value));
const percent = (rate) => live(() => formatPercent(rate));

/** Items as one text, separated by commas (items may be messages). */
const commaList = (items) => (items.length ? items.flatMap((item, i) => (i ? [", ", item] : [item])) : undefined);

/** A definition list's entries, leaving out those without a value: `[label, value, attributes]`. */
const entries = (pairs) => pairs.filter(([, value]) => value !== undefined && value !== "" && value !== null)
  .map(([label, value, attributes = {}]) => [h("dt", {}, label), h("dd", attributes, value)]);

/** An identifier with its scheme, such as "4000001123452 (0088)". */
const ident = (id) => (id ? (id.scheme ? `${id.id} (${id.scheme})` : id.id) : undefined);

/** A period in words, with the dates as the reader writes them. */
function periodText(p) {
  if (!p || (!p.start && !p.end)) return undefined;
  if (p.start && p.end) return p.start === p.end ? date(p.start) : msg("{start} to {end}", { start: date(p.start), end: date(p.end) });
  return p.start ? msg("from {start}", { start: date(p.start) }) : msg("until {end}", { end: date(p.end) });
}

const addressText = (a = {}) => [a.street, a.additionalStreet, a.line3,
  [a.postCode, a.city].filter(Boolean).join(" "), a.subdivision, a.country].filter(Boolean).join(", ");

function party(title, p, { testId } = {}) {
  return h("div", { class: "party", "data-test": testId },
    h("h3", {}, title),
    h("p", { class: "party-name" }, p.name),
    p.tradingName && p.tradingName !== p.name && h("p", {}, msg("Trading as {name}", { name: p.tradingName })),
    h("p", {}, addressText(p.address)),
    p.vatId && h("p", {}, msg("VAT id {id}", { id: p.vatId })),
    p.taxNumber && h("p", { "data-test": "tax-number" }, msg("Tax number {number}", { number: p.taxNumber })),
    p.legalId && h("p", {}, msg("Registration {id}", { id: ident(p.legalId) ?? p.legalId })),
    p.legalInfo && h("p", {}, p.legalInfo),
    (p.identifiers ?? []).length > 0 && h("p", {}, msg("Identifier {id}", { id: p.identifiers.map(ident).join(", ") })),
    p.contact?.name && h("p", {}, msg("Contact {name}", { name: p.contact.name })),
    p.contact?.phone && h("p", {}, p.contact.phone),
    p.contact?.email && h("p", {}, p.contact.email),
    p.electronicAddress && ![p.contact?.email, p.vatId].includes(p.electronicAddress.id)
      && h("p", {}, msg("Electronic address {address}", { address: ident(p.electronicAddress) })));
}

/** The delivery: where, to whom, when (the date of supply is in the head). */
function delivery(d) {
  if (!d || (!d.name && !d.address && !d.locationId)) return undefined;
  return h("div", { class: "party", "data-test": "delivery" },
    h("h3", {}, msg("Delivered to")),
    d.name && h("p", { class: "party-name" }, d.name),
    d.address && h("p", {}, addressText(d.address)),
    d.locationId && h("p", {}, msg("Location {id}", { id: ident(d.locationId) })));
}

function payee(p) {
  return p && h("div", { class: "party", "data-test": "payee" },
    h("h3", {}, msg("Paid to")),
    h("p", { class: "party-name" }, p.name),
    h("p", {}, msg("Payment goes to this payee instead of the seller.")),
    p.identifier && h("p", {}, msg("Identifier {id}", { id: ident(p.identifier) })),
    p.legalId && h("p", {}, msg("Registration {id}", { id: ident(p.legalId) })));
}

function representative(t) {
  return t && h("div", { class: "party", "data-test": "tax-representative" },
    h("h3", {}, msg("Seller's tax representative")),
    h("p", { class: "party-name" }, t.name),
    h("p", {}, addressText(t.address)),
    t.vatId && h("p", {}, msg("VAT id {id}", { id: t.vatId })));
}

function table(caption, head, rows, className) {
  return h("table", { class: className },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c ?? ""))))));
}

/**
 * Units (UN/ECE Recommendation 20) in words, singular and plural, for the codes the form and
 * common invoices use; symbols where the reader writes symbols. Others show their code.
 */
const UNITS = {
  C62: [msg("piece"), msg("pieces")], H87: [msg("piece"), msg("pieces")], XPP: [msg("piece"), msg("pieces")],
  EA: [msg("piece"), msg("pieces")], HUR: [msg("hour"), msg("hours")], MIN: [msg("minute"), msg("minutes")],
  DAY: [msg("day"), msg("days")], WEE: [msg("week"), msg("weeks")], MON: [msg("month"), msg("months")],
  ANN: [msg("year"), msg("years")], LS: [msg("lump sum"), msg("lump sums")], SET: [msg("set"), msg("sets")],
  PR: [msg("pair"), msg("pairs")], DZN: [msg("dozen"), msg("dozen")], XPK: [msg("package"), msg("packages")],
  XBX: [msg("box"), msg("boxes")], XPA: [msg("packet"), msg("packets")], XRO: [msg("roll"), msg("rolls")],
  E48: [msg("service unit"), msg("service units")], XPX: [msg("pallet"), msg("pallets")],
  KGM: ["kg"], GRM: ["g"], TNE: ["t"], MTR: ["m"], KMT: ["km"], CMT: ["cm"], MMT: ["mm"], MTK: ["m²"], MTQ: ["m³"],
  LTR: ["l"], MLT: ["ml"], KWH: ["kWh"], MWH: ["MWh"], KWT: ["kW"], GB: ["GB"], E34: ["GB"], TB: ["TB"],
};
/** A quantity with its unit in words: "7.5 hours", "7,5 Stunden", "1 piece", "3 kg"; an unknown code as it is. */
function quantityText(quantity, code) {
  if (quantity === undefined) return undefined;
  const words = UNITS[code];
  const unit = words ? (/^[+-]?1$/.test(String(quantity)) ? words[0] : words[1] ?? words[0]) : code;
  return unit ? msg("{quantity} {unit}", { quantity: number(quantity), unit }) : number(quantity);
}

/** VAT categories (UNCL 5305) in words. */
const CATEGORIES = {
  S: msg("Standard rate"), Z: msg("Zero rate"), E: msg("Exempt"), AE: msg("Reverse charge"),
  K: msg("Intra-EU supply, exempt"), G: msg("Export outside the EU, exempt"), O: msg("Not subject to VAT"),
  L: msg("Canary Islands tax (IGIC)"), M: msg("Ceuta and Melilla tax (IPSI)"),
};
const REDUCED = msg("Reduced rate");
const SMALL_BUSINESS = msg("Exempt: small business (§ 19 UStG)");

/**
 * How an invoice's VAT categories read: a standard rate below the invoice's highest (or the
 * German 7 %) is the reduced rate; an exemption whose reason names § 19 UStG is a small business's.
 */
function vatContext(inv) {
  const standard = [...(inv.lines ?? []).map((l) => [l.vatCategory, l.vatRate]),
    ...(inv.vatBreakdown ?? []).map((b) => [b.category, b.rate])]
    .filter(([category, rate]) => category === "S" && rate !== undefined).map(([, rate]) => Number(rate));
  const german = inv.seller?.address?.country === "DE";
  const smallBusiness = (inv.vatBreakdown ?? []).some((b) => b.category === "E"
    && /§\s*19\b|Kleinunternehmer|small business/i.test(b.exemptionReason ?? ""));
  return { highest: Math.max(0, ...standard), german, smallBusiness };
}

/** A VAT rate and its category in words: "19 % Standard rate", "0 % Reverse charge". */
function vatLabel(category, rate, context = {}) {
  let words = CATEGORIES[category] ?? (category ? msg("Category {code}", { code: category }) : undefined);
  if (category === "S" && rate !== undefined && (Number(rate) < context.highest || (context.german && Number(rate) === 7))) words = REDUCED;
  if (category === "E" && context.smallBusiness) words = SMALL_BUSINESS;
  return h("span", { class: "vat-label" },
    rate !== undefined && h("span", { class: "vat-rate" }, percent(rate)),
    rate !== undefined && words && " ",
    words && h("small", { class: "vat-category", "data-category": category }, words));
}

/** Note subjects (UNTDID 4451) in words; others show their code. */
const SUBJECTS = { AAI: msg("General information"), AAB: msg("Payment terms"), ABL: msg("Legal"), REG: msg("Regulatory"),
  TXD: msg("Tax"), SUR: msg("Seller's remarks"), PMT: msg("Payment"), PMD: msg("Payment details"), CUS: msg("Customs"),
  ACY: msg("Copy"), AAC: msg("Dangerous goods"), ABZ: msg("Cost accounting"), ADU: msg("Note"),
  AAK: msg("Price conditions"), AFM: msg("Authentication"), AFT: msg("Other references") };
const noteText = (n) => (typeof n === "string" ? n : n.text);
const noteSubject = (n) => (typeof n === "string" || !n.subjectCode ? undefined
  : SUBJECTS[n.subjectCode] ?? msg("Subject {code}", { code: n.subjectCode }));

/** Payment means (UNTDID 4461) in words. */
const MEANS = { 58: msg("SEPA credit transfer"), 30: msg("Credit transfer"), 59: msg("SEPA direct debit"),
  49: msg("Direct debit"), 48: msg("Bank card"), 54: msg("Credit card"), 55: msg("Debit card"), 10: msg("Cash"),
  20: msg("Cheque"), 31: msg("Debit transfer"), 42: msg("Payment to bank account"), 57: msg("Standing agreement"),
  68: msg("Online payment service"), 97: msg("Clearing between partners"), 1: msg("Not defined") };

/** A unit price: "€95.00", or "€95.00 per 10 kg" when the price is for more than one unit. */
function unitPrice(l, c) {
  const price = money(l.netPrice, c);
  if (!l.baseQuantity || Number(l.baseQuantity) === 1) return price;
  return msg("{price} per {quantity}", { price, quantity: quantityText(l.baseQuantity, l.baseQuantityUnitCode ?? l.unitCode) });
}

/** What a line says beside its name: description, note, period, references, item data, allowances. */
function lineDetails(l, c) {
  const small = (text) => h("small", {}, text);
  return [
    l.description && small(l.description),
    l.note && small(l.note),
    periodText(l.period) && small(msg("Period {period}", { period: periodText(l.period) })),
    l.orderLineReference && small(msg("Your order line {reference}", { reference: l.orderLineReference })),
    l.accountingReference && small(msg("Your accounting reference {reference}", { reference: l.accountingReference })),
    l.objectId && small(msg("Object {id}", { id: ident(l.objectId) })),
    l.sellerItemId && small(msg("Article {id}", { id: l.sellerItemId })),
    l.buyerItemId && small(msg("Your article {id}", { id: l.buyerItemId })),
    l.standardItemId && small(msg("Item {id}", { id: ident(l.standardItemId) })),
    (l.classifications ?? []).length > 0 && small(msg("Classification {ids}", { ids: l.classifications.map(ident).join(", ") })),
    l.originCountry && small(msg("Made in {country}", { country: l.originCountry })),
    (l.attributes ?? []).map((a) => small(`${a.name}: ${a.value}`)),
    l.grossPrice && small(l.priceDiscount
      ? msg("Gross price {price}, less {discount}", { price: money(l.grossPrice, c), discount: money(l.priceDiscount, c) })
      : msg("Gross price {price}", { price: money(l.grossPrice, c) })),
    (l.allowances ?? []).map((a) => small(msg("Less {name}: {amount}", { name: allowanceName(a, "discount", c), amount: minus(a.amount, c) }))),
    (l.charges ?? []).map((a) => small(msg("Plus {name}: {amount}", { name: allowanceName(a, "charge", c), amount: money(a.amount, c) }))),
  ];
}

/** What an allowance or charge is for, and its share: "early payment (2 % of €1,000.00)". */
function allowanceName(a, kind, c) {
  const name = a.reason ?? (a.reasonCode
    ? (kind === "charge" ? msg("Charge {code}", { code: a.reasonCode }) : msg("Discount {code}", { code: a.reasonCode }))
    : (kind === "charge" ? msg("charge") : msg("discount")));
  if (a.percentage && a.baseAmount) return msg("{name} ({percent} of {base})", { name, percent: percent(a.percentage), base: money(a.baseAmount, c) });
  if (a.percentage) return msg("{name} ({percent})", { name, percent: percent(a.percentage) });
  return name;
}

/** Document-level allowances (taken off) and charges (added), each with its VAT. */
function allowancesCharges(inv, c, context) {
  const rows = [
    ...(inv.allowances ?? []).map((a) => [msg("Discount: {name}", { name: allowanceName(a, "discount", c) }),
      vatLabel(a.vatCategory, a.vatRate, context), minus(a.amount, c)]),
    ...(inv.charges ?? []).map((a) => [msg("Charge: {name}", { name: allowanceName(a, "charge", c) }),
      vatLabel(a.vatCategory, a.vatRate, context), money(a.amount, c)]),
  ];
  return rows.length > 0 && table(msg("Discounts and charges on the whole invoice"),
    ["", msg("VAT"), msg("Amount")], rows, "allowances");
}

/** The accounts, card or mandate the invoice names, and the reference to quote. */
function payment(inv) {
  const pay = inv.payment;
  if (!pay) {
    return inv.paymentTerms ? h("section", { class: "payment" }, h("h3", {}, msg("Payment")),
      h("dl", {}, entries([[msg("Terms"), inv.paymentTerms]]))) : undefined;
  }
  const accounts = [pay.iban !== undefined ? pay : undefined, ...(pay.additionalAccounts ?? [])].filter(Boolean);
  const means = MEANS[pay.meansCode] ?? pay.meansText;
  return h("section", { class: "payment", "data-test": "payment" },
    h("h3", {}, msg("Payment")),
    h("dl", {}, entries([
      [msg("How"), means, { "data-test": "means" }],
      ...accounts.flatMap((a, i) => [
        [accounts.length > 1 ? msg("Account {n}", { n: i + 1 }) : "IBAN", groupIban(a.iban), i === 0 ? { class: "iban", "data-test": "iban" } : { class: "iban" }],
        ["BIC", a.bic], [msg("Account holder"), a.accountName]]),
      [msg("Card"), pay.card?.number, { "data-test": "card" }], [msg("Card holder"), pay.card?.holderName],
      [msg("Debited from"), pay.directDebit?.debitedAccount && groupIban(pay.directDebit.debitedAccount), { "data-test": "direct-debit" }],
      [msg("Mandate reference"), pay.directDebit?.mandateReference], [msg("Creditor id"), pay.directDebit?.creditorId],
      [msg("Payment reference"), pay.reference, { "data-test": "payment-reference" }], [msg("Terms"), inv.paymentTerms]])),
    h("div", { class: "girocode-slot", "data-test": "girocode-slot" }));
}

/** The references a client books the invoice against. */
function references(inv) {
  const preceding = inv.precedingInvoice ? [inv.precedingInvoice]
    : (inv.precedingInvoices ?? []).map((p) => (p.issueDate
      ? msg("{reference} of {date}", { reference: p.reference, date: date(p.issueDate) }) : p.reference));
  return [
    [msg("Your reference"), inv.buyerReference],
    [msg("Your order"), inv.orderReference, { "data-test": "order" }],
    [msg("Contract"), inv.contractReference, { "data-test": "contract" }],
    [msg("Project"), inv.projectReference],
    [msg("Our order"), inv.salesOrderReference],
    [msg("Despatch advice"), inv.despatchAdviceReference],
    [msg("Receiving advice"), inv.receivingAdviceReference],
    [msg("Tender or lot"), inv.tenderReference],
    [msg("Invoiced object"), ident(inv.invoicedObject)],
    [msg("Your accounting reference"), inv.buyerAccountingReference],
    [preceding.length > 1 ? msg("Corrects invoices") : msg("Corrects invoice"), commaList(preceding)],
  ];
}

/** The invoice as a document: parties, lines, allowances and charges, VAT, totals and how to pay. */
export function renderInvoice(inv) {
  const c = inv.currency;
  const t = inv.totals ?? {};
  const kind = inv.typeCode === "381" || inv.creditNote ? msg("Credit note") : msg("Invoice");
  const adjusted = (inv.allowances ?? []).length > 0 || (inv.charges ?? []).length > 0 || t.allowanceTotal || t.chargeTotal;
  const attachments = inv.attachments ?? [];
  const context = vatContext(inv);
  return h("article", { class: "invoice", "aria-label": msg("{kind} {number}", { kind, number: inv.number }) },
    h("header", { class: "invoice-head" },
      h("h3", {}, kind, " ", h("span", { "data-test": "number" }, inv.number)),
      h("dl", {}, entries([
        [msg("Issued"), date(inv.issueDate), { "data-test": "issued" }],
        [msg("Due"), date(inv.dueDate), { "data-test": "due" }],
        [msg("Date of supply"), date(inv.delivery?.date), { "data-test": "supply-date" }],
        [msg("Period of supply"), periodText(inv.invoicingPeriod), { "data-test": "period" }],
        [msg("Tax point"), date(inv.taxPointDate)],
        ...references(inv),
        inv.vatAccountingCurrency && inv.vatAccountingCurrency !== c ? [msg("VAT accounted in"), inv.vatAccountingCurrency] : [],
      ]))),
    h("div", { class: "parties" },
      h("div", { "data-test": "seller" }, party(msg("From"), inv.seller)),
      h("div", { "data-test": "buyer" }, party(msg("To"), inv.buyer)),
      delivery(inv.delivery), payee(inv.payee), representative(inv.taxRepresentative)),
    table(msg("Lines"), [msg("Item"), msg("Quantity"), msg("Unit price"), msg("VAT"), msg("Net")],
      inv.lines.map((l) => [
        [l.name, lineDetails(l, c)],
        quantityText(l.quantity, l.unitCode),
        unitPrice(l, c),
        vatLabel(l.vatCategory, l.vatRate, context),
        money(l.netAmount, c)]), "lines"),
    allowancesCharges(inv, c, context),
    table(msg("VAT breakdown"), [msg("Category"), msg("Taxable amount"), msg("VAT")],
      (inv.vatBreakdown ?? []).map((b) => [
        [vatLabel(b.category, b.rate, context), b.exemptionReason && h("small", {}, b.exemptionReason),
          b.exemptionReasonCode && h("small", {}, b.exemptionReasonCode)],
        money(b.taxableAmount, c), money(b.taxAmount, c)]), "vat"),
    h("dl", { class: "totals" },
      adjusted && [h("dt", {}, msg("Sum of lines")), h("dd", {}, money(t.lineTotal, c))],
      t.allowanceTotal && [h("dt", {}, msg("Discounts")), h("dd", { "data-test": "allowance-total" }, minus(t.allowanceTotal, c))],
      t.chargeTotal && [h("dt", {}, msg("Charges")), h("dd", { "data-test": "charge-total" }, money(t.chargeTotal, c))],
      h("dt", {}, msg("Net total")), h("dd", {}, money(t.taxExclusive, c)),
      t.vatTotal && [h("dt", {}, msg("VAT")), h("dd", {}, money(t.vatTotal, c))],
      h("dt", {}, msg("Total")), h("dd", {}, money(t.taxInclusive, c)),
      t.prepaid && [h("dt", {}, msg("Paid in advance")), h("dd", {}, minus(t.prepaid, c))],
      t.rounding && [h("dt", {}, msg("Rounding")), h("dd", {}, money(t.rounding, c))],
      h("dt", { class: "payable" }, msg("Amount due")), h("dd", { class: "payable", "data-test": "payable" }, money(t.payable, c)),
      (t.vatTotalAccounting ?? inv.vatTotalInAccountingCurrency) && [
        h("dt", {}, msg("VAT in {currency}", { currency: inv.vatAccountingCurrency })),
        h("dd", {}, money(t.vatTotalAccounting ?? inv.vatTotalInAccountingCurrency, inv.vatAccountingCurrency))]),
    payment(inv),
    (inv.notes ?? []).length > 0 && h("section", { class: "notes" },
      h("h3", {}, msg("Notes")), inv.notes.map((n) => h("p", {}, noteSubject(n) && [h("strong", {}, noteSubject(n)), ": "], noteText(n)))),
    attachments.length > 0 && h("section", { class: "supporting" },
      h("h3", {}, msg("Supporting documents")),
      h("ul", {}, attachments.map((d) => h("li", {}, [d.reference, d.description, d.attachment?.filename, d.uri]
        .filter(Boolean).join(" – ")))),
      attachments.some((d) => d.attachment) && h("p", {}, msg("Embedded files are in the signed original (download it below)."))));
}
