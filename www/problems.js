// The e-invoice rules' problems in plain words: each rule the invoice form can break gets a
// sentence a business owner understands, in the page's language. The rule id, the business
// term and the rule's own wording stay available for the accountant (the form shows them as
// details). A rule without a sentence here is still said plainly, by the field it concerns.

import { msg } from "/i18n.js";

/** The sentence for a rule. Placeholders: {line} (the line's number, from 1). */
export const RULES = {
  // The invoice itself
  "BR-01": msg("The invoice does not say which e-invoice rules it follows: choose a standard under “E-invoice standard”."),
  "BR-02": msg("Give the invoice a number."),
  "BR-03": msg("Give the invoice's issue date."),
  "BR-04": msg("Choose whether this is an invoice or a credit note."),
  "BR-05": msg("Give the currency of the invoice, such as EUR."),
  "BR-CL-04": msg("The currency is not one the rules know: use a three-letter code such as EUR, CHF or USD."),
  "BR-CL-01": msg("Choose whether this is an invoice or a credit note."),
  "BR-16": msg("Add at least one line to the invoice."),
  "BR-CO-18": msg("Add at least one line with a VAT rate: the invoice needs its VAT summary."),
  "BR-CO-25": msg("Give a due date or payment terms: the client must know when to pay."),
  "BR-29": msg("The period of supply ends before it starts: check the two dates."),
  "BR-CO-19": msg("Give both dates of the period of supply, or neither."),
  "SYNTAX-DROPPED": msg("A credit note has no due date: clear the due date."),
  // You, the seller (from your business details)
  "BR-06": msg("Your business name is missing: add it in your business details."),
  "BR-08": msg("Your business address is missing: add it in your business details."),
  "BR-09": msg("Your business address needs its country: add it in your business details."),
  "BR-CO-26": msg("The invoice needs your VAT id, your tax number or another identifier of your business: add one in your business details."),
  "PEPPOL-EN16931-R020": msg("Your business has no e-invoicing address: add your VAT id in your business details, or choose the EN 16931 standard to be reached by email."),
  "BR-DE-1": msg("XRechnung needs payment details: add your IBAN in your business details."),
  "BR-DE-2": msg("XRechnung needs a contact at your business: add a contact name, phone and email in your business details."),
  "BR-DE-3": msg("XRechnung needs your city: add it in your business details."),
  "BR-DE-4": msg("XRechnung needs your postcode: add it in your business details."),
  "BR-DE-5": msg("XRechnung needs a contact person at your business: add a contact name in your business details."),
  "BR-DE-6": msg("XRechnung needs your phone number: add it in your business details."),
  "BR-DE-7": msg("XRechnung needs your email address: add it in your business details."),
  "BR-DE-16": msg("XRechnung needs your VAT id or your tax number for this VAT rate: add one in your business details."),
  "BR-DE-19": msg("The IBAN in your business details is not a valid IBAN: correct it there."),
  "BR-50": msg("The invoice needs the IBAN your client pays to: add it in your business details."),
  "BR-61": msg("The invoice needs the IBAN your client pays to: add it in your business details."),
  // The client
  "BR-07": msg("Give the client's name."),
  "BR-10": msg("Give the client's address."),
  "BR-11": msg("Give the client's country, as two letters such as DE."),
  "BR-CL-14": msg("Write the country as its two-letter code, such as DE, AT or FR."),
  "BR-DE-8": msg("XRechnung needs the client's city."),
  "BR-DE-9": msg("XRechnung needs the client's postcode."),
  "BR-DE-15": msg("XRechnung needs the client's reference: for a public authority, its Leitweg-ID."),
  "PEPPOL-EN16931-R003": msg("Peppol needs the client's reference or purchase order number. Without one (a private client, say), choose the EN 16931 standard."),
  "PEPPOL-EN16931-R010": msg("Peppol needs the client's e-invoicing address: give their VAT id, or choose the EN 16931 standard and give their email."),
  "PEPPOL-EN16931-CL008": msg("Peppol cannot deliver to an email address: give a VAT id for the e-invoicing address, or choose the EN 16931 standard."),
  // Delivery
  "BR-57": msg("The delivery address needs its country, as two letters such as DE."),
  "BR-DE-10": msg("XRechnung needs the city of the delivery address."),
  "BR-DE-11": msg("XRechnung needs the postcode of the delivery address."),
  "BR-DE-TMP-32": msg("Give the date of supply or the period of supply: XRechnung asks for it."),
  // Lines
  "BR-21": msg("Line {line}: the line needs a number."),
  "BR-22": msg("Line {line}: give the quantity."),
  "BR-23": msg("Line {line}: choose the unit."),
  "BR-24": msg("Line {line}: the line's net amount is missing: give the quantity and the net price."),
  "BR-25": msg("Line {line}: give the item a name."),
  "BR-26": msg("Line {line}: give the net price."),
  "BR-27": msg("Line {line}: the net price cannot be negative. To reduce the total, write a credit note or a negative quantity."),
  "BR-CL-23": msg("Line {line}: choose a unit from the list."),
  "BR-CO-04": msg("Line {line}: choose a VAT rate."),
  // VAT choices
  "BR-S-02": msg("A line with VAT needs your VAT id or tax number on the invoice: add one in your business details."),
  "BR-AE-02": msg("Reverse charge needs both VAT ids on the invoice: add the client's VAT id (and yours in your business details), or choose another VAT rate."),
  "BR-AE-03": msg("Reverse charge needs both VAT ids on the invoice: add the client's VAT id (and yours in your business details), or choose another VAT rate."),
  "BR-AE-04": msg("Reverse charge needs both VAT ids on the invoice: add the client's VAT id (and yours in your business details), or choose another VAT rate."),
  "BR-AE-10": msg("Say why the client owes the VAT (reverse charge): fill in the reason for the exemption."),
  "BR-IC-02": msg("An intra-EU supply of goods needs both VAT ids on the invoice: add the client's VAT id (and yours in your business details), or choose another VAT rate."),
  "BR-IC-03": msg("An intra-EU supply of goods needs both VAT ids on the invoice: add the client's VAT id (and yours in your business details), or choose another VAT rate."),
  "BR-IC-10": msg("Say why no VAT is charged (intra-EU supply): fill in the reason for the exemption."),
  "BR-IC-11": msg("An intra-EU supply of goods needs the date of supply, or a period of supply."),
  "BR-IC-12": msg("An intra-EU supply of goods needs the country the goods went to: give a delivery address, or the client's country."),
  "BR-G-02": msg("An export needs your VAT id on the invoice: add it in your business details, or choose another VAT rate."),
  "BR-G-10": msg("Say why no VAT is charged (export): fill in the reason for the exemption."),
  "BR-E-10": msg("Say why no VAT is charged: fill in the reason, for a small business “Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG”."),
  "BR-O-02": msg("A line outside the scope of VAT cannot carry your VAT id: choose another VAT rate."),
  "BR-O-10": msg("Say why the supply is outside the scope of VAT: fill in the reason for the exemption."),
  "BR-Z-10": msg("A zero rate needs no exemption reason: clear the reason for the exemption."),
  // The sums (the page computes them; these show only if something is badly off)
  "BR-CO-10": msg("The totals do not add up: check each line's quantity and net price."),
  "BR-CO-13": msg("The totals do not add up: check each line's quantity and net price."),
  "BR-CO-14": msg("The VAT does not add up: check the lines' VAT rates."),
  "BR-CO-15": msg("The totals do not add up: check each line's quantity and net price."),
  "BR-CO-16": msg("The totals do not add up: check each line's quantity and net price."),
  "BR-CO-17": msg("The VAT does not add up: check the lines' VAT rates."),
  // sealbill's own
  "SEALBILL-UNHELD": msg("The invoice holds a detail the page cannot keep: remove it or ask your accountant."),
};

