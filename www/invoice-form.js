// The invoice form: reads the fields into the plain invoice object of the e-invoice module,
// and shows live totals and every EN 16931 problem next to the field it concerns, in plain
// words (/problems.js). Numbers are typed as the reader writes them (/numbers.js).

import * as invoiceModule from "/pkg/invoice/sealbill_invoice.js";
import { $, h, setText } from "/dom.js";
import { liveTotals } from "/totals.js";
import { formatDate, formatMoney, formatNumber, language, msg, onLanguage, t } from "/i18n.js";
import { decimalProblem, readDecimal, writeDecimal } from "/numbers.js";
import { plainProblem } from "/problems.js";

const UNITS = [["C62", msg("piece")], ["HUR", msg("hour")], ["DAY", msg("day")], ["MON", msg("month")],
  ["KGM", msg("kg")], ["MTR", msg("metre")], ["LS", msg("lump sum")]];
/**
 * The VAT choices a business knows, each mapped to its EN 16931 category (UNCL5305), rate and,
 * for a line without VAT, the exemption reason (and VATEX code) the rules ask the invoice to state.
 * The German reduced rate is category S at 7 %.
 */
export const VAT_CHOICES = {
  S19: { label: msg("19 % standard"), category: "S", rate: "19" },
  S7: { label: msg("7 % reduced"), category: "S", rate: "7" },
  AE: { label: msg("0 % reverse charge EU"), category: "AE", rate: "0", reasonCode: "VATEX-EU-AE",
    reason: msg("Reverse charge: the client owes the VAT (Art. 196 VAT Directive, § 13b UStG)") },
  K: { label: msg("0 % intra-EU supply of goods"), category: "K", rate: "0", reasonCode: "VATEX-EU-IC",
    reason: msg("Intra-community supply of goods, exempt from VAT (Art. 138 VAT Directive, § 4 Nr. 1b UStG)") },
  // The statement § 19 UStG asks for, in German in either language (it is a German rule).
  E: { label: msg("exempt: small business §19 UStG"), category: "E", rate: "0",
    reason: "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG" },
  G: { label: msg("export outside the EU"), category: "G", rate: "0", reasonCode: "VATEX-EU-G",
    reason: msg("Export outside the EU, exempt from VAT (Art. 146 VAT Directive, § 4 Nr. 1a UStG)") },
};

// Peppol routes e-invoices by an electronic address (BT-34, BT-49) with a scheme from its
// EAS list; a VAT id is one such address, with a scheme per issuing country.
const VAT_SCHEMES = { AT: "9914", BE: "9925", BG: "9926", CH: "9927", CY: "9928", CZ: "9929", DE: "9930",
  EE: "9931", GB: "9932", EL: "9933", GR: "9933", HR: "9934", IE: "9935", LI: "9936", LT: "9937", LU: "9938",
  LV: "9939", MC: "9940", MT: "9943", NL: "9944", PL: "9945", PT: "9946", RO: "9947", SI: "9949", SK: "9950",
  FR: "9957", ES: "9920", HU: "9910", IT: "0211" };

/** The electronic address a VAT id gives, or undefined (the form then shows the rule). */
export function electronicAddress(vatId) {
  const scheme = vatId && VAT_SCHEMES[vatId.slice(0, 2).toUpperCase()];
  return scheme ? { id: vatId, scheme } : undefined;
}

let rows = 0;
const value = (id) => $(id).value.trim() || undefined;
const iso = (date) => date.toISOString().slice(0, 10);

function options(list, selected) {
  return list.map(([v, label]) => h("option", { value: v, selected: v === selected }, label));
}

// Numbers in the form are written as the reader writes them ("1.200,00" / "1,200.00"); the
// language they were written in, to read them again after a switch.
let written = language();
const NUMBER_FIELDS = ["quantity", "netPrice"];
const numberPlaceholder = () => writeDecimal("0.00", language());
// The payment terms the form filled in, rewritten on a switch unless the reader changed them.
let prefilledTerms;

const vatOptions = (selected) => Object.entries(VAT_CHOICES)
  .map(([key, { label }]) => h("option", { value: key, selected: key === selected }, label));

