// Reads a verified UBL 2.1 invoice or credit note with the browser's own XML parser, so that
// opening a link needs no e-invoice module, into the **same plain invoice object** as the
// e-invoice module's `readInvoice(xml).invoice`: the same keys, the same spelling of amounts
// (two decimals), quantities, prices and rates (trailing zeros stripped), dates and codes. The
// parity test (tests/e2e/ubl-parity.test.mjs) compares both field by field over the corpus and
// the official examples. It follows the module's UBL reader element by element: a repeated
// element is read as the module reads it. The rule check stays the module's job. Only verified
// bytes come here; a DTD is refused all the same (SPEC §9).

import { msg } from "/i18n.js";

const ROOTS = {
  "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
  "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
};

/** The element children of `n`. */
const kids = (n) => (n ? [...n.children] : []);
/** The first element child of `n` with this local name. */
const kid = (n, name) => kids(n).find((c) => c.localName === name);
/** The element children of `n` with this local name. */
const every = (n, name) => kids(n).filter((c) => c.localName === name);
/** An element's own text as written (its direct text and CDATA children), or undefined. */
function raw(n) {
  const out = [...(n?.childNodes ?? [])].filter((c) => c.nodeType === 3 || c.nodeType === 4).map((c) => c.data).join("");
  return out || undefined;
}
const trim = (s) => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, "");
/** An element's own text, trimmed; "" when there is none. */
const own = (n) => trim(raw(n) ?? "");
/** The trimmed text of the first child `name`; undefined when absent or blank. */
const text = (n, name) => own(kid(n, name)) || undefined;
/** A path of first children: `at(n, "Item", "Name")`. */
const at = (n, ...names) => names.reduce((node, name) => kid(node, name), n);

/** An amount as the module spells it (two decimals), or undefined if it is not one (more than two decimals…). */
export function amount(value) {
  const m = /^([+-]?)(\d+)(?:\.(\d{0,2}))?$/.exec(trim(value ?? ""));
  if (!m) return undefined;
  const units = `${m[2].replace(/^0+(?=\d)/, "")}.${(m[3] ?? "").padEnd(2, "0")}`;
  return m[1] === "-" && /[1-9]/.test(units) ? `-${units}` : units;
}

/** A quantity, price or rate as the module spells it (trailing zeros stripped), or undefined. */
export function decimal(value) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(trim(value ?? ""));
  if (!m || !(m[2] || m[3])) return undefined;
  const whole = m[2].replace(/^0+/, "") || "0";
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  const out = fraction ? `${whole}.${fraction}` : whole;
  return m[1] === "-" && out !== "0" ? `-${out}` : out;
}

