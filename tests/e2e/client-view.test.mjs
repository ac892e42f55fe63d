// The client's view in both languages: an invoice with several lines (a decimal quantity of
// hours, days, pieces; a 7 % and a 19 % line) opened by a German and by an English browser
// shows money, quantities, dates and VAT rates as each reader writes them, units, VAT
// categories and payment means in words, and follows a switch of language on the open view.
// Every VAT category (UNCL5305) has words in both languages; failures speak German too; no text
// the client saw lacks a translation.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./harness.mjs";
import { WAIT, fillInvoice, newForm, flows, start, stop } from "./flows.mjs";

const env = {};
const { setUp, openAsClient } = flows(env);

const LINES = [
  { name: "Logo design", quantity: "1", unit: "C62", price: "1200.00", vat: "S19" },
  { name: "Consulting", quantity: "7.5", unit: "HUR", price: "95.00", vat: "S19" },
  { name: "Workshop catering", quantity: "1.5", unit: "DAY", price: "400.00", vat: "S7" },
];
// 1200.00 + 7.5 × 95.00 = 1912.50 at 19 % (363.38 VAT); 1.5 × 400.00 = 600.00 at 7 % (42.00 VAT).
const PAYABLE = "2917.88";
const DATES = { "#inv-issue": "2026-12-02", "#inv-due": "2026-12-16", "#inv-period-start": "2026-11-01",
  "#inv-period-end": "2026-11-30" };

/** Writes the invoice above in the (English) business page and seals it; returns the link. */
async function sealInvoice(page) {
  await newForm(page);
  await fillInvoice(page, { lines: LINES, fields: DATES });
  await page.waitForFunction(() => /2\D?917\D88/.test(document.getElementById("live-total").textContent)
    && document.getElementById("totals-note").hidden, null, WAIT)
    .catch(async (e) => { throw new Error(`${e.message}\nproblems: ${await page.textContent("#problems")}`); });
  await page.click("#seal-button");
  await page.waitForSelector("#sent-link:not([hidden])", WAIT);
  return page.inputValue("#link-url");
}

/** A browser context speaking `locale`, whose page errors fail the test. */
async function reader(locale) {
  const ctx = await env.browser.newContext({ locale });
  ctx.errors = [];
  ctx.on("page", (p) => p.on("pageerror", (e) => ctx.errors.push(e.message)));
  return ctx;
}

const missing = (p) => p.evaluate(async () => [...(await import("/i18n.js")).missing]);
const text = async (p, selector) => (await p.textContent(selector)).replace(/\s+/g, " ").trim();
/** The cells of one row of the lines table, by the line's name. */
const lineCells = async (p, name) => (await p.locator("table.lines tbody tr", { hasText: name }).locator("td").allTextContents())
  .map((c) => c.replace(/\s+/g, " ").trim());

/** What a reader sees of the invoice, in the language on screen. */
async function view(p) {
  return {
    heading: await text(p, "#invoice-heading"),
    issued: await text(p, '[data-test="issued"]'),
    due: await text(p, '[data-test="due"]'),
    period: await text(p, '[data-test="period"]'),
    logo: await lineCells(p, "Logo design"),
    consulting: await lineCells(p, "Consulting"),
    catering: await lineCells(p, "Workshop catering"),
    vat: await text(p, "table.vat"),
    totals: await text(p, "dl.totals"),
    payable: await text(p, '[data-test="payable"]'),
    means: await text(p, '[data-test="means"]'),
    trust: await text(p, '[data-test="trust-state"]'),
  };
}

const GERMAN = {
  heading: "Rechnung",
  issued: "02.12.2026",
  due: "16.12.2026",
  period: "01.11.2026 bis 30.11.2026",
  logo: ["Logo design", "1 Stück", "1.200,00 €", "19 % Regelsteuersatz", "1.200,00 €"],
  consulting: ["Consulting", "7,5 Stunden", "95,00 €", "19 % Regelsteuersatz", "712,50 €"],
  catering: ["Workshop catering", "1,5 Tage", "400,00 €", "7 % Ermäßigter Steuersatz", "600,00 €"],
  payable: "2.917,88 €",
  means: "SEPA-Überweisung",
};

/** English as an en-US browser writes it; `dates` as en-GB when the browser speaks no English. */
const english = ({ gb = false } = {}) => ({
  heading: "Invoice",
  issued: gb ? "02/12/2026" : "12/02/2026",
  due: gb ? "16/12/2026" : "12/16/2026",
  period: gb ? "01/11/2026 to 30/11/2026" : "11/01/2026 to 11/30/2026",
  logo: ["Logo design", "1 piece", "€1,200.00", "19% Standard rate", "€1,200.00"],
  consulting: ["Consulting", "7.5 hours", "€95.00", "19% Standard rate", "€712.50"],
  catering: ["Workshop catering", "1.5 days", "€400.00", "7% Reduced rate", "€600.00"],
  payable: "€2,917.88",
  means: "SEPA credit transfer",
});

