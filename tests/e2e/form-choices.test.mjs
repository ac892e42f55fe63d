// Every VAT choice the invoice form offers can be sealed, with the little a real user types
// besides (a client, a line, their reference), and the client opens each: 19 % standard,
// 7 % reduced (category S), reverse charge, an intra-EU supply of goods, export, and a small
// business under §19 UStG with a tax number instead of a VAT id; then again in German, with the
// price typed as Germans write it. Problems are said in plain words, the rule id in the details.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, CLIENT, relayId, fill, newForm, flows, start, stop, eur } from "./flows.mjs";
import { initSync, Link, openLink } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const env = {};
const { openAsClient } = flows(env);
const FRENCH = { name: "Maison Dupont SARL", street: "12 rue de la Paix", postcode: "75002", city: "Paris", country: "FR",
  vat: "FR40303265045", email: "compta@dupont.example" };
const SWISS = { name: "Berg Uhren AG", street: "Bahnhofstrasse 5", postcode: "8001", city: "Zürich", country: "CH",
  email: "buchhaltung@berg.example" };

/** Sets up a business on a fresh page (a VAT id, or a tax number only). */
async function setUpBusiness(page, { vat, taxNumber }) {
  await page.goto(`${env.relay.origin}/`);
  await page.waitForSelector("#setup:not([hidden])", WAIT);
  await fill(page, { "#biz-name": BUSINESS.name, "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
    "#biz-city": BUSINESS.city, "#biz-country": "DE", "#biz-email": BUSINESS.email, "#biz-iban": BUSINESS.iban,
    "#biz-vat": vat ?? "", "#biz-tax-number": taxNumber ?? "", "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
  await page.click("#setup-form button[type=submit]");
  await page.waitForSelector("#created:not([hidden])", WAIT);
  env.relay.addSender(await page.inputValue("#created-card"));
  await page.click("#created-continue");
  await page.waitForSelector("#compose:not([hidden])", WAIT);
}

/** Writes one line of 100.00 with a VAT choice to a client, seals; returns the signed invoice and the link. */
async function sealWith(page, vat, buyer, payable, price = "100.00", prepare = async () => {}) {
  await newForm(page);
  // Goods sent to another EU country: the rules ask for the date of supply (BR-IC-11).
  if (vat === "K") await page.fill("#inv-supply-date", "2026-11-25");
  await fill(page, { "#buyer-name": buyer.name, "#buyer-street": buyer.street, "#buyer-postcode": buyer.postcode,
    "#buyer-city": buyer.city, "#buyer-country": buyer.country, "#buyer-vat": buyer.vat ?? "", "#buyer-email": buyer.email,
    "#inv-buyer-ref": "Order 12" });
  const row = page.locator("#lines fieldset.line").nth(0);
  await row.locator('[data-line-field="name"]').fill("Goods");
  await row.locator('[data-line-field="netPrice"]').fill(price);
  await row.locator('[data-line-field="vatChoice"]').selectOption(vat);
  await prepare();
  await page.waitForFunction(() => !document.getElementById("seal-button").disabled, null, WAIT)
    .catch(async (e) => { throw new Error(`${vat}: ${e.message}\nproblems: ${await page.textContent("#problems")}`); });
  assert.equal(await page.textContent("#live-total"), payable);
  await page.click("#seal-button");
  await page.waitForSelector("#sent-link:not([hidden])", WAIT);
  const link = await page.inputValue("#link-url");
  const envelope = new Uint8Array(await (await fetch(`${env.relay.origin}/api/v1/envelopes/${relayId(link)}`)).arrayBuffer());
  const read = readInvoice(openLink(Link.parse(link), envelope).documents[0].data);
  assert.ok(read.valid, `${vat}: ${JSON.stringify(read.problems)}`);
  return { invoice: read.invoice, link };
}

async function clientSees(link, payable, ctx) {
  const p = await openAsClient(link, { ctx });
  assert.equal(await p.isVisible("#invoice"), true, await p.textContent("#status"));
  assert.equal(await p.textContent('[data-test="payable"]'), payable);
  await p.close();
}

describe("every VAT choice of the form seals and opens", { timeout: 300_000 }, () => {
  before(async () => {
    await start(env);
  });
  after(() => stop(env));

  it("offers only the choices a business knows, without a bare category such as AA", async () => {
    await setUpBusiness(env.page, { vat: BUSINESS.vat });
    const options = await env.page.$$eval('#lines [data-line-field="vatChoice"] option', (os) => os.map((o) => o.textContent));
    assert.deepEqual(options, ["19 % standard", "7 % reduced", "0 % reverse charge EU", "0 % intra-EU supply of goods",
      "exempt: small business §19 UStG", "export outside the EU"]);
  });

  const cases = [
    ["S19", CLIENT, eur("119.00"), { category: "S", rate: "19" }],
    ["S7", CLIENT, eur("107.00"), { category: "S", rate: "7" }],
    ["AE", FRENCH, eur("100.00"), { category: "AE", rate: "0", reasonCode: "VATEX-EU-AE" }],
    ["K", FRENCH, eur("100.00"), { category: "K", rate: "0", reasonCode: "VATEX-EU-IC" }],
    ["G", SWISS, eur("100.00"), { category: "G", rate: "0", reasonCode: "VATEX-EU-G" }],
  ];
  for (const [vat, buyer, payable, expected] of cases) {
    it(`${vat}: sealed with its category, rate and reason, and opened by the client`, async () => {
      const { invoice, link } = await sealWith(env.page, vat, buyer, payable);
      const line = invoice.lines[0];
      assert.equal(line.vatCategory, expected.category);
      assert.equal(Number(line.vatRate), Number(expected.rate));
      if (expected.reasonCode) {
        const breakdown = invoice.totals?.vatBreakdown ?? invoice.vatBreakdown;
        assert.match(JSON.stringify(breakdown ?? invoice), new RegExp(expected.reasonCode));
      }
      if (vat === "K") assert.equal(invoice.delivery.address.country, "FR");
      await clientSees(link, payable);
    });
  }

  it("a credit note seals: the form drops the due date a credit note cannot state", async () => {
    const { invoice } = await sealWith(env.page, "S19", CLIENT, eur("119.00"), "100.00", async () => {
      await env.page.selectOption("#inv-type", "381");
      await env.page.click("#inv-more-box summary");
      await env.page.fill("#inv-preceding", "2026-0001");
    });
    assert.equal(await env.page.isHidden("#due-row"), true);
    assert.equal(invoice.typeCode, "381");
    assert.equal(invoice.dueDate, undefined);
  });

  it("E: a small business with a tax number only seals under §19 UStG, with the reason", async () => {
    const ctx = await env.browser.newContext();
    const page = await ctx.newPage();
    await setUpBusiness(page, { taxNumber: "21/815/08150" });
    const { invoice, link } = await sealWith(page, "E", CLIENT, eur("100.00"));
    assert.equal(invoice.lines[0].vatCategory, "E");
    assert.equal(invoice.seller.taxNumber, "21/815/08150");
    assert.match(JSON.stringify(invoice), /§ 19 UStG/);
    await clientSees(link, eur("100.00"));
    await ctx.close();
  });
});

describe("every VAT choice of the form seals in German", { timeout: 300_000 }, () => {
  let ctx;
  let page;
  before(async () => {
    await start(env);
    ctx = await env.browser.newContext({ locale: "de-DE" });
    page = await ctx.newPage();
  });
  after(async () => {
    await ctx?.close();
    await stop(env);
  });
  const euro = (amount) => new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(amount);

  it("offers the choices in German and seals each with the price typed as „100,00“", async () => {
    await setUpBusiness(page, { vat: BUSINESS.vat });
    const options = await page.$$eval('#lines [data-line-field="vatChoice"] option', (os) => os.map((o) => o.textContent));
    assert.deepEqual(options, ["19 % Regelsteuersatz", "7 % ermäßigt", "0 % Reverse-Charge EU", "0 % innergemeinschaftliche Lieferung",
      "steuerfrei: Kleinunternehmer § 19 UStG", "0 % Ausfuhrlieferung (außerhalb der EU)"]);
    const cases = [["S19", CLIENT, "119.00"], ["S7", CLIENT, "107.00"], ["AE", FRENCH, "100.00"], ["K", FRENCH, "100.00"],
      ["G", SWISS, "100.00"]];
    for (const [vat, buyer, payable] of cases) {
      const { invoice } = await sealWith(page, vat, buyer, euro(payable), "100,00");
      assert.equal(Number(invoice.lines[0].netPrice), 100);
      assert.equal(invoice.totals.payable, payable);
      // The reasons the rules ask for, in German: the invoice is written in the reader's language.
      if (vat === "AE") assert.match(JSON.stringify(invoice), /Steuerschuldnerschaft des Leistungsempfängers/);
    }
    assert.deepEqual(await page.evaluate(async () => [...(await import("/i18n.js")).missing]), []);
  });

  it("E: a small business with a tax number only seals under § 19 UStG in German, and the client opens it", async () => {
    const small = await env.browser.newContext({ locale: "de-DE" });
    const smallPage = await small.newPage();
    await setUpBusiness(smallPage, { taxNumber: "21/815/08150" });
    const { invoice, link } = await sealWith(smallPage, "E", CLIENT, euro("100.00"), "100,00");
    assert.equal(invoice.lines[0].vatCategory, "E");
    assert.match(JSON.stringify(invoice), /§ 19 UStG/);
    const client = await env.browser.newContext({ locale: "de-DE" });
    await clientSees(link, euro("100.00"), client);
    await client.close();
    await small.close();
  });
});

describe("live totals while typing", { timeout: 120_000 }, () => {
  before(async () => {
    await start(env);
  });
  after(() => stop(env));

  it("are shown with the problems beside them while a required field elsewhere is missing", async () => {
    const page = env.page;
    await setUpBusiness(page, { vat: BUSINESS.vat });
    await newForm(page);
    // No client at all yet: the rules refuse the invoice, the totals are shown all the same.
    await page.fill("#buyer-name", "");
    const row = page.locator("#lines fieldset.line").nth(0);
    await row.locator('[data-line-field="name"]').fill("Logo design");
    await row.locator('[data-line-field="quantity"]').fill("7.5");
    await row.locator('[data-line-field="netPrice"]').fill("95.00");
    await page.click("#add-line");
    const second = page.locator("#lines fieldset.line").nth(1);
    await second.locator('[data-line-field="name"]').fill("Book");
    await second.locator('[data-line-field="netPrice"]').fill("20.00");
    await second.locator('[data-line-field="vatChoice"]').selectOption("S7");
    // 712.50 + 20.00 net; 19 % of 712.50 = 135.375 → 135.38, 7 % of 20.00 = 1.40.
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, eur("869.28"), WAIT);
    assert.equal(await page.textContent("#live-net"), eur("732.50"));
    assert.equal(await page.textContent("#live-vat"), eur("136.78"));
    assert.equal(await page.isVisible("#problems-box"), true);
    assert.ok((await page.locator("#problems li").count()) > 0);
    // In plain words beside the field; the rule id for the accountant in the details and the tooltip.
    assert.equal(await page.textContent('#problems li[data-rule="BR-07"] .problem-text'), "Give the client's name.");
    assert.equal(await page.textContent("#buyer-name + .field-problem"), "Give the client's name.");
    assert.equal(await page.isVisible('#problems li[data-rule="BR-07"] details small'), false);
    await page.click('#problems li[data-rule="BR-07"] summary');
    assert.match(await page.textContent('#problems li[data-rule="BR-07"] details small'), /^Rule BR-07/);
    assert.match(await page.getAttribute('#problems li[data-rule="BR-07"]', "title"), /^BR-07 · BG-7\/BT-44: /);
    assert.equal(await page.isVisible("#totals-note"), true);
    assert.equal(await page.isDisabled("#seal-button"), true);
    // A line still being typed ("7,") is left out until it is a number; the rest stays in sight.
    await row.locator('[data-line-field="quantity"]').fill("7,");
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, eur("21.40"), WAIT);
  });
});