/** Adds a line row; each input has its own label. */
function addLine(line = {}) {
  const n = ++rows;
  const field = (name, label, input) => h("div", { class: `cell cell-${name}` },
    h("label", { for: `line${n}-${name}` }, label), input);
  const input = (name, attrs) => h("input", { id: `line${n}-${name}`, name, "data-line-field": name, ...attrs });
  const row = h("fieldset", { class: "line" },
    h("legend", { class: "visually-hidden" }, msg("Line {n}", { n })),
    field("name", msg("Item"), input("name", { required: true, value: line.name, autocomplete: "off" })),
    field("quantity", msg("Quantity"), input("quantity", { required: true, inputmode: "decimal",
      value: writeDecimal(line.quantity ?? "1", language()) })),
    field("unitCode", msg("Unit"), h("select", { id: `line${n}-unitCode`, "data-line-field": "unitCode" }, options(UNITS, line.unitCode ?? "C62"))),
    field("netPrice", msg("Net price"), input("netPrice", { required: true, inputmode: "decimal",
      value: line.netPrice && writeDecimal(line.netPrice, language()), placeholder: numberPlaceholder() })),
    field("vatChoice", msg("VAT"), h("select", { id: `line${n}-vatChoice`, "data-line-field": "vatChoice" }, vatOptions(line.vatChoice ?? "S19"))),
    h("button", { type: "button", class: "remove-line", "aria-label": msg("Remove line {n}", { n }),
      onclick: () => { row.remove(); $("invoice-form").dispatchEvent(new Event("input")); } }, msg("Remove")));
  $("lines").append(row);
}

/** Fills the form for a new invoice. */
export function resetForm(nextNumber) {
  const form = $("invoice-form");
  form.reset();
  form.dataset.generation = String(Number(form.dataset.generation ?? 0) + 1);
  $("lines").replaceChildren();
  const today = new Date();
  $("inv-number").value = nextNumber;
  $("inv-issue").value = iso(today);
  $("inv-due").value = iso(new Date(today.getTime() + 14 * 86400_000));
  $("inv-terms").value = prefilledTerms = t("14 days net");
  written = language();
  addLine();
}

/** After a language switch: numbers and pre-filled text rewritten as the reader now writes them. */
function rewrite() {
  const before = written;
  written = language();
  for (const row of $("lines").querySelectorAll("fieldset.line")) {
    for (const name of NUMBER_FIELDS) {
      const input = row.querySelector(`[data-line-field="${name}"]`);
      const value = readDecimal(input.value, before);
      if (value !== undefined) input.value = writeDecimal(value, written);
      if (input.placeholder) input.placeholder = numberPlaceholder();
    }
  }
  if ($("inv-terms").value === prefilledTerms) $("inv-terms").value = prefilledTerms = t("14 days net");
}

/**
 * The delivery the form states (date of supply, and another address), or undefined. An
 * intra-EU supply of goods (a line in category K) must name where the goods went: without
 * another address, the client's.
 */
function delivery(lines, buyerAddress) {
  const address = { street: value("deliver-street"), postCode: value("deliver-postcode"), city: value("deliver-city"),
    country: (value("deliver-country") ?? "").toUpperCase() || undefined };
  const hasAddress = Object.values(address).some(Boolean);
  const intraEu = lines.some((l) => l.vatCategory === "K");
  const out = { date: value("inv-supply-date"), name: value("deliver-name"),
    address: hasAddress ? { ...address, country: address.country ?? "" } : intraEu ? buyerAddress : undefined };
  return Object.values(out).some(Boolean) ? out : undefined;
}

/**
 * One exemption per category without VAT, with its usual reason; a reason typed in the form
 * replaces it when the invoice has one such category (the form has one reason field).
 */
function exemptionsOf(lines) {
  const choices = Object.values(VAT_CHOICES);
  const exempt = [...new Set(lines.map((l) => l.vatCategory))]
    .map((category) => choices.find((c) => c.category === category && c.reason)).filter(Boolean);
  const typed = exempt.length === 1 ? value("inv-exemption") : undefined;
  $("inv-exemption").placeholder = exempt.length === 1 ? String(exempt[0].reason) : "";
  return exempt.map((c) => ({ category: c.category, reasonCode: c.reasonCode, reason: typed ?? String(c.reason) }));
}

/** The profile suggested for an invoice from the seller's and the buyer's details, by the e-invoice module. */
const PROFILE_NAMES = { peppol: "Peppol BIS Billing 3.0", xrechnung: "XRechnung 3.0", en16931: "EN 16931" };
function suggested(plain) {
  try {
    return invoiceModule.suggestProfile?.(plain);
  } catch {
    return undefined;
  }
}