/** A UBL `xs:date` as `YYYY-MM-DD` (a time zone is dropped), or undefined. */
function date(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$/.exec(trim(value ?? ""));
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** `{ id, scheme }` of an identifier element (`schemeID`). */
const identifier = (n, attribute = "schemeID") => ({ id: own(n), scheme: n.getAttribute(attribute) ?? undefined });

function address(n) {
  const a = {};
  for (const c of kids(n)) {
    switch (c.localName) {
      case "StreetName": a.street = own(c) || undefined; break;
      case "AdditionalStreetName": a.additionalStreet = own(c) || undefined; break;
      case "AddressLine": a.line3 = text(c, "Line"); break;
      case "CityName": a.city = own(c) || undefined; break;
      case "PostalZone": a.postCode = own(c) || undefined; break;
      case "CountrySubentity": a.subdivision = own(c) || undefined; break;
      case "Country": a.country = text(c, "IdentificationCode"); break;
      default: break;
    }
  }
  return a;
}

/** A party as the module's reader holds it (before the plain object). */
function party(n) {
  const p = { identifiers: [], address: {}, contact: {} };
  for (const c of kids(n)) {
    switch (c.localName) {
      case "EndpointID": p.electronicAddress = identifier(c); break;
      case "PartyIdentification": {
        const id = kid(c, "ID");
        if (id) p.identifiers.push(identifier(id));
        break;
      }
      case "PartyName": p.tradingName = text(c, "Name"); break;
      case "PostalAddress": p.address = address(c); break;
      case "PartyTaxScheme": {
        const id = text(c, "CompanyID");
        if (text(kid(c, "TaxScheme"), "ID") === "VAT") p.vatId = id;
        else p.taxRegistration = id;
        break;
      }
      case "PartyLegalEntity": {
        const name = text(c, "RegistrationName");
        if (name) p.name = name;
        const legal = kid(c, "CompanyID");
        if (legal) p.legalId = identifier(legal);
        const form = text(c, "CompanyLegalForm");
        if (form) p.legalInformation = form;
        break;
      }
      case "Contact":
        p.contact = { name: text(c, "Name"), phone: text(c, "Telephone"), email: text(c, "ElectronicMail") };
        break;
      default: break;
    }
  }
  return p;
}

function period(n) {
  return { start: date(text(n, "StartDate")), end: date(text(n, "EndDate")) };
}

/**
 * One `cac:PaymentMeans`: its code, remittance information and means. Accounts, a card and a
 * mandate may stand side by side, as in EN 16931 (BG-17, BG-18, BG-19).
 */
function paymentMeans(n) {
  const p = { meansCode: text(n, "PaymentMeansCode"), meansText: kid(n, "PaymentMeansCode")?.getAttribute("name") ?? undefined,
    reference: text(n, "PaymentID"), means: { transfers: [] } };
  for (const c of kids(n)) {
    if (c.localName === "PayeeFinancialAccount") {
      p.means.transfers.push({ iban: text(c, "ID"), accountName: text(c, "Name"), bic: text(kid(c, "FinancialInstitutionBranch"), "ID") });
    } else if (c.localName === "CardAccount") {
      p.means.card ??= { number: text(c, "PrimaryAccountNumberID"), holder: text(c, "HolderName") };
    } else if (c.localName === "PaymentMandate") {
      p.means.directDebit ??= { mandate: text(c, "ID"), debitedAccount: text(kid(c, "PayerFinancialAccount"), "ID") };
    }
  }
  return p;
}

/** Several `cac:PaymentMeans` are one instruction: the first header values, accounts added up, the first card and mandate. */
function mergePayment(prev, next) {
  return { ...prev, meansCode: prev.meansCode ?? next.meansCode, meansText: prev.meansText ?? next.meansText,
    reference: prev.reference ?? next.reference,
    means: { transfers: [...prev.means.transfers, ...next.means.transfers],
      card: prev.means.card ?? next.means.card, directDebit: prev.means.directDebit ?? next.means.directDebit } };
}

/** `[category, rate, reason, reasonCode]` of a tax category. */
function taxCategory(n) {
  return [text(n, "ID") ?? "", decimal(text(n, "Percent")), own(kid(n, "TaxExemptionReason")) || undefined,
    kid(n, "TaxExemptionReasonCode") ? own(kid(n, "TaxExemptionReasonCode")) : undefined];
}

const isCharge = (n) => ["true", "1"].includes(text(n, "ChargeIndicator"));

function allowanceCharge(n, withVat) {
  const out = {
    amount: amount(text(n, "Amount")) ?? "0.00", baseAmount: amount(text(n, "BaseAmount")),
    percentage: decimal(text(n, "MultiplierFactorNumeric")),
    reason: text(n, "AllowanceChargeReason"), reasonCode: text(n, "AllowanceChargeReasonCode"),
  };
  if (withVat) {
    const tax = kid(n, "TaxCategory");
    const [category, rate] = tax ? taxCategory(tax) : ["", undefined];
    Object.assign(out, { vatCategory: category, vatRate: rate });
  }
  return out;
}

function line(n) {
  const quantity = kid(n, "InvoicedQuantity") ?? kid(n, "CreditedQuantity");
  const item = kid(n, "Item");
  const price = kid(n, "Price");
  const tax = every(item, "ClassifiedTaxCategory").at(-1);
  const [vatCategory, vatRate] = tax ? taxCategory(tax) : ["", undefined];
  const charges = every(n, "AllowanceCharge");
  const discount = every(price, "AllowanceCharge").filter((c) => !isCharge(c)).at(-1);
  const objectRef = every(n, "DocumentReference").filter((d) => text(d, "DocumentTypeCode") === "130" && kid(d, "ID")).at(-1);
  return {
    id: text(n, "ID") ?? "",
    note: text(n, "Note"),
    quantity: decimal(own(quantity)) ?? "0",
    unitCode: quantity?.getAttribute("unitCode") ?? "",
    netAmount: amount(text(n, "LineExtensionAmount")) ?? "0.00",
    accountingReference: text(n, "AccountingCost"),
    orderLineReference: every(n, "OrderLineReference").map((r) => text(r, "LineID")).at(-1),
    objectIdentifier: objectRef && identifier(kid(objectRef, "ID")),
    period: every(n, "InvoicePeriod").map(period).at(-1),
    allowances: charges.filter((c) => !isCharge(c)).map((c) => allowanceCharge(c, false)),
    charges: charges.filter(isCharge).map((c) => allowanceCharge(c, false)),
    netPrice: decimal(text(price, "PriceAmount")) ?? "0",
    baseQuantity: decimal(text(price, "BaseQuantity")),
    baseQuantityUnit: trim(kid(price, "BaseQuantity")?.getAttribute("unitCode") ?? "") ? kid(price, "BaseQuantity").getAttribute("unitCode") : undefined,
    priceDiscount: discount && decimal(text(discount, "Amount")),
    grossPrice: discount && decimal(text(discount, "BaseAmount")),
    vatCategory, vatRate,
    name: text(item, "Name") ?? "",
    description: text(item, "Description"),
    sellerItemId: text(kid(item, "SellersItemIdentification"), "ID"),
    buyerItemId: text(kid(item, "BuyersItemIdentification"), "ID"),
    standardItemId: at(item, "StandardItemIdentification", "ID") && identifier(at(item, "StandardItemIdentification", "ID")),
    classifications: every(item, "CommodityClassification").map((c) => kid(c, "ItemClassificationCode"))
      .filter(Boolean).map((c) => identifier(c, "listID")),
    originCountry: text(kid(item, "OriginCountry"), "IdentificationCode"),
    attributes: every(item, "AdditionalItemProperty").map((p) => ({ name: text(p, "Name"), value: text(p, "Value") })),
  };
}

/** The document as the module's reader holds it, element by element. */
function model(root, kind) {
  const inv = { kind, notes: [], precedingInvoices: [], attachments: [], lines: [], allowances: [], charges: [],
    vatBreakdown: [], totals: {}, seller: party(null), buyer: party(null) };
  const taxAmounts = [];
  for (const c of kids(root)) {
    switch (c.localName) {
      case "CustomizationID": inv.specificationId = own(c) || undefined; break;
      case "ProfileID": inv.businessProcess = own(c) || undefined; break;
      case "ID": inv.number = own(c) || undefined; break;
      case "IssueDate": inv.issueDate = date(text(root, "IssueDate")); break;
      case "DueDate": inv.dueDate = date(text(root, "DueDate")); break;
      case "InvoiceTypeCode": case "CreditNoteTypeCode": inv.typeCode = own(c); break;
      case "Note": {
        const note = own(c);
        const m = /^#([^#]*)#([\s\S]*)$/.exec(note);
        inv.notes.push(m && [...m[1]].length === 3 && new TextEncoder().encode(m[1]).length === 3
          ? { subjectCode: m[1], text: m[2] } : { text: note });
        break;
      }
      case "TaxPointDate": inv.taxPointDate = date(text(root, "TaxPointDate")); break;
      case "DocumentCurrencyCode": inv.currency = own(c); break;
      case "TaxCurrencyCode": inv.vatAccountingCurrency = own(c); break;
      case "AccountingCost": inv.buyerAccountingReference = own(c) || undefined; break;
      case "BuyerReference": inv.buyerReference = own(c) || undefined; break;
      case "InvoicePeriod": {
        if (kid(c, "DescriptionCode")) inv.taxPointDateCode = text(c, "DescriptionCode") ?? inv.taxPointDateCode;
        const p = period(c);
        if (p.start || p.end) inv.invoicingPeriod = p;
        break;
      }
      case "OrderReference":
        inv.orderReference = text(c, "ID");
        inv.salesOrderReference = text(c, "SalesOrderID");
        break;
      case "BillingReference": {
        const r = kid(c, "InvoiceDocumentReference");
        if (r) inv.precedingInvoices.push({ reference: text(r, "ID") ?? "", issueDate: date(text(r, "IssueDate")) });
        break;
      }
      case "DespatchDocumentReference": inv.despatchAdviceReference = text(c, "ID"); break;
      case "ReceiptDocumentReference": inv.receivingAdviceReference = text(c, "ID"); break;
      case "OriginatorDocumentReference": inv.tenderReference = text(c, "ID"); break;
      case "ContractDocumentReference": inv.contractReference = text(c, "ID"); break;
      case "ProjectReference": inv.projectReference = text(c, "ID"); break;
      case "AdditionalDocumentReference":
        if (text(c, "DocumentTypeCode") === "130") {
          if (kid(c, "ID")) inv.invoicedObject = identifier(kid(c, "ID"));
        } else {
          const file = at(c, "Attachment", "EmbeddedDocumentBinaryObject");
          inv.attachments.push({ reference: text(c, "ID") ?? "", description: text(c, "DocumentDescription"),
            uri: text(at(c, "Attachment", "ExternalReference"), "URI"),
            file: file && { mimeCode: file.getAttribute("mimeCode") ?? "", filename: file.getAttribute("filename") ?? "", content: own(file).replace(/\s+/g, "") } });
        }
        break;
      case "AccountingSupplierParty": if (kid(c, "Party")) inv.seller = party(kid(c, "Party")); break;
      case "AccountingCustomerParty": if (kid(c, "Party")) inv.buyer = party(kid(c, "Party")); break;
      case "PayeeParty": {
        const p = party(kid(c, "Party") ?? c);
        inv.payee = { name: p.name ?? p.tradingName, identifier: p.identifiers[0], legalId: p.legalId };
        break;
      }
      case "TaxRepresentativeParty": {
        const p = party(c);
        inv.taxRepresentative = { name: p.name ?? p.tradingName, vatId: p.vatId, address: p.address };
        break;
      }
      case "Delivery": {
        const d = {};
        for (const e of kids(c)) {
          if (e.localName === "ActualDeliveryDate") d.date = date(text(c, "ActualDeliveryDate"));
          else if (e.localName === "DeliveryLocation") {
            if (kid(e, "ID")) d.locationId = identifier(kid(e, "ID"));
            if (kid(e, "Address")) d.address = address(kid(e, "Address"));
          } else if (e.localName === "DeliveryParty") d.partyName = text(kid(e, "PartyName"), "Name");
        }
        inv.delivery = d;
        break;
      }
      case "PaymentMeans": {
        const next = paymentMeans(c);
        inv.payment = inv.payment ? mergePayment(inv.payment, next) : next;
        break;
      }
      case "PaymentTerms": inv.paymentTerms = raw(kid(c, "Note")); break;
      case "AllowanceCharge": (isCharge(c) ? inv.charges : inv.allowances).push(allowanceCharge(c, true)); break;
      case "TaxTotal": {
        const total = kid(c, "TaxAmount");
        if (total) taxAmounts.push({ currency: trim(total.getAttribute("currencyID") ?? "") || undefined, amount: amount(own(total)) });
        for (const s of every(c, "TaxSubtotal")) {
          const cat = every(s, "TaxCategory").at(-1);
          const [category, rate, reason, reasonCode] = cat ? taxCategory(cat) : ["", undefined, undefined, undefined];
          inv.vatBreakdown.push({ category, rate, taxableAmount: amount(text(s, "TaxableAmount")) ?? "0.00",
            taxAmount: amount(text(s, "TaxAmount")) ?? "0.00", exemptionReason: reason, exemptionReasonCode: reasonCode });
        }
        break;
      }
      case "LegalMonetaryTotal": {
        const t = inv.totals;
        for (const e of kids(c)) {
          const value = amount(own(e));
          switch (e.localName) {
            case "LineExtensionAmount": t.lineTotal = value ?? "0.00"; break;
            case "TaxExclusiveAmount": t.taxExclusive = value ?? "0.00"; break;
            case "TaxInclusiveAmount": t.taxInclusive = value ?? "0.00"; break;
            case "AllowanceTotalAmount": t.allowanceTotal = value; break;
            case "ChargeTotalAmount": t.chargeTotal = value; break;
            case "PrepaidAmount": t.prepaid = value; break;
            case "PayableRoundingAmount": t.rounding = value; break;
            case "PayableAmount": t.payable = value ?? "0.00"; break;
            default: break;
          }
        }
        break;
      }
      case "InvoiceLine": case "CreditNoteLine": inv.lines.push(line(c)); break;
      default: break;
    }
  }
  // The seller's SEPA creditor id (BT-90) belongs to the direct debit.
  const debit = inv.payment?.means?.directDebit;
  if (debit) {
    const i = inv.seller.identifiers.findIndex((id) => id.scheme === "SEPA");
    if (i >= 0) debit.creditorId = inv.seller.identifiers.splice(i, 1)[0].id;
  }
  // The VAT total in the invoice currency and in the VAT accounting currency: the first of each.
  let docTaken = false;
  let taxTaken = false;
  for (const seen of taxAmounts) {
    const isDoc = seen.currency === undefined || seen.currency === inv.currency;
    const isTax = inv.vatAccountingCurrency !== undefined && seen.currency === inv.vatAccountingCurrency;
    if ((isDoc || isTax) && (!isDoc || docTaken) && (!isTax || taxTaken)) continue;
    if (isDoc && !docTaken) {
      docTaken = true;
      inv.totals.vatTotal = seen.amount;
    }
    if (isTax && !taxTaken) {
      taxTaken = true;
      inv.totals.vatTotalAccounting = seen.amount;
    }
  }
  return inv;
}

/** Drops undefined values and empty lists, as the module's object leaves them out. */
function compact(value) {
  if (Array.isArray(value)) return value.map(compact);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0 && !KEEP_EMPTY.has(v)))
    .map(([k, v]) => [k, compact(v)]));
}
const KEEP_EMPTY = new WeakSet();

