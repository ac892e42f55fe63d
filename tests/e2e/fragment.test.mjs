// The link's fragment carries the secret: once the page has read it, it leaves the address bar
// and the tab's history (replaced, not pushed), before any request. Everything the link is needed
// for keeps working from memory: opening, a passphrase retry, and a new link pasted into the tab.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { context } from "./harness.mjs";
import { WAIT, PAYABLE, failure, flows, start, stop } from "./flows.mjs";

const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);
const secretOf = (url) => new URL(url).hash.slice(1).split(".")[1];

/** A fresh client context whose pages note `history.length` as each document starts. */
async function clientContext() {
  const ctx = await context(env.browser);
  await ctx.addInitScript(() => { window.historyAtStart = history.length; });
  return ctx;
}

/** Where the page is, as the page itself sees it. */
const address = (p) => p.evaluate(() => ({ href: location.href, hash: location.hash, length: history.length,
  atStart: window.historyAtStart, state: JSON.stringify(history.state) ?? "" }));

/** Asserts that the address holds no fragment and nothing of `secret`, and that no entry was added. */
async function forgotten(p, secret) {
  const now = await address(p);
  assert.equal(now.hash, "");
  assert.ok(!now.href.includes("#"), now.href);
  assert.ok(!now.href.includes(secret), now.href);
  assert.ok(!now.state.includes(secret));
  assert.ok(!p.url().includes(secret), p.url());
  assert.equal(now.length, now.atStart, "history.length did not grow");
  return now;
}

describe("the link's fragment leaves the address once read", { timeout: 240_000 }, () => {
  before(async () => {
    await start(env);
    env.relay.addSender(await setUp(env.page));
    await env.page.click("#created-continue");
    await env.page.waitForSelector("#compose:not([hidden])", WAIT);
  });
  after(() => stop(env));

  it("the secret is gone from the address before any request, and the invoice opens from memory", async () => {
    const link = await sendInvoice({ number: "2026-0301" });
    const secret = secretOf(link);
    const ctx = await clientContext();
    const p = await ctx.newPage();
    await p.goto(link);
    await p.waitForSelector("#open:not([hidden])", WAIT);
    assert.ok(!ctx.requests.some((u) => u.includes("/api/")), "no API request before the click");
    const before = await forgotten(p, secret);
    assert.equal(before.href, `${env.relay.origin}/`, "path and query are kept, the fragment is not");

    const opened = await openAsClient(link, { ctx: await clientContext() });
    assert.equal(await opened.getAttribute("#status", "data-failure"), "");
    assert.equal(await opened.textContent('[data-test="number"]'), "2026-0301");
    assert.equal(await opened.textContent('[data-test="payable"]'), PAYABLE);
    await forgotten(opened, secret);

    await p.click("#open-button");
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.textContent('[data-test="payable"]'), PAYABLE);
    await forgotten(p, secret);
    assert.ok(ctx.requests.every((u) => !u.includes(secret)), ctx.requests.join("\n"));
    assert.ok(!(await env.relay.log()).includes(secret));

    // Back leaves the page; forward comes back to the address without the link, and to no invoice.
    await p.goBack(WAIT);
    assert.ok(!p.url().includes(secret), p.url());
    await p.goForward(WAIT);
    await p.waitForFunction(() => document.body.dataset.ready === "true", null, WAIT);
    assert.ok(!p.url().includes(secret), p.url());
    assert.equal(await p.evaluate(() => location.hash), "");
    assert.equal(await p.isHidden("#invoice"), true);
    // A reload, too, is the page without the link: the business's side.
    await p.reload();
    await p.waitForSelector("#setup:not([hidden])", WAIT);
    assert.ok(!p.url().includes(secret), p.url());
    assert.deepEqual(ctx.errors, []);
  });

  it("a wrong passphrase can be retried after the fragment was removed", async () => {
    const link = await sendInvoice({ passphrase: "green kettle north", number: "2026-0302" });
    const ctx = await clientContext();
    const p = await openAsClient(link, { passphrase: "green kettle", ctx });
    assert.equal(await failure(p), "BAD_PASSPHRASE");
    await forgotten(p, secretOf(link));
    assert.equal(await p.isDisabled("#open-button"), false);
    await p.fill("#link-passphrase", "green kettle north");
    await p.click("#open-button");
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await failure(p), "");
    assert.equal(await p.textContent('[data-test="number"]'), "2026-0302");
    await forgotten(p, secretOf(link));
    assert.deepEqual(ctx.errors, []);
  });

  it("a new link pasted into the tab starts over, and leaves the address too", async () => {
    const first = await sendInvoice({ number: "2026-0303" });
    const second = await sendInvoice({ number: "2026-0304" });
    const ctx = await clientContext();
    const p = await openAsClient(first, { ctx });
    assert.equal(await p.textContent('[data-test="number"]'), "2026-0303");
    const starts = await p.evaluate(() => performance.timeOrigin);
    // Pasting a link into the address bar is a navigation to its fragment: hashchange, then a reload.
    await p.evaluate((url) => { location.href = url; }, second);
    await p.waitForFunction((t) => performance.timeOrigin !== t, starts, WAIT);
    await p.waitForSelector("#open:not([hidden])", WAIT);
    await p.waitForFunction(() => document.body.dataset.ready === "true", null, WAIT);
    assert.equal(await p.isHidden("#invoice"), true);
    await forgotten(p, secretOf(second));
    await p.click("#open-button");
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.textContent('[data-test="number"]'), "2026-0304");
    await forgotten(p, secretOf(second));
    assert.ok(!p.url().includes(secretOf(first)));
    assert.deepEqual(ctx.errors, []);
  });
});
