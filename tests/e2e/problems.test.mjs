// Every problem the invoice form can produce has a plain sentence, in English and German: the
// e-invoice module builds many broken variants of what the form writes (empty and wrong fields,
// every VAT choice, missing client details, every profile), without a browser, and each problem
// it reports must be said by the table of www/problems.js, not only by its field-based fallback.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";
import { pageModule } from "./page-modules.mjs";
import { initSync, buildInvoice, suggestProfile } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const { plainProblem, RULES } = await pageModule("problems.js");
const i18n = await pageModule("i18n.js");

// What the form writes (see readForm in www/invoice-form.js), for sellers set up as the page sets them up.
const ADDRESS = { street: "Hauptstraße 1", postCode: "10115", city: "Berlin", country: "DE" };
const SELLERS = {
  vat: { name: "Muster Design GmbH", vatId: "DE123456789", electronicAddress: { id: "DE123456789", scheme: "9930" },
    address: ADDRESS, contact: { email: "anna@muster.example" } },
  taxNumber: { name: "Kleine Töpferei Weber", taxNumber: "21/815/08150", identifiers: [{ id: "21/815/08150" }],
    electronicAddress: { id: "post@weber.example", scheme: "EM" }, address: ADDRESS, contact: { email: "post@weber.example" } },
  xrechnung: { name: "Muster Design GmbH", vatId: "DE123456789", electronicAddress: { id: "DE123456789", scheme: "9930" },
    address: ADDRESS, contact: { name: "Anna Muster", phone: "+49 30 1234567", email: "anna@muster.example" } },
};
const BUYERS = {
  company: { name: "Beispiel AG", vatId: "DE987654321", electronicAddress: { id: "DE987654321", scheme: "9930" },
    address: { street: "Marktplatz 2", postCode: "20095", city: "Hamburg", country: "DE" }, contact: { email: "ap@beispiel.example" } },
  consumer: { name: "Erika Mustermann", electronicAddress: { id: "erika@example.org", scheme: "EM" },
    address: { street: "Weg 1", postCode: "50667", city: "Köln", country: "DE" }, contact: { email: "erika@example.org" } },
  bare: { name: "Erika Mustermann", address: { street: "Weg 1", postCode: "50667", city: "Köln", country: "DE" } },
  french: { name: "Maison Dupont SARL", vatId: "FR40303265045", electronicAddress: { id: "FR40303265045", scheme: "9957" },
    address: { street: "12 rue de la Paix", postCode: "75002", city: "Paris", country: "FR" }, contact: { email: "compta@dupont.example" } },
  swiss: { name: "Berg Uhren AG", electronicAddress: { id: "b@berg.example", scheme: "EM" },
    address: { street: "Bahnhofstrasse 5", postCode: "8001", city: "Zürich", country: "CH" }, contact: { email: "b@berg.example" } },
};
const CHOICES = { S19: ["S", "19"], S7: ["S", "7"], AE: ["AE", "0", "VATEX-EU-AE", "Reverse charge"],
  K: ["K", "0", "VATEX-EU-IC", "Intra-community supply"], E: ["E", "0", undefined, "Kleinunternehmer gemäß § 19 UStG"],
  G: ["G", "0", "VATEX-EU-G", "Export"] };
const line = (choice, extra = {}) => ({ name: "Goods", quantity: "1", unitCode: "C62", netPrice: "100.00",
  vatCategory: CHOICES[choice][0], vatRate: CHOICES[choice][1], ...extra });

function form({ seller = "vat", buyer = "company", lines = [line("S19")], reasons = true, ...rest } = {}) {
  const categories = [...new Set(lines.map((l) => l.vatCategory))];
  const exempt = Object.values(CHOICES).filter(([c, , , reason]) => reason && categories.includes(c));
  return {
    number: "2026-0001", typeCode: "380", issueDate: "2026-12-02", dueDate: "2026-12-16", currency: "EUR",
    buyerReference: "PO-7781", paymentTerms: "14 days net", notes: [], seller: SELLERS[seller],
    buyer: structuredClone(BUYERS[buyer]), lines,
    vatExemptions: reasons ? exempt.map(([category, , reasonCode, reason]) => ({ category, reasonCode, reason })) : [],
    payment: { iban: "DE02120300000000202051", bic: "BYLADEM1001", accountName: SELLERS[seller].name, reference: "2026-0001" },
    ...rest,
  };
}

const without = (object, path) => {
  const copy = structuredClone(object);
  const keys = path.split(".");
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k];
  at[keys.at(-1)] = "";
  return copy;
};