const addressOf = (a) => ({ street: a.street, additionalStreet: a.additionalStreet, line3: a.line3, city: a.city,
  postCode: a.postCode, subdivision: a.subdivision, country: a.country ?? "" });

/** The plain object of a party. */
function plainParty(p) {
  const contact = [p.contact.name, p.contact.phone, p.contact.email].some((v) => v !== undefined) ? p.contact : undefined;
  return {
    name: p.name ?? "", tradingName: p.tradingName, identifiers: p.identifiers, vatId: p.vatId, taxNumber: p.taxRegistration,
    legalId: p.legalId?.id, legalIdScheme: p.legalId?.scheme, legalInfo: p.legalInformation,
    electronicAddress: p.electronicAddress && { id: p.electronicAddress.id, scheme: p.electronicAddress.scheme ?? "" },
    address: addressOf(p.address),
    contact: contact && { name: contact.name, phone: contact.phone, email: contact.email },
  };
}

/** BT-24 of each profile the module names (SPEC §9.1), and the business process it writes by default. */
const PROFILES = {
  "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0": "peppol",
  "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0": "xrechnung",
  "urn:cen.eu:en16931:2017": "en16931",
};
const PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
/** UNTDID 1001 codes of credit notes, as EN 16931 lists them (a credit note document). */
const CREDIT_CODES = new Set(["261", "262", "296", "308", "381", "396", "420", "458", "502", "503", "532", "81", "83"]);

