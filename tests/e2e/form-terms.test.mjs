// The form's newer terms end to end: a German small business under §19 UStG (a tax number,
// no VAT id, reached by email) writes an invoice with a date of supply, the client's order and
// contract references and another delivery address, under the plain EN 16931 profile; the
// client opens it and sees every one of those terms, as signed.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { context, shot, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, CLIENT, relayId, fill, newForm, flows, start, stop } from "./flows.mjs";
import { initSync, Link, openLink } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const env = {};
const { openAsClient } = flows(env);
const SMALL = { name: "Kleine Töpferei Weber", taxNumber: "21/815/08150", email: "post@toepferei-weber.example" };

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
    await row.locator('[data-line-field="vatCategory"]').selectOption("E");
    await row.locator('[data-line-field="vatRate"]').fill("0");
    await page.waitForSelector("#exemption-row:not([hidden])", WAIT);
    await page.fill("#inv-exemption", "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG");
    await page.waitForFunction(() => document.getElementById("live-total").textContent === "180.00 EUR", null, WAIT)
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
    assert.equal(await p.textContent('[data-test="supply-date"]'), "2026-11-20");
    assert.equal(await p.textContent('[data-test="order"]'), "PO-4711");
    assert.equal(await p.textContent('[data-test="contract"]'), "RV-2026-12");
    assert.match(await p.textContent('[data-test="delivery"]'), /Beispiel AG, Lager Nord.*Hafenweg 9, 21079 Hamburg, DE/s);
    assert.equal(await p.textContent('[data-test="tax-number"]'), `Tax number ${SMALL.taxNumber}`);
    assert.match(await p.textContent('[data-test="seller"]'), new RegExp(SMALL.email));
    assert.match(await p.textContent("table.vat"), /exempt.*§ 19 UStG/s);
    assert.equal(await p.textContent('[data-test="payable"]'), "180.00 EUR");
    await p.waitForFunction(() => document.getElementById("invoice").dataset.rulesChecked === "true", null, WAIT);
    assert.equal(await p.isHidden("#rule-warnings-box"), true, await p.textContent("#rule-warnings"));
    assert.deepEqual(client.errors, []);
  });
});
