// The GiroCode (EPC069-12 QR code) under an opened invoice, end to end in headless Chromium:
// the rendered code is screenshotted, decoded with an independent reader (npm jsqr), and every
// EPC field is checked against the signed invoice. It appears only for a sender the client
// knows (confirmed, or seen before) and an invoice nothing flags, in euro, by SEPA transfer.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import jsQR from "jsqr";
import { context, shot, ROOT } from "./harness.mjs";
import { WAIT, BUSINESS, CLIENT, LINES, relayId, fill, newForm, flows, start, stop, eur } from "./flows.mjs";
import { initSync, Link, openLink } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);

/** The signed invoice behind a link, read by the e-invoice module in Node. */
async function signed(link) {
  const envelope = new Uint8Array(await (await fetch(`${env.relay.origin}/api/v1/envelopes/${relayId(link)}`)).arrayBuffer());
  const read = readInvoice(openLink(Link.parse(link), envelope).documents[0].data);
  assert.ok(read.valid, JSON.stringify(read.problems));
  return read.invoice;
}

/** Waits until the page decided on the GiroCode: "shown", "withheld" or "none". */
async function giroState(p) {
  const slot = '#invoice-body [data-test="girocode-slot"][data-girocode]';
  await p.waitForSelector(slot, { ...WAIT, state: "attached" });
  return p.getAttribute(slot, "data-girocode");
}

/** The text of the GiroCode on screen, read from a screenshot of it by jsqr. */
async function decodeGiroCode(p) {
  const png = await p.locator('[data-test="girocode"] svg').screenshot();
  const image = await p.evaluate(async (bytes) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data: [...data], width, height };
  }, [...png]);
  const read = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height);
  assert.ok(read, "the GiroCode on screen decodes");
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(read.binaryData));
}

/** Checks every EPC069-12 field of a decoded GiroCode against the signed invoice. */
function assertEpc(text, invoice) {
  const [tag, version, charset, id, bic, name, iban, amount, purpose = "", structured = "", unstructured = "", info = ""] = text.split("\n");
  assert.equal(tag, "BCD");
  assert.equal(version, "002");
  assert.equal(charset, "1", "UTF-8");
  assert.equal(id, "SCT");
  assert.equal(bic, invoice.payment.bic ?? "");
  assert.equal(name, invoice.payee?.name ?? invoice.seller.name);
  assert.equal(iban, invoice.payment.iban);
  assert.equal(amount, `EUR${invoice.totals.payable}`);
  assert.equal(purpose, "");
  assert.equal(structured, "");
  assert.equal(unstructured, invoice.payment.reference ?? invoice.number);
  assert.equal(info, "");
  assert.ok(new TextEncoder().encode(text).length <= 331);
}

/** Writes an invoice in another currency and seals it; returns the link. */
async function sendInCurrency(page, currency, number) {
  await newForm(page);
  await fill(page, { "#inv-number": number, "#inv-currency": currency, "#buyer-name": CLIENT.name, "#buyer-street": CLIENT.street,
    "#buyer-postcode": CLIENT.postcode, "#buyer-city": CLIENT.city, "#buyer-country": CLIENT.country, "#buyer-vat": CLIENT.vat,
    "#buyer-email": CLIENT.email, "#inv-buyer-ref": "PO-7781" });
  const row = page.locator("#lines fieldset.line").nth(0);
  await row.locator('[data-line-field="name"]').fill(LINES[0].name);
  await row.locator('[data-line-field="netPrice"]').fill(LINES[0].price);
  await page.waitForFunction((c) => document.getElementById("live-total").textContent.includes(c), currency, WAIT);
  await page.click("#seal-button");
  await page.waitForSelector("#sent-link:not([hidden])", WAIT);
  return page.inputValue("#link-url");
}