/** Sentences where a rule means something else per field. */
const BY_FIELD = {
  "BR-CO-09": {
    "buyer.vatId": msg("The client's VAT id must start with its country's two letters, such as DE123456789."),
    "seller.vatId": msg("Your VAT id must start with its country's two letters, such as DE123456789: correct it in your business details."),
  },
  "PEPPOL-EN16931-CL008": {
    buyer: msg("Peppol cannot deliver to an email address: give the client's VAT id as their e-invoicing address, or choose the EN 16931 standard."),
    seller: msg("Peppol cannot reach your business by email: choose the EN 16931 standard, or add your VAT id in your business details."),
  },
  "SEALBILL-INPUT": {
    "line.quantity": msg("Line {line}: type the quantity as a number."),
    "line.netPrice": msg("Line {line}: type the net price as a number."),
    "line.netAmount": msg("Line {line}: the amount is too large: check the quantity and the net price."),
    "line.name": msg("Line {line}: give the item a name."),
    "line.unitCode": msg("Line {line}: choose a unit from the list."),
    "issueDate": msg("Give the issue date as a date from the calendar."),
    "dueDate": msg("Give the due date as a date from the calendar, or leave it empty."),
    "delivery.date": msg("Give the date of supply as a date from the calendar, or leave it empty."),
    "invoicingPeriod.start": msg("Give the start of the period of supply as a date from the calendar."),
    "invoicingPeriod.end": msg("Give the end of the period of supply as a date from the calendar."),
    "currency": msg("The currency is not one the rules know: use a three-letter code such as EUR, CHF or USD."),
    "payment.iban": msg("The invoice needs the IBAN your client pays to: add it in your business details."),
  },
};

