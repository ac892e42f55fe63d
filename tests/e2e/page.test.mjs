// The page, end to end, in headless Chromium against the real relay binary: a business sets up,
// writes, seals and uploads an invoice; a client opens the link in a fresh browser; every
// failure shows its own message. Screenshots of each screen go to tests/e2e/output/.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { context, shot, downloaded, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, IBAN_SHOWN, CLIENT, PAYABLE, relayId, fill, newForm, failure, flows, start, stop, eur } from "./flows.mjs";
import { initSync, Link, openLink } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

let relay, browser, business, page, trustingClient;
const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);

describe("the page in headless Chromium", { timeout: 240_000 }, () => {
  before(async () => {
    ({ relay, browser, business, page } = await start(env));
  });
  after(() => stop(env));

  it("first visit: creates the identity, shows the fingerprint and offers a backup", async () => {
    const card = await setUp(page, { screenshot: "01-setup" });
    await shot(page, "02-created");
    assert.match(await page.textContent("#created-fingerprint"), /^(\d{5} ){7}\d{5}$/);
    const [backup] = await Promise.all([page.waitForEvent("download"), page.click("#backup-download a")]);
    const text = (await downloaded(backup)).toString();
    assert.ok(!text.includes(PASSPHRASE) && text.length > 100, "the backup is a locked file");
    // Nothing readable about the keys is left in localStorage or sessionStorage.
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    relay.addSender(card);
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });

  it("the form shows EN 16931 problems and live totals", async () => {
    await newForm(page);
    await page.locator('#lines [data-line-field="name"]').fill("Consulting");
    await page.locator('#lines [data-line-field="netPrice"]').fill("95.00");
    await page.fill("#inv-due", "");
    await page.fill("#inv-terms", "");
    await page.waitForSelector('#problems li[data-rule="BR-CO-25"]', WAIT).catch(async (e) => {
      throw new Error(`${e.message}\nproblems: ${await page.textContent("#problems")}`);
    });
    assert.equal(await page.isDisabled("#seal-button"), true);
    // The totals stay in sight beside the problems: 95.00 + 19 % = 113.05.
    assert.equal(await page.textContent("#live-total"), eur("113.05"));
    await shot(page, "03-form-problems");
  });

  let link;
  it("main round trip: seal, open in a fresh browser, the original is byte-identical", async () => {
    link = await sendInvoice();
    await shot(page, "04-link");
    assert.match(link, new RegExp(`^${relay.origin}/#[A-Za-z0-9_-]{22}\\.`));
    assert.match(await page.getAttribute("#link-mailto", "href"), /^mailto:ap%40beispiel\.example\?subject=Invoice/);

    const client = await context(browser);
    const p = await client.newPage();
    await p.goto(link);
    await p.waitForSelector("#open:not([hidden])", WAIT);
    await shot(p, "05-client-open");
    // Click to open: nothing was fetched from the API before the click.
    assert.ok(!client.requests.some((u) => u.includes("/api/")), "no API request before the click");
    await p.click("#open-button");
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    await shot(p, "06-client-invoice");
    assert.match(await p.textContent('[data-test="seller"]'), new RegExp(BUSINESS.name));
    assert.equal(await p.textContent('[data-test="payable"]'), PAYABLE);
    assert.equal(await p.textContent('[data-test="iban"]'), IBAN_SHOWN);
    assert.equal(await p.textContent('[data-test="sender-name"]'), BUSINESS.name);
    assert.equal(await p.getAttribute("#trust", "data-state"), "new");
    // The EN 16931 check runs after the invoice is shown, and finds nothing.
    await p.waitForFunction(() => document.getElementById("invoice").dataset.rulesChecked === "true", null, WAIT);
    assert.equal(await p.isHidden("#rule-warnings-box"), true);

    const [download] = await Promise.all([p.waitForEvent("download"), p.click("#documents a >> nth=0")]);
    const original = await downloaded(download);
    // What was signed: the first document of the envelope on the relay, opened here with the link.
    const envelope = new Uint8Array(await (await fetch(`${relay.origin}/api/v1/envelopes/${relayId(link)}`)).arrayBuffer());
    const opened = openLink(Link.parse(link), envelope);
    assert.deepEqual(new Uint8Array(original), opened.documents[0].data);
    assert.equal(opened.sender.name, BUSINESS.name);
    const read = readInvoice(original);
    assert.ok(read.valid, JSON.stringify(read.problems));
    assert.equal(read.invoice.totals.payable, "2275.88");
    assert.equal(read.invoice.payment.iban, BUSINESS.iban);
    assert.equal(read.invoice.buyer.name, CLIENT.name);

    // No third-party request, and the fragment never went anywhere.
    const secret = new URL(link).hash.slice(1).split(".")[1];
    assert.ok(client.requests.every((u) => u.startsWith(relay.origin) || u.startsWith("blob:")), client.requests.join("\n"));
    assert.ok(client.requests.every((u) => !u.includes(secret)));
    assert.ok(!(await relay.log()).includes(secret));
    assert.deepEqual(client.errors, []);

    // Trusting the sender turns the state to known on the next visit.
    await p.click("#trust button");
    const again = await openAsClient(link, { ctx: client });
    assert.equal(await again.getAttribute("#trust", "data-state"), "confirmed");
    assert.equal(await again.getAttribute("#status", "data-kind"), "ok");
    trustingClient = client;
  });

  it("both crypto builds (simd128 and compat) seal and open the same envelopes in Chromium", async () => {
    const ctx = await context(browser);
    const p = await ctx.newPage();
    // A same-origin page that runs no app code, so each build gets a fresh instance of the glue.
    await p.goto(`${relay.origin}/pkg/package.json`);
    const result = await p.evaluate(async () => {
      const builds = {};
      for (const wasm of ["sealbill_bg.wasm", "sealbill_compat_bg.wasm"]) {
        const m = await import(`/pkg/sealbill.js?${wasm}`);
        await m.default({ module_or_path: `/pkg/${wasm}` });
        builds[wasm] = m;
      }
      const [simd, compat] = Object.values(builds);
      const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
      const doc = [{ name: "a.bin", mediaType: "application/octet-stream", data }];
      const out = [];
      for (const [from, to] of [[simd, compat], [compat, simd]]) {
        const sender = from.Identity.generate("A");
        const { envelope, link } = from.seal(sender, doc, { invoiceId: "1", link: true });
        const opened = to.openLink(to.Link.parse(link.url("https://x.example/", "AAAAAAAAAAAAAAAAAAAAAA")), envelope);
        out.push(opened.documents[0].data.every((b, i) => b === data[i]) && opened.documents[0].data.length === data.length);
      }
      return out;
    });
    assert.deepEqual(result, [true, true]);
    await ctx.close();
  });

  it("the sent list shows the invoice as opened, and opens the sender's own copy", async () => {
    await page.click("#nav-sent");
    const row = page.locator(`#sent-rows tr[data-id="${relayId(link)}"]`);
    await row.waitFor(WAIT);
    assert.equal(await row.locator('[data-test="status"]').textContent(), "opened");
    await shot(page, "07-sent");
    await row.locator("button", { hasText: "View" }).click();
    await page.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await page.textContent('[data-test="payable"]'), PAYABLE);
  });

  it("a passphrase link opens with the right passphrase only", async () => {
    const url = await sendInvoice({ passphrase: "blue fox jumps high", number: "2026-0002" });
    const client = await context(browser);
    const p = await openAsClient(url, { passphrase: "blue fox", ctx: client });
    assert.equal(await failure(p), "BAD_PASSPHRASE");
    await shot(p, "08-wrong-passphrase");
    await p.fill("#link-passphrase", "blue fox jumps high");
    await p.click("#open-button");
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.textContent('[data-test="payable"]'), PAYABLE);
    await client.close();
  });

  it("attachments are sealed with a progress bar and arrive intact", async () => {
    const attachment = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 31 + (i >> 12)) & 0xff;
    await newForm(page);
    await page.setInputFiles("#inv-attachments", { name: "timesheet.bin", mimeType: "application/octet-stream", buffer: attachment });
    // Record every progress text the page shows while sealing and uploading.
    await page.evaluate(() => {
      window.progressTexts = [];
      new MutationObserver(() => window.progressTexts.push(document.getElementById("seal-progress-text").textContent))
        .observe(document.getElementById("seal-progress-text"), { childList: true, characterData: true, subtree: true });
    });
    const url = await sendInvoice({ number: "2026-0007", keepForm: true });
    const texts = await page.evaluate(() => window.progressTexts);
    assert.ok(texts.some((t) => /^Sealing… \d+\s?%$/.test(t)), texts.join(" | "));
    assert.ok(texts.some((t) => /^Uploading…/.test(t)), texts.join(" | "));
    const p = await openAsClient(url);
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.locator("#documents a").count(), 2);
    const [download] = await Promise.all([p.waitForEvent("download"), p.click("#documents a >> nth=1")]);
    assert.equal(download.suggestedFilename(), "timesheet.bin");
    assert.ok((await downloaded(download)).equals(attachment));
  });

  it("a ciphertext tampered on the relay shows the tamper error", async () => {
    const url = await sendInvoice({ number: "2026-0003" });
    relay.tamper(relayId(url));
    const p = await openAsClient(url);
    assert.equal(await failure(p), "TAMPERED");
    assert.equal(await p.isHidden("#invoice"), true);
    await shot(p, "09-tampered");
  });

  it("an expired link says so, and the sent list shows it expired", async () => {
    const url = await sendInvoice({ number: "2026-0004" });
    relay.sql("UPDATE envelopes SET expires_at = 1 WHERE id = ?", relayId(url));
    const p = await openAsClient(url);
    assert.equal(await failure(p), "NOT_FOUND");
    await shot(p, "10-expired");
    await page.click("#nav-sent");
    const row = page.locator(`#sent-rows tr[data-id="${relayId(url)}"]`);
    await row.waitFor(WAIT);
    assert.equal(await row.locator('[data-test="status"]').textContent(), "expired");
  });

  it("a revoked link says so", async () => {
    const url = await sendInvoice({ number: "2026-0005" });
    await page.click("#nav-sent");
    const row = page.locator(`#sent-rows tr[data-id="${relayId(url)}"]`);
    await row.waitFor(WAIT);
    assert.equal(await row.locator('[data-test="status"]').textContent(), "active");
    page.once("dialog", (d) => d.accept());
    await row.locator("button", { hasText: "Revoke" }).click();
    await page.waitForFunction((id) => document.querySelector(`#sent-rows tr[data-id="${id}"] [data-test="status"]`)
      .textContent === "revoked", relayId(url), WAIT);
    const p = await openAsClient(url);
    assert.equal(await failure(p), "GONE");
    await shot(p, "11-revoked");
  });

  it("broken links and an unreachable relay get their own messages", async () => {
    const ctx = await context(browser);
    const p = await ctx.newPage();
    await p.goto(`${relay.origin}/#not-a-link`);
    await p.waitForFunction(() => document.getElementById("status").dataset.failure, null, WAIT);
    assert.equal(await failure(p), "BROKEN_LINK");
    await shot(p, "12-broken-link");
    // A link whose secret is not the envelope's: the right id, another link's secret.
    const other = await sendInvoice({ number: "2026-0006" });
    const wrong = `${relay.origin}/#${relayId(link)}.${new URL(other).hash.split(".")[1]}`;
    assert.equal(await failure(await openAsClient(wrong, { ctx })), "BROKEN_LINK");
    await ctx.route("**/api/v1/envelopes/*", (route) => route.abort("connectionrefused"));
    assert.equal(await failure(await openAsClient(link, { ctx })), "UNREACHABLE");
    await ctx.close();
  });

  it("a second key under a known sender's name is flagged, with its changed IBAN", async () => {
    // The client trusted the real business above; an impostor registers a key under the same
    // name and asks for payment to another account.
    const impostorCtx = await context(browser);
    const impostor = await impostorCtx.newPage();
    const card = await setUp(impostor, { iban: "DE89370400440532013000" });
    relay.addSender(card);
    await impostor.click("#created-continue");
    const url = await sendInvoice({ from: impostor, number: "2026-0042" });
    await impostorCtx.close();
    const p = await openAsClient(url, { ctx: trustingClient });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.getAttribute("#trust", "data-state"), "unexpected");
    assert.equal(await p.locator('[data-warning="UNEXPECTED_KEY"]').count(), 1, await p.innerHTML("#trust"));
    assert.equal(await p.locator('[data-warning="IBAN_CHANGED"]').count(), 1, await p.innerHTML("#trust"));
    // No reassuring green status next to an impostor.
    assert.notEqual(await p.getAttribute("#status", "data-kind"), "ok");
    await shot(p, "13-unexpected-key");
    await trustingClient.close();
  });

  it("a reload of the business page comes back locked, then unlocks", async () => {
    await page.reload();
    await page.waitForSelector("#unlock:not([hidden])", WAIT);
    await shot(page, "14-locked");
    assert.equal(await page.isHidden("#nav"), true);
    await page.fill("#unlock-passphrase", "not the passphrase");
    await page.click("#unlock-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Wrong passphrase"), null, WAIT);
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-form button[type=submit]");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
    assert.deepEqual(business.errors, []);
  });
});