describe("the GiroCode under an opened invoice", { timeout: 300_000 }, () => {
  let client, link;
  before(async () => {
    await start(env);
    const card = await setUp(env.page);
    env.relay.addSender(card);
    await env.page.click("#created-continue");
    await env.page.waitForSelector("#compose:not([hidden])", WAIT);
    link = await sendInvoice({ number: "2026-0101" });
    client = await context(env.browser);
  });
  after(() => stop(env));

  it("a new sender: no GiroCode, a hint; once the client confirms the sender, the code holds what was signed", async () => {
    const p = await openAsClient(link, { ctx: client });
    assert.equal(await p.getAttribute("#trust", "data-state"), "new");
    assert.equal(await giroState(p), "withheld");
    assert.equal(await p.locator('[data-test="girocode"]').count(), 0);
    assert.match(await p.textContent('[data-test="girocode-slot"]'), /once you have compared this sender's fingerprint/);
    await p.click('[data-test="confirm-sender"]');
    await p.waitForSelector('[data-test="girocode"] svg', WAIT);
    await shot(p, "girocode-01-confirmed");
    const invoice = await signed(link);
    assert.equal(invoice.payment.iban, BUSINESS.iban);
    assertEpc(await decodeGiroCode(p), invoice);
    // What the caption says is what the code holds.
    assert.match(await p.textContent('[data-test="girocode"] figcaption'), new RegExp(`${eur(invoice.totals.payable)} to ${BUSINESS.name}`));
    assert.deepEqual(client.errors, []);
  });

  it("a confirmed sender's next invoice shows the code at once", async () => {
    const next = await sendInvoice({ number: "2026-0102" });
    const p = await openAsClient(next, { ctx: client });
    assert.equal(await p.getAttribute("#trust", "data-state"), "confirmed");
    assert.equal(await giroState(p), "shown");
    assertEpc(await decodeGiroCode(p), await signed(next));
  });

  it("a sender seen before but never confirmed gets the code from the second invoice on", async () => {
    const other = await context(env.browser);
    const first = await openAsClient(link, { ctx: other });
    assert.equal(await first.getAttribute("#trust", "data-state"), "new");
    assert.equal(await giroState(first), "withheld");
    const again = await openAsClient(link, { ctx: other });
    assert.equal(await again.getAttribute("#trust", "data-state"), "seen");
    assert.equal(await giroState(again), "shown");
    assertEpc(await decodeGiroCode(again), await signed(link));
    await other.close();
  });

  it("no GiroCode for an invoice in another currency than euro", async () => {
    const chf = await sendInCurrency(env.page, "CHF", "2026-0103");
    const p = await openAsClient(chf, { ctx: client });
    assert.equal(await p.getAttribute("#trust", "data-state"), "confirmed");
    assert.equal(await giroState(p), "none");
    assert.equal(await p.locator('[data-test="girocode"]').count(), 0);
    assert.equal((await signed(chf)).currency, "CHF");
  });

  it("no GiroCode for a flagged invoice, even from a confirmed sender", async () => {
    // A second business, in Germany, asks to be paid into a Dutch account: flagged FOREIGN_IBAN.
    const ctx = await context(env.browser);
    const page = await ctx.newPage();
    const card = await setUp(page, { name: "Nordlicht Werkstatt GmbH", iban: "NL91ABNA0417164300" });
    env.relay.addSender(card);
    await page.click("#created-continue");
    const url = await sendInvoice({ from: page, number: "2026-0201" });
    const first = await openAsClient(url, { ctx: client });
    await first.click('[data-test="confirm-sender"]');
    const p = await openAsClient(url, { ctx: client });
    assert.equal(await p.getAttribute("#trust", "data-state"), "confirmed");
    assert.equal(await p.locator('[data-warning="FOREIGN_IBAN"]').count(), 1);
    assert.equal(await giroState(p), "withheld");
    assert.equal(await p.locator('[data-test="girocode"]').count(), 0);
    await ctx.close();
  });

  it("the module names why an invoice carries no GiroCode: another currency, no SEPA transfer, a credit note", async () => {
    const dir = join(ROOT, "invoice/tests/invoices/valid");
    const files = readdirSync(dir).filter((f) => f.endsWith(".xml")).map((f) => [f, [...readFileSync(join(dir, f))]]);
    const p = await client.newPage();
    await p.goto(`${env.relay.origin}/`);
    const reasons = await p.evaluate(async (list) => {
      const { readUbl } = await import("/ubl.js");
      const { giroPayment } = await import("/girocode.js");
      const out = {};
      for (const [name, bytes] of list) out[name] = String(giroPayment(readUbl(new Uint8Array(bytes))).reason ?? "ok");
      const standard = readUbl(new Uint8Array(list.find(([n]) => n === "standard.xml")[1]));
      const variant = (change) => String(giroPayment(change(structuredClone(standard))).reason ?? "ok");
      out["a Brazilian account"] = variant((i) => Object.assign(i, { payment: { ...i.payment, iban: "BR1800360305000010009795493C1" } }));
      out["a cheque"] = variant((i) => Object.assign(i, { payment: { ...i.payment, meansCode: "20" } }));
      out["a card payment"] = variant((i) => Object.assign(i, { payment: { meansCode: "48", card: { number: "123456****1234" } } }));
      out["a direct debit"] = variant((i) => Object.assign(i, { payment: { meansCode: "59", directDebit: { mandateReference: "M1" } } }));
      out["a wrong IBAN check"] = variant((i) => Object.assign(i, { payment: { ...i.payment, iban: "DE02120300000000202052" } }));
      out["a payee"] = giroPayment(Object.assign(structuredClone(standard), { payee: { name: "Factor Bank AG" } })).name;
      out["an RF reference"] = giroPayment(Object.assign(structuredClone(standard), { payment: { ...standard.payment, reference: "RF18 5390 0754 7034" } })).text;
      return out;
    }, files);
    assert.equal(reasons["standard.xml"], "ok");
    assert.equal(reasons["foreign-currency.xml"], "the invoice is not in euro");
    assert.equal(reasons["credit-note.xml"], "it is a credit note");
    assert.equal(reasons["a Brazilian account"], "the account is outside the SEPA area");
    assert.equal(reasons["a cheque"], "the invoice asks for no SEPA credit transfer");
    assert.equal(reasons["a card payment"], "the invoice asks for no SEPA credit transfer");
    assert.equal(reasons["a direct debit"], "the invoice asks for no SEPA credit transfer");
    assert.equal(reasons["a wrong IBAN check"], "the IBAN is not valid");
    assert.equal(reasons["a payee"], "Factor Bank AG");
    // A creditor reference goes in the structured field, and the unstructured one stays empty.
    assert.match(reasons["an RF reference"], /\nEUR[\d.]+\n\nRF18539007547034$/);
  });
});