/** What the invoice's fields are called, for the sentence of a rule without its own. */
export const FIELD_NAMES = {
  number: msg("the invoice number"),
  issueDate: msg("the issue date"),
  dueDate: msg("the due date"),
  currency: msg("the currency"),
  typeCode: msg("the type of invoice"),
  buyerReference: msg("the client's reference"),
  orderReference: msg("the client's order number"),
  contractReference: msg("the contract"),
  paymentTerms: msg("the payment terms"),
  notes: msg("the note"),
  profile: msg("the e-invoice standard"),
  buyer: msg("the client's details"),
  "buyer.name": msg("the client's name"),
  "buyer.vatId": msg("the client's VAT id"),
  "buyer.address": msg("the client's address"),
  "buyer.contact": msg("the client's email"),
  seller: msg("your business details"),
  delivery: msg("the delivery details"),
  invoicingPeriod: msg("the period of supply"),
  vatExemptions: msg("the reason for the VAT exemption"),
  payment: msg("the payment details"),
  "line.name": msg("the item of line {line}"),
  "line.quantity": msg("the quantity of line {line}"),
  "line.unitCode": msg("the unit of line {line}"),
  "line.netPrice": msg("the net price of line {line}"),
  "line.vatCategory": msg("the VAT of line {line}"),
  "line.vatRate": msg("the VAT of line {line}"),
  line: msg("line {line}"),
};

/** A field of the plain invoice ("lines[2].netPrice") as a key ("line.netPrice") and its line (3). */
function fieldKey(field, term) {
  const m = /^lines\[(\d+)\](?:\.(\w+))?/.exec(field ?? "");
  if (m) return { key: m[2] ? `line.${m[2]}` : "line", line: Number(m[1]) + 1 };
  // A line's business term without a field: "BG-25[0]/BT-146".
  const inLine = /BG-25\[(\d+)\]/.exec(term ?? "");
  return { key: field ?? "", line: inLine ? Number(inLine[1]) + 1 : undefined };
}

/** The most specific name of a field: "buyer.address.city" → "buyer.address" → "buyer". */
function fieldName(key) {
  for (let k = key; k; k = k.includes(".") ? k.slice(0, k.lastIndexOf(".")) : "") {
    if (FIELD_NAMES[k]) return FIELD_NAMES[k];
  }
  return undefined;
}

/**
 * A problem of the e-invoice module in plain words: `text` (a message), `details` (the rule id
 * and business term, for the accountant) and `plain` (false when only the field-based sentence
 * could be given).
 */
export function plainProblem(problem) {
  const { key, line } = fieldKey(problem.field, problem.term);
  const values = { line: line ?? "" };
  const details = [problem.rule, problem.term].filter(Boolean).join(" · ");
  const specific = BY_FIELD[problem.rule]?.[key] ?? RULES[problem.rule];
  if (specific) return { text: msg(specific.key, values), details, plain: true };
  const name = fieldName(key);
  const field = name ? msg(name.key, values) : msg("this invoice");
  return { text: msg("Please check {field}: the e-invoice rules do not accept it as it is.", { field }), details, plain: false };
}
