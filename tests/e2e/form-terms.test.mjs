// The form's newer terms end to end: a German small business under §19 UStG (a tax number,
// no VAT id, reached by email) writes an invoice with a date of supply, the client's order and
// contract references and another delivery address, under the plain EN 16931 profile; a
// business with a VAT id writes an intra-community supply of goods (Peppol) and an XRechnung
// for a German authority with a Leitweg-ID. The client opens each and sees every term, as signed.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { context, shot, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, CLIENT, relayId, fill, newForm, flows, start, stop, eur } from "./flows.mjs";
import { initSync, Link, openLink } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const env = {};
const { openAsClient } = flows(env);
/** A date as the client's view shows it: as signed ("2026-11-20") or in the reader's locale (en-US). */
const shownDate = (iso) => new RegExp(`^(?:${iso}|${new Intl.DateTimeFormat("en-US", { day: "2-digit", month: "2-digit",
  year: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`)).replace(/\//g, "\\/")})$`);
const SMALL = { name: "Kleine Töpferei Weber", taxNumber: "21/815/08150", email: "post@toepferei-weber.example" };

/** The invoice signed behind a link, read and checked by the e-invoice module against the profile it claims. */
async function signed(link) {
  const envelope = new Uint8Array(await (await fetch(`${env.relay.origin}/api/v1/envelopes/${relayId(link)}`)).arrayBuffer());
  const read = readInvoice(openLink(Link.parse(link), envelope).documents[0].data);
  assert.ok(read.valid, JSON.stringify(read.problems));
  return read.invoice;
}

/** Fills the client and one line, waits for the amount due, seals; returns the link. */
async function seal(page, { buyer, line, extra = {}, payable, profileNote }) {
  await newForm(page);
  await fill(page, { "#buyer-name": buyer.name, "#buyer-street": buyer.street, "#buyer-postcode": buyer.postcode,
    "#buyer-city": buyer.city, "#buyer-country": buyer.country, "#buyer-vat": buyer.vat ?? "", "#buyer-email": buyer.email,
    ...extra });
  const row = page.locator("#lines fieldset.line").nth(0);
  await row.locator('[data-line-field="name"]').fill(line.name);
  await row.locator('[data-line-field="quantity"]').fill(line.quantity);
  await row.locator('[data-line-field="netPrice"]').fill(line.price);
  await row.locator('[data-line-field="vatChoice"]').selectOption(line.vat);
  if (line.exemption) {
    await page.waitForSelector("#exemption-row:not([hidden])", WAIT);
    await page.fill("#inv-exemption", line.exemption);
  }
  await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, payable, WAIT)
    .catch(async (e) => { throw new Error(`${e.message}\nproblems: ${await page.textContent("#problems")}`); });
  assert.match(await page.textContent('[data-test="profile-note"]'), profileNote);
  await page.click("#seal-button");
  await page.waitForSelector("#sent-link:not([hidden])", WAIT);
  return page.inputValue("#link-url");
}