/** The plain invoice object of the model, as the module's `describe` writes it. */
function plain(inv) {
  const known = inv.specificationId !== undefined && inv.specificationId in PROFILES;
  const profile = known ? PROFILES[inv.specificationId] : "en16931";
  const preceding = inv.precedingInvoices;
  const single = preceding.length === 1 && preceding[0].issueDate === undefined;
  const isCredit = inv.kind === "CreditNote";
  const lines = inv.lines.map((l) => ({
    id: l.id, name: l.name, description: l.description, note: l.note, objectId: l.objectIdentifier,
    orderLineReference: l.orderLineReference, accountingReference: l.accountingReference, period: l.period,
    quantity: l.quantity, unitCode: l.unitCode, netPrice: l.netPrice, grossPrice: l.grossPrice,
    priceDiscount: l.priceDiscount, baseQuantity: l.baseQuantity, baseQuantityUnitCode: l.baseQuantityUnit,
    vatCategory: l.vatCategory, vatRate: l.vatRate, sellerItemId: l.sellerItemId, buyerItemId: l.buyerItemId,
    standardItemId: l.standardItemId, classifications: l.classifications, originCountry: l.originCountry,
    attributes: l.attributes.map((a) => ({ name: a.name ?? "", value: a.value ?? "" })),
    allowances: l.allowances, charges: l.charges, netAmount: l.netAmount,
  }));
  KEEP_EMPTY.add(lines);
  const pay = inv.payment;
  const transfers = pay?.means?.transfers ?? [];
  const t = inv.totals;
  return compact({
    profile,
    specificationId: known ? undefined : inv.specificationId,
    businessProcess: inv.businessProcess !== undefined && inv.businessProcess === (profile === "en16931" ? undefined : PEPPOL_PROCESS)
      ? undefined : inv.businessProcess,
    number: inv.number ?? "",
    typeCode: inv.typeCode ?? "",
    creditNote: isCredit !== CREDIT_CODES.has(trim(inv.typeCode ?? "")) ? isCredit : undefined,
    issueDate: inv.issueDate ?? "",
    dueDate: inv.dueDate,
    taxPointDate: inv.taxPointDate,
    taxPointDateCode: inv.taxPointDateCode,
    currency: inv.currency ?? "",
    vatAccountingCurrency: inv.vatAccountingCurrency,
    buyerReference: inv.buyerReference,
    projectReference: inv.projectReference,
    contractReference: inv.contractReference,
    orderReference: inv.orderReference,
    salesOrderReference: inv.salesOrderReference,
    receivingAdviceReference: inv.receivingAdviceReference,
    despatchAdviceReference: inv.despatchAdviceReference,
    tenderReference: inv.tenderReference,
    invoicedObject: inv.invoicedObject,
    buyerAccountingReference: inv.buyerAccountingReference,
    precedingInvoice: single ? preceding[0].reference : undefined,
    precedingInvoices: single ? [] : preceding,
    paymentTerms: inv.paymentTerms,
    notes: inv.notes.map((n) => (n.subjectCode === undefined ? n.text : n)),
    seller: plainParty(inv.seller),
    buyer: plainParty(inv.buyer),
    payee: inv.payee && { name: inv.payee.name ?? "", identifier: inv.payee.identifier, legalId: inv.payee.legalId },
    taxRepresentative: inv.taxRepresentative && { name: inv.taxRepresentative.name ?? "",
      vatId: inv.taxRepresentative.vatId ?? "", address: addressOf(inv.taxRepresentative.address) },
    delivery: inv.delivery && { date: inv.delivery.date, name: inv.delivery.partyName, locationId: inv.delivery.locationId,
      address: inv.delivery.address && addressOf(inv.delivery.address) },
    invoicingPeriod: inv.invoicingPeriod,
    lines,
    allowances: inv.allowances,
    charges: inv.charges,
    vatExemptions: inv.vatBreakdown.filter((b) => b.exemptionReason !== undefined || b.exemptionReasonCode !== undefined)
      .map((b) => ({ category: b.category, reason: b.exemptionReason, reasonCode: b.exemptionReasonCode })),
    payment: pay && {
      meansCode: pay.meansCode ?? "", meansText: pay.meansText,
      iban: transfers[0] && (transfers[0].iban ?? ""), bic: transfers[0]?.bic, accountName: transfers[0]?.accountName,
      additionalAccounts: transfers.slice(1).map((a) => ({ iban: a.iban ?? "", bic: a.bic, accountName: a.accountName })),
      card: pay.means?.card && { number: pay.means.card.number ?? "", holderName: pay.means.card.holder },
      directDebit: pay.means?.directDebit && { mandateReference: pay.means.directDebit.mandate,
        creditorId: pay.means.directDebit.creditorId, debitedAccount: pay.means.directDebit.debitedAccount },
      reference: pay.reference,
    },
    attachments: inv.attachments.map((d) => ({ reference: d.reference, description: d.description, uri: d.uri,
      attachment: d.file && { content: d.file.content, mimeCode: d.file.mimeCode, filename: d.file.filename } })),
    prepaid: t.prepaid,
    rounding: t.rounding,
    vatTotalInAccountingCurrency: t.vatTotalAccounting,
    vatBreakdown: inv.vatBreakdown,
    totals: { lineTotal: t.lineTotal ?? "0.00", allowanceTotal: t.allowanceTotal, chargeTotal: t.chargeTotal,
      taxExclusive: t.taxExclusive ?? "0.00", vatTotal: t.vatTotal, vatTotalAccounting: t.vatTotalAccounting,
      taxInclusive: t.taxInclusive ?? "0.00", prepaid: t.prepaid, rounding: t.rounding, payable: t.payable ?? "0.00" },
  });
}

