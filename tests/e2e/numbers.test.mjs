// Numbers typed as people write them, read into the invoice's decimal strings without a
// browser: German "1.200,00" and "7,5", English "1,200.00" and "7.5", plain "1200.5" in both;
// anything unclear is refused with a message in the reader's language.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pageModule } from "./page-modules.mjs";


const { readDecimal, writeDecimal, decimalProblem } = await pageModule("numbers.js");
const i18n = await pageModule("i18n.js");

describe("numbers typed in German", () => {
  const cases = [
    ["1.200,00", "1200.00"], ["7,5", "7.5"], ["95", "95"], ["1200,5", "1200.5"], ["1.234.567,891", "1234567.891"],
    ["1200.5", "1200.5"], ["12.50", "12.50"], ["0.125", "0.125"], [",5", "0.5"], ["1.200.000", "1200000"],
    ["  7,5 ", "7.5"], ["1 200,00", "1200.00"], ["1\u00a0200,00", "1200.00"], ["-3,5", "-3.5"], ["007", "7"],
  ];
  for (const [typed, value] of cases) {
    it(`reads "${typed}" as ${value}`, () => assert.equal(readDecimal(typed, "de"), value));
  }
  for (const typed of ["", "abc", "1,2,3", "1.20,5", "7,", "1.2.3", "1,200.00", "12 50", "€ 5", "1e5", "0x10", "-", "1.200"]) {
    it(`refuses "${typed}"`, () => assert.equal(readDecimal(typed, "de"), undefined));
  }
  it("calls 1.200 ambiguous (1200 or 1.2) and says how to write either", () => {
    i18n.setLanguage("de");
    const problem = decimalProblem("1.200", "de");
    assert.equal(String(problem), "„1.200“ lässt sich zweifach lesen: Schreiben Sie 1.200,00 für den Tausenderbetrag oder 1,200 für eine Dezimalzahl.");
    assert.equal(String(decimalProblem("7,,5", "de")), "„7,,5“ ist keine Zahl in dieser Schreibweise: Schreiben Sie sie etwa so: 1.200,50.");
    assert.equal(String(decimalProblem("", "de")), "Bitte geben Sie eine Zahl ein, etwa 1.200,50.");
    assert.equal(decimalProblem("7,5", "de"), undefined);
    assert.deepEqual([...i18n.missing], []);
  });
});

describe("numbers typed in English", () => {
  const cases = [
    ["1,200.00", "1200.00"], ["7.5", "7.5"], ["1200.5", "1200.5"], ["1,200", "1200"], ["1,234,567.5", "1234567.5"],
    ["1.200", "1.200"], [".5", "0.5"], ["0.125", "0.125"], ["1 200.00", "1200.00"],
  ];
  for (const [typed, value] of cases) {
    it(`reads "${typed}" as ${value}`, () => assert.equal(readDecimal(typed, "en"), value));
  }
  for (const typed of ["7,5", "1,20", "1,200,00", "1.200,00", "7.", "0,125", "abc", "1,2.5"]) {
    it(`refuses "${typed}"`, () => assert.equal(readDecimal(typed, "en"), undefined));
  }
  it("says what is wrong in English", () => {
    i18n.setLanguage("en");
    assert.equal(String(decimalProblem("7,5", "en")), "“7,5” is not a number as written here: type it like 1,200.50.");
  });
});

describe("numbers written back", () => {
  it("group thousands and keep every decimal", () => {
    assert.equal(writeDecimal("1200.00", "de"), "1.200,00");
    assert.equal(writeDecimal("1200.00", "en"), "1,200.00");
    assert.equal(writeDecimal("1234567.891", "de"), "1.234.567,891");
    assert.equal(writeDecimal("7.5", "de"), "7,5");
    assert.equal(writeDecimal("-950", "en"), "-950");
    assert.equal(writeDecimal("0.00", "de"), "0,00");
  });
  it("read back what they write", () => {
    for (const value of ["0.5", "12.50", "999", "1000", "1200.00", "1234567.891", "100000"]) {
      for (const language of ["de", "en"]) assert.equal(readDecimal(writeDecimal(value, language), language), value);
    }
  });
});