/** The plain invoice object the form describes, with the seller from the business profile. */
export function readForm(profile) {
  const lines = [...$("lines").querySelectorAll("fieldset.line")].map((row) => {
    const get = (name) => row.querySelector(`[data-line-field="${name}"]`).value.trim() || undefined;
    // A number as the reader writes it, as a decimal string; what is not one goes as typed,
    // for the rules to refuse (and the form to say why, see numberProblems).
    const number = (name) => readDecimal(get(name), language()) ?? get(name) ?? "";
    const { category, rate } = VAT_CHOICES[get("vatChoice")];
    return {
      name: get("name") ?? "", quantity: number("quantity"), unitCode: get("unitCode"),
      netPrice: number("netPrice"), vatCategory: category, vatRate: rate,
    };
  });
  const exemptions = exemptionsOf(lines);
  const email = value("buyer-email");
  const vatId = value("buyer-vat");
  const note = value("inv-note");
  const buyerAddress = { street: value("buyer-street"), postCode: value("buyer-postcode"), city: value("buyer-city"),
    country: (value("buyer-country") ?? "").toUpperCase() };
  return {
    profile: value("inv-profile"),
    number: value("inv-number") ?? "",
    typeCode: $("inv-type").value,
    issueDate: value("inv-issue") ?? "",
    // A credit note states no due date (the form hides the field; the date typed stays for an invoice).
    dueDate: $("inv-type").value === "381" ? undefined : value("inv-due"),
    currency: (value("inv-currency") ?? "").toUpperCase(),
    buyerReference: value("inv-buyer-ref"),
    orderReference: value("inv-order-ref"),
    contractReference: value("inv-contract-ref"),
    projectReference: value("inv-project-ref"),
    buyerAccountingReference: value("inv-accounting-ref"),
    salesOrderReference: value("inv-sales-order-ref"),
    despatchAdviceReference: value("inv-despatch-ref"),
    receivingAdviceReference: value("inv-receiving-ref"),
    tenderReference: value("inv-tender-ref"),
    precedingInvoice: value("inv-preceding"),
    delivery: delivery(lines, buyerAddress),
    invoicingPeriod: value("inv-period-start") || value("inv-period-end")
      ? { start: value("inv-period-start"), end: value("inv-period-end") } : undefined,
    paymentTerms: value("inv-terms"),
    notes: note ? [note] : [],
    seller: profile.party,
    buyer: {
      name: value("buyer-name") ?? "",
      vatId,
      // Without a VAT id, the client is reached by email (EN 16931; Peppol needs a participant id).
      electronicAddress: electronicAddress(vatId) ?? (!vatId && email ? { id: email, scheme: "EM" } : undefined),
      address: buyerAddress,
      contact: email ? { email } : undefined,
    },
    lines,
    vatExemptions: exemptions,
    payment: { iban: profile.iban, bic: profile.bic, accountName: profile.party.name, reference: value("inv-number") },
  };
}

/**
 * Rules about values the form derives from another field, or states for the seller: the field
 * to fix them in, when the problem's own field is not in the form (and concerns `about`).
 */
const DERIVED = {
  "PEPPOL-EN16931-R010": ["buyer-vat", "buyer"], "PEPPOL-EN16931-CL008": ["buyer-vat", "buyer"],
  "BR-AE-02": ["buyer-vat"], "BR-IC-02": ["buyer-vat"], "BR-10": ["buyer-street"],
  "BR-DE-TMP-32": ["inv-supply-date"], "BR-IC-11": ["inv-supply-date"], "BR-IC-12": ["buyer-country"],
};

/** The form control a problem points to, if any. */
function controlFor({ rule, field }) {
  const line = /^lines\[(\d+)\]\.(\w+)/.exec(field ?? "");
  if (line) {
    const row = $("lines").querySelectorAll("fieldset.line")[Number(line[1])];
    const name = line[2] === "vatCategory" || line[2] === "vatRate" ? "vatChoice"
      : line[2] === "netAmount" ? "netPrice" : line[2];
    return row?.querySelector(`[data-line-field="${name}"]`) ?? undefined;
  }
  if (/^vatExemptions/.test(field ?? "")) return $("inv-exemption");
  const own = field && document.querySelector(`#invoice-form [data-field="${field.replace(/\[\d+\]$/, "")}"]`);
  if (own) return own;
  const [id, about] = DERIVED[rule] ?? [];
  if (id && (!about || !field || field.startsWith(about))) return $(id);
  return undefined;
}

/** Numbers in the lines that are not numbers as the reader writes them: said before the rules speak. */
function numberProblems() {
  const found = [];
  for (const [i, row] of [...$("lines").querySelectorAll("fieldset.line")].entries()) {
    for (const name of NUMBER_FIELDS) {
      const typed = row.querySelector(`[data-line-field="${name}"]`).value;
      const problem = typed.trim() ? decimalProblem(typed, language()) : undefined;
      if (problem) found.push({ rule: "SEALBILL-INPUT", level: "fatal", field: `lines[${i}].${name}`, said: problem,
        message: `"${typed.trim()}" is not a number as written in ${language()}` });
    }
  }
  return found;
}

