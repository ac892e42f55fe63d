// The page in a second engine: headless Firefox (Debian's firefox-esr, over its own Marionette
// protocol, marionette.mjs) against the real relay binary. The business sets up, is registered
// as a sender and seals an invoice in Firefox, with the same steps as the Chromium tests (the
// shared flows in flows.mjs drive Firefox through a thin stand-in for Playwright's Page); a
// client opens the link in a fresh Firefox profile, and a tampered envelope is refused; a link
// sealed in Chromium opens in Firefox, and one sealed in Firefox opens in Chromium. Checks go by
// element ids, data attributes and invoice values, never by the page's wording. Each Firefox
// runs with a recording proxy: no request may try to leave the machine.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startRelay, launch, context, shot } from "./harness.mjs";
import { WAIT, BUSINESS, CLIENT, IBAN_SHOWN, PAYABLE, relayId, failure, flows } from "./flows.mjs";
import { launchFirefox } from "./marionette.mjs";

const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);
const firefoxes = [];

/** A headless Firefox with a fresh profile, closed (and its profile removed) after the suite. */
async function firefox() {
  const ff = await launchFirefox();
  firefoxes.push(ff);
  return ff;
}

/** Sets up a business on `p` and registers its card at the relay; returns its fingerprint. */
async function registeredBusiness(p) {
  const card = await setUp(p);
  const fingerprint = await p.textContent("#created-fingerprint");
  assert.match(fingerprint, /^(\d{5} ){7}\d{5}$/);
  env.relay.addSender(card);
  await p.click("#created-continue");
  await p.waitForSelector("#compose:not([hidden])", WAIT);
  return fingerprint;
}

/**
 * Opens a link in Firefox as a client: the page, "Open invoice", and the invoice or a failure.
 * (What flows.mjs `openAsClient` does in a Playwright context.) Nothing is fetched from the
 * API before the click.
 */
async function openInFirefox(ff, url) {
  const p = ff.page;
  await p.goto(url);
  await p.waitForSelector("#open:not([hidden])", WAIT);
  const early = await p.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
  assert.ok(!early.some((u) => u.includes("/api/")), `no API request before the click: ${early.join(" ")}`);
  // Errors the page leaves uncaught from here on (opening, verifying, showing), for assertVerified.
  await p.evaluate(() => {
    window.uncaught = [];
    addEventListener("error", (e) => window.uncaught.push(String(e.message)));
    addEventListener("unhandledrejection", (e) => window.uncaught.push(String(e.reason)));
  });
  await p.click("#open-button");
  await p.waitForFunction(() => !document.getElementById("invoice").hidden
    || document.getElementById("status").dataset.failure, null, WAIT);
  return p;
}

/** The verified invoice on `p`: its seller, amounts and account, and who signed it. */
async function assertVerified(p, fingerprint) {
  assert.equal(await failure(p), "");
  assert.equal(await p.isHidden("#invoice"), false);
  assert.match(await p.textContent('[data-test="seller"]'), new RegExp(BUSINESS.name));
  assert.equal(await p.textContent('[data-test="payable"]'), PAYABLE);
  assert.equal(await p.textContent('[data-test="iban"]'), IBAN_SHOWN);
  // The signature verified: the sender's name and the fingerprint of the key that signed it,
  // the very one the business saw at setup; a first sight, refused for nothing.
  assert.equal(await p.textContent('[data-test="sender-name"]'), BUSINESS.name);
  assert.equal(await p.textContent('[data-test="fingerprint"]'), fingerprint);
  assert.equal(await p.getAttribute("#trust", "data-state"), "new");
  assert.equal(await p.getAttribute("#trust", "data-refused"), "false");
  assert.equal(await p.isHidden("#invoice-content"), false);
  // The EN 16931 check of the signed original runs after it is shown, and finds nothing.
  await p.waitForFunction(() => document.getElementById("invoice").dataset.rulesChecked === "true", null, WAIT);
  assert.equal(await p.isHidden("#rule-warnings-box"), true);
  const buyer = await p.evaluate(() => document.getElementById("invoice").textContent);
  assert.ok(buyer.includes(CLIENT.name), "the client's name is on the invoice");
  assert.deepEqual(await p.evaluate(() => window.uncaught ?? []), []);
}

describe("the page in headless Firefox", { timeout: 240_000 }, () => {
  let business, link, fingerprint;

  before(async () => {
    env.relay = await startRelay();
    business = await firefox();
    env.page = business.page;
  });
  after(async () => {
    await Promise.all(firefoxes.map((ff) => ff.close()));
    await env.browser?.close();
    await env.relay?.stop();
  });

  it("the business sets up, is registered as a sender and seals an invoice in Firefox", async () => {
    fingerprint = await registeredBusiness(env.page);
    link = await sendInvoice();
    await shot(env.page, "firefox-01-link");
    assert.match(link, new RegExp(`^${env.relay.origin}/#[A-Za-z0-9_-]{22}\\.`));
    assert.match(await env.page.getAttribute("#link-mailto", "href"), /^mailto:ap%40beispiel\.example\?/);
    assert.deepEqual(business.outbound, []);
  });

  it("a client opens the link in a fresh Firefox profile; a tampered envelope is refused", async () => {
    assert.ok(link, "the invoice was sealed");
    const client = await firefox();
    const p = await openInFirefox(client, link);
    await shot(p, "firefox-02-client-invoice");
    await assertVerified(p, fingerprint);

    // Another invoice, one bit of its ciphertext flipped on the relay: refused, nothing shown.
    const url = await sendInvoice({ number: "2026-0002" });
    env.relay.tamper(relayId(url));
    await openInFirefox(client, url);
    assert.equal(await failure(p), "TAMPERED");
    assert.equal(await p.getAttribute("#status", "data-kind"), "error");
    assert.equal(await p.isHidden("#invoice"), true);
    await shot(p, "firefox-03-tampered");
    assert.deepEqual(client.outbound, []);
    assert.deepEqual(business.outbound, []);
  });

  it("across engines: a link sealed in Chromium opens in Firefox, and one sealed in Firefox in Chromium", async () => {
    env.browser = await launch();
    const ctx = await context(env.browser);
    const chromium = await ctx.newPage();
    const chromiumFingerprint = await registeredBusiness(chromium);
    const url = await sendInvoice({ from: chromium, number: "2026-0100" });
    assert.notEqual(chromiumFingerprint, fingerprint);

    const client = await firefox();
    const p = await openInFirefox(client, url);
    await assertVerified(p, chromiumFingerprint);
    assert.deepEqual(client.outbound, []);

    assert.ok(link, "the invoice was sealed in Firefox");
    const q = await openAsClient(link);
    await assertVerified(q, fingerprint);
    assert.deepEqual(ctx.errors, []);
  });
});
