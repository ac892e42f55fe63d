// Reads what the invoice view shows from a verified UBL 2.1 invoice or credit note, with the
// browser's own XML parser, so that opening a link needs no e-invoice module. The same view
// object as the e-invoice module's readInvoice; the rule check stays that module's job. Only
// verified bytes come here; a DTD is refused all the same (SPEC §9).

const CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const ROOTS = {
  "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
  "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
};

/** The child elements of `el` along a path such as "cac:Item/cbc:Name". */
function all(el, path) {
  let nodes = el ? [el] : [];
  for (const step of path.split("/")) {
    const [prefix, name] = step.split(":");
    const ns = prefix === "cac" ? CAC : CBC;
    nodes = nodes.flatMap((n) => [...n.children].filter((c) => c.localName === name && c.namespaceURI === ns));
  }
  return nodes;
}
const one = (el, path) => all(el, path)[0];
const text = (el, path) => one(el, path)?.textContent.trim() || undefined;

function party(el) {
  const p = one(el, "cac:Party");
  const a = one(p, "cac:PostalAddress");
  const vat = all(p, "cac:PartyTaxScheme").find((s) => text(s, "cac:TaxScheme/cbc:ID") === "VAT");
  return {
    name: text(p, "cac:PartyLegalEntity/cbc:RegistrationName") ?? "",
    vatId: text(vat, "cbc:CompanyID"),
    address: {
      street: text(a, "cbc:StreetName"), additionalStreet: text(a, "cbc:AdditionalStreetName"),
      city: text(a, "cbc:CityName"), postCode: text(a, "cbc:PostalZone"),
      country: text(a, "cac:Country/cbc:IdentificationCode") ?? "",
    },
    contact: { email: text(p, "cac:Contact/cbc:ElectronicMail") },
  };
}

/** The view of the invoice in `xml` (bytes). Throws if it is not a UBL invoice. */
export function readUbl(xml) {
  const source = new TextDecoder("utf-8", { fatal: true }).decode(xml);
  if (/<!DOCTYPE/i.test(source)) throw new Error("the invoice document has a DTD");
  const doc = new DOMParser().parseFromString(source, "application/xml");
  const root = doc.documentElement;
  const kind = ROOTS[root.namespaceURI];
  if (!kind || root.localName !== kind || doc.getElementsByTagName("parsererror").length) {
    throw new Error("the invoice document is not a UBL invoice");
  }
  const currency = text(root, "cbc:DocumentCurrencyCode") ?? "";
  const credit = kind === "CreditNote";
  const means = one(root, "cac:PaymentMeans");
  const account = one(means, "cac:PayeeFinancialAccount");
  const taxTotal = all(root, "cac:TaxTotal").find((t) => one(t, "cbc:TaxAmount")?.getAttribute("currencyID") === currency);
  const totals = one(root, "cac:LegalMonetaryTotal");
  return {
    number: text(root, "cbc:ID") ?? "",
    typeCode: text(root, credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode"),
    issueDate: text(root, "cbc:IssueDate") ?? "",
    dueDate: text(root, "cbc:DueDate") ?? text(means, "cbc:PaymentDueDate"),
    currency,
    buyerReference: text(root, "cbc:BuyerReference"),
    paymentTerms: text(root, "cac:PaymentTerms/cbc:Note"),
    notes: all(root, "cbc:Note").map((n) => n.textContent),
    seller: party(one(root, "cac:AccountingSupplierParty")),
    buyer: party(one(root, "cac:AccountingCustomerParty")),
    lines: all(root, credit ? "cac:CreditNoteLine" : "cac:InvoiceLine").map((l) => {
      const quantity = one(l, credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity");
      const tax = one(l, "cac:Item/cac:ClassifiedTaxCategory");
      return {
        name: text(l, "cac:Item/cbc:Name") ?? "", description: text(l, "cac:Item/cbc:Description"),
        quantity: quantity?.textContent.trim() ?? "", unitCode: quantity?.getAttribute("unitCode") ?? undefined,
        netPrice: text(l, "cac:Price/cbc:PriceAmount") ?? "",
        vatCategory: text(tax, "cbc:ID") ?? "", vatRate: text(tax, "cbc:Percent"),
        netAmount: text(l, "cbc:LineExtensionAmount"),
      };
    }),
    vatBreakdown: all(taxTotal, "cac:TaxSubtotal").map((s) => ({
      category: text(s, "cac:TaxCategory/cbc:ID") ?? "", rate: text(s, "cac:TaxCategory/cbc:Percent"),
      taxableAmount: text(s, "cbc:TaxableAmount") ?? "", taxAmount: text(s, "cbc:TaxAmount") ?? "",
      exemptionReason: text(s, "cac:TaxCategory/cbc:TaxExemptionReason"),
    })),
    totals: {
      taxExclusive: text(totals, "cbc:TaxExclusiveAmount"), vatTotal: text(taxTotal, "cbc:TaxAmount"),
      taxInclusive: text(totals, "cbc:TaxInclusiveAmount"), prepaid: text(totals, "cbc:PrepaidAmount"),
      payable: text(totals, "cbc:PayableAmount"),
    },
    payment: account && {
      iban: text(account, "cbc:ID") ?? "", bic: text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
      accountName: text(account, "cbc:Name"), reference: text(means, "cbc:PaymentID"),
    },
  };
}

/**
 * Every payee account (BT-84) of a verified UBL invoice, as written: each
 * cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID, not only the first that `readUbl` shows.
 */
export function payeeAccounts(xml) {
  const source = new TextDecoder("utf-8", { fatal: true }).decode(xml);
  if (/<!DOCTYPE/i.test(source)) throw new Error("the invoice document has a DTD");
  const doc = new DOMParser().parseFromString(source, "application/xml");
  return all(doc.documentElement, "cac:PaymentMeans/cac:PayeeFinancialAccount")
    .map((account) => text(account, "cbc:ID") ?? "");
}