/** Broken variants of what the form writes, as people get them wrong. */
function variants() {
  const out = [];
  const add = (name, plain) => out.push([name, plain]);
  for (const field of ["number", "issueDate", "currency", "buyer.name", "buyer.address.country", "buyer.address.city",
    "buyer.address.postCode", "buyer.address.street", "buyerReference", "payment.iban"]) {
    add(`empty ${field}`, without(form(), field));
  }
  add("no client address", form());
  out.at(-1)[1].buyer.address = { country: "" };
  add("no due date, no terms", form({ dueDate: undefined, paymentTerms: undefined }));
  add("due date garbage", form({ dueDate: "soon" }));
  add("issue date garbage", form({ issueDate: "2026-13-45" }));
  add("currency XYZ", form({ currency: "XYZ" }));
  add("currency US", form({ currency: "US" }));
  add("country XX", form({ buyer: "company" }));
  out.at(-1)[1].buyer.address.country = "XX";
  add("client VAT id without country", form());
  Object.assign(out.at(-1)[1].buyer, { vatId: "987654321", electronicAddress: undefined });
  add("period backwards", form({ invoicingPeriod: { start: "2026-12-01", end: "2026-11-01" } }));
  add("period start only", form({ invoicingPeriod: { start: "2026-12-01" } }));
  add("credit note with due date", form({ typeCode: "381", precedingInvoice: "2026-0000" }));
  add("delivery street only", form({ delivery: { address: { street: "Hafenweg 9", country: "" } } }));
  add("delivery date garbage", form({ delivery: { date: "morgen" } }));
  add("no lines", form({ lines: [] }));
  add("empty line", form({ lines: [line("S19", { name: "", quantity: "", netPrice: "" })] }));
  add("garbage numbers", form({ lines: [line("S19", { quantity: "abc", netPrice: "1,00" })] }));
  add("negative price", form({ lines: [line("S19", { netPrice: "-5.00" })] }));
  add("amount too large", form({ lines: [line("S19", { quantity: "9999999999999", netPrice: "9999999999" })] }));
  add("unknown unit", form({ lines: [line("S19", { unitCode: "XXX" })] }));
  add("second line without name", form({ lines: [line("S19"), line("S7", { name: "" })] }));
  add("consumer without PO", form({ buyer: "consumer", buyerReference: undefined, lines: [line("S19"), line("S7")] }));
  add("client without VAT id or email", form({ buyer: "bare", buyerReference: undefined }));
  for (const choice of Object.keys(CHOICES)) {
    for (const seller of ["vat", "taxNumber"]) {
      for (const buyer of ["company", "consumer", "bare", "french", "swiss"]) {
        add(`${choice} from ${seller} to ${buyer}`, form({ seller, buyer, lines: [line(choice)] }));
        add(`${choice} from ${seller} to ${buyer}, no reason`, form({ seller, buyer, lines: [line(choice)], reasons: false }));
      }
    }
  }
  add("K without date of supply", form({ buyer: "french", lines: [line("K")], delivery: { address: BUYERS.french.address } }));
  add("E and S19 mixed", form({ lines: [line("S19"), line("E")] }));
  add("seller without address", form({ seller: "vat" }));
  out.at(-1)[1].seller = { ...SELLERS.vat, address: { country: "" } };
  add("seller without any id", form({ seller: "vat" }));
  out.at(-1)[1].seller = { ...SELLERS.vat, vatId: undefined, electronicAddress: undefined };
  add("seller VAT id without country", form({ seller: "vat" }));
  out.at(-1)[1].seller = { ...SELLERS.vat, vatId: "123456789", electronicAddress: undefined };
  // Every variant under each profile, and as suggested.
  const all = [];
  for (const [name, plain] of out) {
    for (const profile of [undefined, "peppol", "xrechnung", "en16931"]) {
      const p = structuredClone(plain);
      try {
        p.profile = profile ?? suggestProfile(p);
      } catch {
        p.profile = "peppol";
      }
      if (profile === "xrechnung" || p.profile === "xrechnung") p.seller = { ...p.seller, contact: SELLERS.xrechnung.contact };
      all.push([`${name} (${profile ?? "suggested"})`, p]);
      if (profile === "xrechnung") all.push([`${name} (xrechnung, no contact)`, { ...structuredClone(plain), profile }]);
    }
  }
  return all;
}

function problemsOf(plain) {
  try {
    return buildInvoice(plain).warnings;
  } catch (error) {
    return error.problems ?? [{ rule: "THROWN", level: "fatal", message: error.message }];
  }
}

describe("the form's rule problems in plain words", () => {
  const seen = new Map();
  for (const [name, plain] of variants()) {
    for (const problem of problemsOf(plain)) {
      const key = `${problem.rule} ${problem.field ?? ""}`;
      if (!seen.has(key)) seen.set(key, { name, problem });
    }
  }

  it("the broken variants produce many different problems", () => {
    assert.ok(seen.size >= 40, `only ${seen.size} problems`);
  });

  it("each has a sentence of its own in the table, not only the field's fallback", () => {
    const unsaid = [...seen.values()].filter(({ problem }) => !plainProblem(problem).plain)
      .map(({ name, problem }) => `${name}: ${problem.rule} ${problem.field ?? ""} ${problem.term ?? ""} ${problem.message}`);
    assert.deepEqual(unsaid, []);
  });

  const jargon = /\b(?:B[GT]-\d+|BR-[A-Z0-9-]+|UNCL\d+|PEPPOL-|SEALBILL-|UBL-|shall|MUST)\b/;
  for (const language of ["en", "de"]) {
    it(`each sentence reads without jargon in ${language === "de" ? "German" : "English"}, its rule id in the details`, () => {
      i18n.setLanguage(language);
      i18n.missing.clear();
      for (const { problem } of seen.values()) {
        const { text, details } = plainProblem(problem);
        const said = String(text);
        assert.doesNotMatch(said, jargon, `${problem.rule}: ${said}`);
        assert.doesNotMatch(said, /\{\w+\}|line\s*:|Position\s*:/, `${problem.rule}: ${said}`);
        assert.ok(details.startsWith(problem.rule), details);
      }
      for (const entry of Object.values(RULES)) String(entry);
      assert.deepEqual([...i18n.missing], []);
    });
  }

  it("a rule without a sentence is still said by its field, in the reader's language", () => {
    i18n.setLanguage("de");
    const { text, plain } = plainProblem({ rule: "BR-XX-99", level: "fatal", field: "lines[1].netPrice", term: "BG-25[1]/BT-146", message: "BT-146 …" });
    assert.equal(plain, false);
    assert.equal(String(text), "Bitte prüfen Sie den Nettopreis von Position 2: So akzeptieren die E-Rechnungsregeln die Angabe nicht.");
    i18n.setLanguage("en");
    assert.equal(String(plainProblem({ rule: "BR-XX-99", level: "fatal", message: "…" }).text),
      "Please check this invoice: the e-invoice rules do not accept it as it is.");
  });
});