/** One problem: its plain sentence, and the rule for the accountant (a tooltip and details). */
function describeProblem(p, n) {
  const { text, details } = plainProblem(p);
  const said = p.said ?? text;
  const control = controlFor(p);
  const title = `${details}: ${p.message}`;
  if (control) {
    if (p.level === "fatal") control.setAttribute("aria-invalid", "true");
    // Beside the field: the sentence, once per field.
    if (!control.parentElement.querySelector(":scope > .field-problem")) {
      const id = `field-problem-${n}`;
      control.insertAdjacentElement("afterend", h("span", { class: "field-problem", id, "data-rule": p.rule,
        "data-level": p.level, title }, said));
      control.setAttribute("aria-describedby", id);
    }
  }
  return h("li", { "data-level": p.level, "data-rule": p.rule, title },
    h("span", { class: "problem-text" }, said), " ",
    h("details", { class: "problem-rule" }, h("summary", {}, msg("Details")),
      h("small", {}, msg("Rule {rule}", { rule: details }))));
}

/**
 * Each date of the form written out in the page's language ("28. November 2026") beside its
 * field: a date field shows the browser's own format (an English browser's 11/28/2026), which
 * a reader of the other language could misread.
 */
function dateWords() {
  for (const input of document.querySelectorAll('#invoice-form input[type="date"]')) {
    let words = input.nextElementSibling?.classList.contains("date-words") ? input.nextElementSibling : undefined;
    if (!words) {
      words = h("span", { class: "date-words", "data-test": "date-words" });
      input.insertAdjacentElement("afterend", words);
    }
    words.textContent = formatDate(input.value, "long");
  }
}

let lastProfile;

/** Builds the invoice; shows totals or problems. Returns the built invoice, or undefined. */
export function check(profile) {
  lastProfile = profile;
  for (const el of document.querySelectorAll("#invoice-form [aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of document.querySelectorAll("#invoice-form [aria-describedby^='field-problem-']")) el.removeAttribute("aria-describedby");
  for (const el of document.querySelectorAll("#invoice-form .field-problem")) el.remove();
  dateWords();
  $("due-row").hidden = $("inv-type").value === "381";
  const plain = readForm(profile);
  $("exemption-row").hidden = !plain.vatExemptions.length;
  // "Suggested" follows the seller's and the client's details; a choice made by hand stays.
  const suggestion = plain.profile ? undefined : suggested(plain);
  if (suggestion) plain.profile = suggestion;
  const name = PROFILE_NAMES[plain.profile] ?? plain.profile;
  setText($("inv-profile-note"), !plain.profile ? msg("Peppol BIS Billing 3.0, the default.")
    : suggestion ? msg("{profile}, suggested from your details and the client's.", { profile: name })
      : msg("{profile}, as you chose.", { profile: name }));
  let built;
  let problems = [];
  try {
    built = invoiceModule.buildInvoice(plain);
    problems = built.warnings;
  } catch (error) {
    problems = error.problems ?? [{ rule: error.code ?? "ERROR", level: "fatal", message: error.message }];
  }
  // A number the reader wrote unclearly is said as such, instead of the rules' "not a decimal".
  const unclear = numberProblems();
  problems = [...unclear, ...problems.filter((p) => !(p.rule === "SEALBILL-INPUT" && unclear.some((u) => u.field === p.field)))];
  if (unclear.length) built = undefined;
  $("problems").replaceChildren(...problems.map(describeProblem));
  $("problems-box").hidden = problems.length === 0;
  // Totals stay in sight while problems remain: computed from the lines that can be.
  const totals = built?.invoice.totals ?? liveTotals(plain.lines);
  const c = plain.currency;
  $("totals-note").hidden = Boolean(built) || !totals;
  const shown = (amount) => (totals && /^[A-Z]{3}$/.test(c) ? formatMoney(amount, c)
    : totals ? `${formatNumber(amount, 2)} ${c}` : "–");
  $("live-net").textContent = shown(totals?.taxExclusive);
  $("live-vat").textContent = shown(totals?.vatTotal ?? "0.00");
  $("live-total").textContent = shown(totals?.payable);
  $("seal-button").disabled = !built;
  return built;
}

// A language switch rewrites the numbers as the reader now writes them, and says the problems
// and totals again in that language.
onLanguage(() => {
  rewrite();
  if (lastProfile) check(lastProfile);
});

export { addLine };