function assertView(seen, expected) {
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(seen[key], value, key);
}

describe("the client's view in German and English", { timeout: 240_000 }, () => {
  let link;
  before(async () => {
    await start(env);
    env.relay.addSender(await setUp(env.page));
    await env.page.click("#created-continue");
    await env.page.waitForSelector("#compose:not([hidden])", WAIT);
    link = await sealInvoice(env.page);
  });
  after(() => stop(env));

  it("a German browser: amounts, quantities, dates and rates as Germans write them, units and categories in words", async () => {
    const ctx = await reader("de-DE");
    const p = await openAsClient(link, { ctx });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    const seen = await view(p);
    assertView(seen, GERMAN);
    assert.match(seen.vat, /19 % Regelsteuersatz\s*1\.912,50 €\s*363,38 €/);
    assert.match(seen.vat, /7 % Ermäßigter Steuersatz\s*600,00 €\s*42,00 €/);
    assert.match(seen.totals, /Nettobetrag\s*2\.512,50 €/);
    assert.match(seen.totals, /USt\.\s*405,38 €/);
    assert.match(seen.totals, /Gesamtbetrag\s*2\.917,88 €/);
    assert.match(seen.totals, /Zahlbetrag\s*2\.917,88 €/);
    assert.match(seen.trust, /^Neuer Absender\./);
    assert.match(await text(p, "#trust"), /Signiert von Muster Design GmbH/);
    assert.match(await text(p, "#status"), /^Die Signatur ist gültig/);
    assert.equal(await text(p, "table.lines caption"), "Positionen");
    assert.match(await text(p, "table.lines thead"), /Bezeichnung\s*Menge\s*Einzelpreis\s*USt\.\s*Netto/);
    assert.match(await text(p, "#guidance"), /Bevor Sie zahlen/);
    assert.match(await text(p, "#documents"), /Signiertes Original herunterladen/);
    assert.match(await text(p, '[data-test="girocode-slot"]'), /GiroCode für Ihre Banking-App/);
    await shot(p, "client-view-de");
    assert.deepEqual(await missing(p), []);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("an English browser: amounts, dates and rates as an en-US reader writes them", async () => {
    const ctx = await reader("en-US");
    const p = await openAsClient(link, { ctx });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    const seen = await view(p);
    assertView(seen, english());
    assert.match(seen.vat, /19% Standard rate\s*€1,912\.50\s*€363\.38/);
    assert.match(seen.totals, /Amount due\s*€2,917\.88/);
    assert.match(seen.trust, /^New sender\./);
    await shot(p, "client-view-en");
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("the open view follows a switch of language, back and forth, confirmed sender and GiroCode included", async () => {
    const ctx = await reader("de-DE");
    const p = await openAsClient(link, { ctx });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assertView(await view(p), GERMAN);
    await p.selectOption("#language", "en");
    assert.equal(await p.getAttribute("html", "lang"), "en");
    // A German browser speaks no English: English as written in Britain.
    assertView(await view(p), english({ gb: true }));
    assert.match(await text(p, "#status"), /^The signature is valid/);
    assert.match(await text(p, "#guidance"), /Before you pay/);
    await p.click('[data-test="confirm-sender"]');
    await p.waitForSelector('[data-test="girocode"] svg', WAIT);
    assert.match(await text(p, '[data-test="girocode"] figcaption'), /€2,917\.88 to Muster Design GmbH/);
    assert.equal(await text(p, '[data-test="confirm-sender"]'), "Confirmed on this device");
    const today = (locale) => new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" })
      .format(new Date());
    assert.equal(await text(p, '[data-test="trust-state"]'), `Known sender: you compared this fingerprint on ${today("en-GB")}.`);
    await p.selectOption("#language", "de");
    assertView(await view(p), { ...GERMAN, trust: `Bekannter Absender: Sie haben diesen Fingerabdruck am ${today("de-DE")} verglichen.` });
    assert.match(await text(p, '[data-test="girocode"] figcaption'), /2\.917,88 € an Muster Design GmbH/);
    assert.equal(await p.getAttribute('[data-test="girocode"] svg', "aria-label"), "GiroCode für Ihre Banking-App");
    assert.equal(await text(p, '[data-test="confirm-sender"]'), "Auf diesem Gerät bestätigt");
    assert.deepEqual(await missing(p), []);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("every VAT category and the usual units read in words, in both languages", async () => {
    const ctx = await reader("de-DE");
    const p = await ctx.newPage();
    await p.goto(`${env.relay.origin}/`);
    await p.waitForSelector("#setup:not([hidden])", WAIT);
    const read = () => p.evaluate(async () => {
      const { renderInvoice } = await import("/invoice-view.js");
      const line = (vatCategory, vatRate, quantity, unitCode) => ({ name: `${vatCategory} ${unitCode}`, quantity, unitCode,
        netPrice: "10.00", netAmount: "10.00", vatCategory, vatRate });
      const lines = [line("S", "19", "1", "HUR"), line("S", "7", "2", "DAY"), line("Z", "0", "1", "WEE"),
        line("E", "0", "3", "MON"), line("AE", "0", "1", "ANN"), line("K", "0", "2.5", "KGM"), line("G", "0", "1", "LS"),
        line("O", undefined, "4", "SET"), line("L", "7", "1", "PR"), line("M", "4", "2", "H87"), line("S", "19", "1", "XYZ")];
      const invoice = { currency: "EUR", number: "T-1", issueDate: "2026-12-02", seller: { name: "S", address: { country: "DE" } },
        buyer: { name: "B", address: {} }, lines, totals: { taxExclusive: "110.00", taxInclusive: "112.00", payable: "112.00" },
        vatBreakdown: [{ category: "E", rate: "0", taxableAmount: "30.00", taxAmount: "0.00",
          exemptionReason: "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG" }] };
      const article = renderInvoice(invoice);
      document.body.append(article);
      const rows = [...article.querySelectorAll("table.lines tbody tr")]
        .map((tr) => [...tr.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent.replace(/\s+/g, " ").trim()));
      article.remove();
      return rows;
    });
    assert.deepEqual(await read(), [
      ["1 Stunde", "10,00 €", "19 % Regelsteuersatz"],
      ["2 Tage", "10,00 €", "7 % Ermäßigter Steuersatz"],
      ["1 Woche", "10,00 €", "0 % Nullsteuersatz"],
      ["3 Monate", "10,00 €", "0 % Steuerfrei: Kleinunternehmer (§ 19 UStG)"],
      ["1 Jahr", "10,00 €", "0 % Steuerschuldnerschaft des Leistungsempfängers"],
      ["2,5 kg", "10,00 €", "0 % Steuerfreie innergemeinschaftliche Lieferung"],
      ["1 Pauschale", "10,00 €", "0 % Steuerfreie Ausfuhrlieferung"],
      ["4 Sätze", "10,00 €", "Nicht steuerbar"],
      ["1 Paar", "10,00 €", "7 % Kanarische Steuer (IGIC)"],
      ["2 Stück", "10,00 €", "4 % Steuer von Ceuta und Melilla (IPSI)"],
      ["1 XYZ", "10,00 €", "19 % Regelsteuersatz"],
    ]);
    await p.selectOption("#language", "en");
    assert.deepEqual(await read(), [
      ["1 hour", "€10.00", "19% Standard rate"],
      ["2 days", "€10.00", "7% Reduced rate"],
      ["1 week", "€10.00", "0% Zero rate"],
      ["3 months", "€10.00", "0% Exempt: small business (§ 19 UStG)"],
      ["1 year", "€10.00", "0% Reverse charge"],
      ["2.5 kg", "€10.00", "0% Intra-EU supply, exempt"],
      ["1 lump sum", "€10.00", "0% Export outside the EU, exempt"],
      ["4 sets", "€10.00", "Not subject to VAT"],
      ["1 pair", "€10.00", "7% Canary Islands tax (IGIC)"],
      ["2 pieces", "€10.00", "4% Ceuta and Melilla tax (IPSI)"],
      ["1 XYZ", "€10.00", "19% Standard rate"],
    ]);
    await p.selectOption("#language", "de");
    assert.deepEqual(await missing(p), []);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("a failure speaks the reader's language and keeps its code", async () => {
    const ctx = await reader("de-DE");
    const p = await ctx.newPage();
    await p.goto(`${env.relay.origin}/#not-a-link.at-all`);
    await p.waitForFunction(() => document.getElementById("status").dataset.failure, null, WAIT);
    assert.equal(await p.evaluate(() => document.getElementById("status").dataset.failure), "BROKEN_LINK");
    assert.match(await text(p, "#status"), /^Dieser Link ist beschädigt oder unvollständig/);
    assert.equal(await text(p, "#open h2"), "Ihnen wurde eine Rechnung gesendet");
    await p.selectOption("#language", "en");
    assert.match(await text(p, "#status"), /^This link is broken or incomplete/);
    await p.selectOption("#language", "de");
    assert.deepEqual(await missing(p), []);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });
});
