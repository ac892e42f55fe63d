// A German sole trader's first invoice, in German from start to end: a caterer (Einzelunternehmerin,
// not a small business: she charges VAT, and as she sells only in Germany her invoices carry her
// tax number instead of a VAT id) sets up, is refused a mistyped IBAN in plain German, writes a
// 19 % service line and a 7 % food line with German numbers ("1.200,00", "7,5"), to a private
// client without a VAT id or a purchase order number, sees problems as plain sentences and the
// totals as Germans write them, seals, and the client opens it. No rule id and no English number
// is shown on the way, and every text the page showed has its German translation.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shot, ROOT, context } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, relayId, fill, newForm, flows, start, stop } from "./flows.mjs";
import { initSync, Link, openLink } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const env = {};
const { openAsClient } = flows(env);
const CATERER = { name: "Feinkost & Catering Sabine Krüger", street: "Lindenstraße 14", postcode: "50674", city: "Köln",
  taxNumber: "214/5062/1234", email: "sabine@kruegers-catering.example" };
const PRIVATE = { name: "Jonas Schmidt", street: "Aachener Straße 120", postcode: "50931", city: "Köln", country: "DE",
  email: "jonas.schmidt@example.org" };
/** Money as a German reader sees it: "1.627,82 €". */
const euro = (amount) => new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(amount);

let ctx;
let page;
const missing = (p = page) => p.evaluate(async () => [...(await import("/i18n.js")).missing]);
/** The text a reader sees: no rule id, no business term, no code list, no English number. */
async function readsPlainly(p, where) {
  const text = await p.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /\b(?:BR-[A-Z0-9-]+|PEPPOL-|SEALBILL-|B[GT]-\d+|UNCL\d+)/, `${where}: a rule id is shown`);
  assert.doesNotMatch(text, /\d,\d{3}\.\d|\d\.\d{2}\s*€|€\s?\d/, `${where}: an English number is shown`);
}