describe("the form's terms of supply and references, written and shown", { timeout: 240_000 }, () => {
  before(async () => {
    await start(env);
  });
  after(() => stop(env));

  let link;
  it("a small business without a VAT id sets up with its tax number", async () => {
    const page = env.page;
    await page.goto(`${env.relay.origin}/`);
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    await fill(page, { "#biz-name": SMALL.name, "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
      "#biz-city": BUSINESS.city, "#biz-country": "DE", "#biz-email": SMALL.email, "#biz-iban": BUSINESS.iban,
      "#biz-identifier": "LIEF-2207",
      "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
    // Neither a VAT id nor a tax number: said, nothing created.
    await page.click("#setup-form button[type=submit]");
    await page.waitForFunction(() => /VAT id, or your tax number/.test(document.getElementById("status").textContent), null, WAIT);
    await page.fill("#biz-tax-number", SMALL.taxNumber);
    await page.click("#setup-form button[type=submit]");
    await page.waitForSelector("#created:not([hidden])", WAIT);
    env.relay.addSender(await page.inputValue("#created-card"));
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });

  it("writes the date of supply, order and contract references and a delivery address, under EN 16931", async () => {
    const page = env.page;
    await newForm(page);
    await fill(page, { "#inv-number": "2026-0301", "#buyer-name": CLIENT.name, "#buyer-street": CLIENT.street,
      "#buyer-postcode": CLIENT.postcode, "#buyer-city": CLIENT.city, "#buyer-country": CLIENT.country,
      "#buyer-vat": CLIENT.vat, "#buyer-email": CLIENT.email, "#inv-buyer-ref": "Einkauf Weber",
      "#inv-supply-date": "2026-11-20", "#inv-order-ref": "PO-4711", "#inv-contract-ref": "RV-2026-12" });
    await page.click("#inv-delivery-box summary");
    await fill(page, { "#deliver-name": "Beispiel AG, Lager Nord", "#deliver-street": "Hafenweg 9",
      "#deliver-postcode": "21079", "#deliver-city": "Hamburg", "#deliver-country": "DE" });
    const row = page.locator("#lines fieldset.line").nth(0);
    await row.locator('[data-line-field="name"]').fill("Vase, handmade");
    await row.locator('[data-line-field="quantity"]').fill("4");
    await row.locator('[data-line-field="netPrice"]').fill("45.00");
    await row.locator('[data-line-field="vatChoice"]').selectOption("E");
    await page.waitForSelector("#exemption-row:not([hidden])", WAIT);
    await page.fill("#inv-exemption", "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG");
    await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, eur("180.00"), WAIT)
      .catch(async (e) => { throw new Error(`${e.message}\nproblems: ${await page.textContent("#problems")}`); });
    // A seller reached by email is not on Peppol: plain EN 16931 is suggested.
    assert.match(await page.textContent('[data-test="profile-note"]'), /^EN 16931, suggested from your details and the client's/);
    // Choosing Peppol by hand checks the invoice against Peppol's rules, which refuse an email address.
    await page.selectOption("#inv-profile", "peppol");
    await page.waitForFunction(() => document.getElementById("seal-button").disabled, null, WAIT);
    assert.match(await page.textContent('[data-test="profile-note"]'), /^Peppol BIS Billing 3.0, as you chose/);
    await page.selectOption("#inv-profile", "en16931");
    await page.waitForFunction(() => !document.getElementById("seal-button").disabled, null, WAIT);
    await shot(page, "form-terms-01");
    await page.click("#seal-button");
    await page.waitForSelector("#sent-link:not([hidden])", WAIT);
    link = await page.inputValue("#link-url");

    const envelope = new Uint8Array(await (await fetch(`${env.relay.origin}/api/v1/envelopes/${relayId(link)}`)).arrayBuffer());
    const read = readInvoice(openLink(Link.parse(link), envelope).documents[0].data);
    assert.ok(read.valid, JSON.stringify(read.problems));
    const inv = read.invoice;
    assert.equal(inv.profile, "en16931");
    assert.equal(inv.seller.taxNumber, SMALL.taxNumber);
    assert.equal(inv.seller.vatId, undefined);
    assert.deepEqual(inv.seller.electronicAddress, { id: SMALL.email, scheme: "EM" });
    assert.equal(inv.delivery.date, "2026-11-20");
    assert.equal(inv.delivery.name, "Beispiel AG, Lager Nord");
    assert.equal(inv.delivery.address.city, "Hamburg");
    assert.equal(inv.orderReference, "PO-4711");
    assert.equal(inv.contractReference, "RV-2026-12");
  });

  it("the client sees every one of those terms", async () => {
    const client = await context(env.browser);
    const p = await openAsClient(link, { ctx: client });
    await shot(p, "form-terms-02-client");
    assert.match(await p.textContent('[data-test="supply-date"]'), shownDate("2026-11-20"));
    assert.equal(await p.textContent('[data-test="order"]'), "PO-4711");
    assert.equal(await p.textContent('[data-test="contract"]'), "RV-2026-12");
    assert.match(await p.textContent('[data-test="delivery"]'), /Beispiel AG, Lager Nord.*Hafenweg 9, 21079 Hamburg, DE/s);
    assert.equal(await p.textContent('[data-test="tax-number"]'), `Tax number ${SMALL.taxNumber}`);
    assert.match(await p.textContent('[data-test="seller"]'), new RegExp(SMALL.email));
    assert.match(await p.textContent("table.vat"), /exempt.*§ 19 UStG/is);
    assert.equal(await p.textContent('[data-test="payable"]'), eur("180.00"));
    await p.waitForFunction(() => document.getElementById("invoice").dataset.rulesChecked === "true", null, WAIT);
    assert.equal(await p.isHidden("#rule-warnings-box"), true, await p.textContent("#rule-warnings"));
    assert.deepEqual(client.errors, []);
  });
  let vatPage;
  it("a business with a VAT id writes an intra-community supply of goods: date of supply, goods sent to the client", async () => {
    const ctx = await context(env.browser);
    vatPage = await ctx.newPage();
    await vatPage.goto(`${env.relay.origin}/`);
    await vatPage.waitForSelector("#setup:not([hidden])", WAIT);
    await fill(vatPage, { "#biz-name": BUSINESS.name, "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
      "#biz-city": BUSINESS.city, "#biz-country": "DE", "#biz-vat": BUSINESS.vat, "#biz-email": BUSINESS.email,
      "#biz-contact": "Anna Muster", "#biz-phone": "+49 30 1234567", "#biz-iban": BUSINESS.iban, "#biz-bic": BUSINESS.bic,
      "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
    await vatPage.click("#setup-form button[type=submit]");
    await vatPage.waitForSelector("#created:not([hidden])", WAIT);
    env.relay.addSender(await vatPage.inputValue("#created-card"));
    await vatPage.click("#created-continue");
    await vatPage.waitForSelector("#compose:not([hidden])", WAIT);
    const url = await seal(vatPage, {
      buyer: { name: "Maison Dupont SARL", street: "12 rue de la Paix", postcode: "75002", city: "Paris", country: "FR",
        vat: "FR40303265045", email: "compta@dupont.example" },
      line: { name: "Oak desk", quantity: "3", price: "640.00", vat: "K", exemption: "Intra-community supply" },
      extra: { "#inv-buyer-ref": "CMD-88", "#inv-supply-date": "2026-11-25" },
      payable: eur("1920.00"), profileNote: /^Peppol BIS Billing 3.0, suggested/ });
    const inv = await signed(url);
    assert.equal(inv.profile, "peppol");
    assert.equal(inv.delivery.date, "2026-11-25");
    assert.equal(inv.delivery.address.country, "FR");
    const p = await openAsClient(url);
    await shot(p, "form-terms-03-intra-community");
    assert.match(await p.textContent('[data-test="supply-date"]'), shownDate("2026-11-25"));
    assert.match(await p.textContent('[data-test="delivery"]'), /12 rue de la Paix, 75002 Paris, FR/);
    assert.match(await p.textContent("table.lines"), /0 ?% intra-EU supply/i);
    assert.match(await p.textContent("table.vat"), /Intra-community supply/);
  });

  it("an XRechnung for a German authority: the Leitweg-ID as their reference, the profile suggested", async () => {
    const leitweg = "04011000-1234512345-06";
    const url = await seal(vatPage, {
      buyer: { name: "Stadtverwaltung Musterstadt", street: "Rathausplatz 1", postcode: "12345", city: "Musterstadt",
        country: "DE", email: "rechnung@musterstadt.example" },
      line: { name: "Accessibility review", quantity: "1", price: "3400.00", vat: "S19" },
      extra: { "#inv-buyer-ref": leitweg, "#inv-supply-date": "2026-11-18", "#inv-contract-ref": "V-2026-118" },
      payable: eur("4046.00"), profileNote: /^XRechnung 3.0, suggested/ });
    const inv = await signed(url);
    assert.equal(inv.profile, "xrechnung");
    assert.equal(inv.buyerReference, leitweg);
    assert.deepEqual(inv.seller.contact, { name: "Anna Muster", phone: "+49 30 1234567", email: BUSINESS.email });
    const p = await openAsClient(url);
    await shot(p, "form-terms-04-xrechnung");
    assert.match(await p.textContent(".invoice-head"), new RegExp(`Your reference${leitweg}`));
    assert.equal(await p.textContent('[data-test="contract"]'), "V-2026-118");
    assert.match(await p.textContent('[data-test="supply-date"]'), shownDate("2026-11-18"));
    assert.match(await p.textContent('[data-test="seller"]'), /Contact Anna Muster.*\+49 30 1234567/s);
    // The phone is shown beside the fingerprint to compare.
    assert.match(await p.textContent('[data-test="sender-phone"]'), /\+49 30 1234567/);
    await p.waitForFunction(() => document.getElementById("invoice").dataset.rulesChecked === "true", null, WAIT);
    assert.equal(await p.isHidden("#rule-warnings-box"), true, await p.textContent("#rule-warnings"));
  });
});