/** An error whose `text` says what is wrong, as a message in the page's language. */
const refusal = (text) => Object.assign(new Error(String(text)), { text });

/** The root element of a verified UBL document (bytes); throws if it is not a UBL invoice. */
function parse(xml) {
  let source;
  try {
    source = new TextDecoder("utf-8", { fatal: true }).decode(xml);
  } catch {
    throw refusal(msg("the invoice document is not UTF-8 text"));
  }
  if (/<!DOCTYPE/i.test(source)) throw refusal(msg("the invoice document has a DTD"));
  const doc = new DOMParser().parseFromString(source, "application/xml");
  const root = doc.documentElement;
  const kind = ROOTS[root.namespaceURI];
  if (!kind || root.localName !== kind || doc.getElementsByTagName("parsererror").length) {
    throw refusal(msg("the invoice document is not a UBL invoice"));
  }
  return { root, kind };
}

/** The plain invoice object of the invoice in `xml` (bytes). Throws if it is not a UBL invoice. */
export function readUbl(xml) {
  const { root, kind } = parse(xml);
  return plain(model(root, kind));
}

/**
 * Every payee account (BT-84) of a verified UBL invoice, as written: each
 * cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID, not only the first.
 */
export function payeeAccounts(xml) {
  const { root } = parse(xml);
  return every(root, "PaymentMeans").flatMap((m) => every(m, "PayeeFinancialAccount")).map((a) => text(a, "ID") ?? "");
}