describe("a German sole trader's first invoice, in German", { timeout: 240_000 }, () => {
  before(async () => {
    await start(env);
    ctx = await context(env.browser, { locale: "de-DE" });
    page = await ctx.newPage();
  });
  after(async () => {
    await ctx?.close();
    await stop(env);
  });

  it("sets up with her tax number; a mistyped IBAN is refused in plain German", async () => {
    await page.goto(`${env.relay.origin}/`);
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    await fill(page, { "#biz-name": CATERER.name, "#biz-street": CATERER.street, "#biz-postcode": CATERER.postcode,
      "#biz-city": CATERER.city, "#biz-country": "DE", "#biz-tax-number": CATERER.taxNumber, "#biz-email": CATERER.email,
      // Two digits swapped: the check digits catch it.
      "#biz-iban": "DE02 1203 0000 0000 2020 15", "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
    await page.click("#setup-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("status").dataset.kind === "error", null, WAIT);
    assert.equal(await page.textContent("#status"), "Diese IBAN enthält einen Tippfehler: Ihre Prüfziffern stimmen nicht.");
    await page.fill("#biz-iban", "DE00 1234 5678");
    await page.click("#setup-form button[type=submit]");
    await page.waitForFunction(() => /22 Zeichen/.test(document.getElementById("status").textContent), null, WAIT);
    assert.equal(await page.textContent("#status"), "Eine deutsche IBAN hat 22 Zeichen; diese hat 12.");
    assert.equal(await page.isHidden("#created"), true);
    await page.fill("#biz-iban", BUSINESS.iban);
    await page.click("#setup-form button[type=submit]");
    await page.waitForSelector("#created:not([hidden])", WAIT);
    env.relay.addSender(await page.inputValue("#created-card"));
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });

  let link;
  it("writes the invoice with German numbers; problems are plain sentences, totals German", async () => {
    await newForm(page);
    assert.equal(await page.textContent("#compose h2"), "Neue Rechnung");
    assert.equal(await page.inputValue("#inv-terms"), "14 Tage netto");
    const first = page.locator("#lines fieldset.line").nth(0);
    assert.equal(await first.locator('[data-line-field="netPrice"]').getAttribute("placeholder"), "0,00");
    assert.deepEqual(await first.locator('[data-line-field="vatChoice"] option').allTextContents(), ["19 % Regelsteuersatz",
      "7 % ermäßigt", "0 % Reverse-Charge EU", "0 % innergemeinschaftliche Lieferung", "steuerfrei: Kleinunternehmer § 19 UStG",
      "0 % Ausfuhrlieferung (außerhalb der EU)"]);

    // No client yet: the problem is said in German beside the field, its rule kept in the details.
    await first.locator('[data-line-field="name"]').fill("Buffet-Service (Personal, Auf- und Abbau)");
    await first.locator('[data-line-field="netPrice"]').fill("1.200,00");
    await page.waitForSelector('#problems li[data-rule="BR-07"]', WAIT);
    const sentence = "Geben Sie den Namen des Kunden an.";
    assert.equal(await page.textContent('#problems li[data-rule="BR-07"] .problem-text'), sentence);
    assert.equal(await page.textContent("#buyer-name + .field-problem"), sentence);
    assert.equal(await page.getAttribute("#buyer-name", "aria-invalid"), "true");
    assert.match(await page.getAttribute('#problems li[data-rule="BR-07"]', "title"), /^BR-07/);
    await readsPlainly(page, "with problems");
    await shot(page, "sole-trader-00-problems");
    await page.click('#problems li[data-rule="BR-07"] summary');
    assert.match(await page.textContent('#problems li[data-rule="BR-07"] details small'), /^Regel BR-07/);
    // The totals so far, as Germans write them: 1.200,00 € + 19 %.
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, euro("1428.00"), WAIT);

    // An unclear number is refused beside its field, in German.
    await first.locator('[data-line-field="quantity"]').fill("1.000");
    await page.waitForSelector('#lines [data-line-field="quantity"] + .field-problem', WAIT);
    assert.equal(await page.textContent('#lines [data-line-field="quantity"] + .field-problem'),
      "„1.000“ lässt sich zweifach lesen: Schreiben Sie 1.000,00 für den Tausenderbetrag oder 1,000 für eine Dezimalzahl.");
    await first.locator('[data-line-field="quantity"]').fill("1");

    await fill(page, { "#buyer-name": PRIVATE.name, "#buyer-street": PRIVATE.street, "#buyer-postcode": PRIVATE.postcode,
      "#buyer-city": PRIVATE.city, "#buyer-country": PRIVATE.country, "#buyer-email": PRIVATE.email,
      "#inv-supply-date": "2026-11-28" });
    await page.click("#add-line");
    const second = page.locator("#lines fieldset.line").nth(1);
    await second.locator('[data-line-field="name"]').fill("Käseplatte, Bergkäse am Stück");
    await second.locator('[data-line-field="quantity"]').fill("7,5");
    await second.locator('[data-line-field="unitCode"]').selectOption("KGM");
    await second.locator('[data-line-field="netPrice"]').fill("24,90");
    await second.locator('[data-line-field="vatChoice"]').selectOption("S7");
    // 1.200,00 at 19 % = 228,00; 7,5 × 24,90 = 186,75 at 7 % = 13,0725 → 13,07.
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t
      && document.getElementById("totals-note").hidden, euro("1627.82"), WAIT)
      .catch(async (e) => { throw new Error(`${e.message}\nproblems: ${await page.textContent("#problems")}`); });
    assert.equal(await page.textContent("#live-net"), euro("1386.75"));
    assert.equal(await page.textContent("#live-vat"), euro("241.07"));
    assert.equal(await page.textContent("#live-total"), "1.627,82\u00a0€");
    // The date field shows the browser's own format; the date is written out beside it in German.
    assert.equal(await page.textContent("#inv-supply-date + .date-words"), "28. November 2026");
    // A private client, no VAT id, no order number: plain EN 16931 is suggested.
    assert.equal(await page.textContent('[data-test="profile-note"]'), "EN 16931, vorgeschlagen anhand Ihrer Angaben und der des Kunden.");
    await readsPlainly(page, "the finished form");
    await shot(page, "sole-trader-01-form");

    // Switching to English and back rewrites the numbers as each reader writes them.
    await page.selectOption("#language", "en");
    assert.equal(await second.locator('[data-line-field="quantity"]').inputValue(), "7.5");
    assert.equal(await first.locator('[data-line-field="netPrice"]').inputValue(), "1,200.00");
    await page.waitForFunction(() => document.getElementById("live-total").textContent === "€1,627.82", null, WAIT);
    assert.equal(await page.inputValue("#inv-terms"), "14 days net");
    await page.selectOption("#language", "de");
    assert.equal(await second.locator('[data-line-field="quantity"]').inputValue(), "7,5");
    assert.equal(await first.locator('[data-line-field="netPrice"]').inputValue(), "1.200,00");
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, euro("1627.82"), WAIT);
    assert.equal(await page.textContent('[data-test="profile-note"]'), "EN 16931, vorgeschlagen anhand Ihrer Angaben und der des Kunden.");

    await page.click("#seal-button");
    await page.waitForSelector("#sent-link:not([hidden])", WAIT);
    link = await page.inputValue("#link-url");
    assert.deepEqual(await missing(), []);
    assert.deepEqual(ctx.errors, []);
  });

  it("the signed invoice states the amounts as typed, as decimals", async () => {
    const envelope = new Uint8Array(await (await fetch(`${env.relay.origin}/api/v1/envelopes/${relayId(link)}`)).arrayBuffer());
    const read = readInvoice(openLink(Link.parse(link), envelope).documents[0].data);
    assert.ok(read.valid, JSON.stringify(read.problems));
    const inv = read.invoice;
    assert.equal(inv.profile, "en16931");
    assert.equal(inv.seller.taxNumber, CATERER.taxNumber);
    assert.equal(inv.seller.vatId, undefined);
    assert.equal(inv.buyer.vatId, undefined);
    assert.equal(inv.buyerReference, undefined);
    assert.equal(inv.paymentTerms, "14 Tage netto");
    assert.deepEqual(inv.lines.map((l) => [Number(l.quantity), l.unitCode, Number(l.netPrice), l.vatCategory, Number(l.vatRate)]),
      [[1, "C62", 1200, "S", 19], [7.5, "KGM", 24.9, "S", 7]]);
    assert.equal(inv.totals.taxExclusive, "1386.75");
    assert.equal(inv.totals.vatTotal, "241.07");
    assert.equal(inv.totals.payable, "1627.82");
  });

  it("the client opens it, in German too", async () => {
    const client = await env.browser.newContext({ locale: "de-DE" });
    const p = await openAsClient(link, { ctx: client });
    assert.equal(await p.isVisible("#invoice"), true, await p.textContent("#status"));
    assert.equal(await p.textContent('[data-test="payable"]'), euro("1627.82"));
    await shot(p, "sole-trader-02-client");
    await client.close();
  });
});