describe("IBAN and BIC checks at setup", { timeout: 120_000 }, () => {
  before(async () => {
    await start(env);
  });
  after(() => stop(env));

  const status = () => env.page.textContent("#status");
  async function trySetUp(iban, bic = BUSINESS.bic) {
    const page = env.page;
    await page.goto(`${env.relay.origin}/`);
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    await fill(page, { "#biz-name": BUSINESS.name, "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
      "#biz-city": BUSINESS.city, "#biz-country": "DE", "#biz-email": BUSINESS.email, "#biz-vat": BUSINESS.vat,
      "#biz-iban": iban, "#biz-bic": bic, "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
    await page.click("#setup-form button[type=submit]");
  }

  it("refuses a short IBAN, a bad check digit and a bad BIC in plain words, and accepts a valid IBAN", async () => {
    await trySetUp("DE00 1234 5678");
    await env.page.waitForFunction(() => document.getElementById("status").dataset.kind === "error", null, WAIT);
    assert.equal(await status(), "A German IBAN has 22 characters; this one has 12.");
    await trySetUp("DE00 1203 0000 0000 2020 51");
    await env.page.waitForFunction(() => /check digits do not match/.test(document.getElementById("status").textContent), null, WAIT);
    assert.equal(await status(), "This IBAN has a typing error: its check digits do not match.");
    await trySetUp(BUSINESS.iban, "BYLA1EM1");
    await env.page.waitForFunction(() => /A BIC has 8 or 11 characters/.test(document.getElementById("status").textContent), null, WAIT);
    assert.equal(await env.page.isHidden("#created"), true);
    await trySetUp("DE02 1203 0000 0000 2020 51");
    await env.page.waitForSelector("#created:not([hidden])", WAIT);
  });
});
