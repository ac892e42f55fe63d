// Full backups in headless Chromium: a business sends invoices and a client connects; each
// downloads a full backup; fresh browser contexts restore them, after which every archived
// invoice opens and the profile, the clients and the pins are back. Hostile files (a wrong
// passphrase, a flipped bit, a cut file, Argon2id parameters out of bounds, a huge declared
// entry) are refused in plain words, and IndexedDB stays empty. The command line restores the
// page's backup too.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, shot, downloaded, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, IBAN_SHOWN, relayId, fill, flows, start, stop } from "./flows.mjs";
import { initSync, Identity } from "../../pkg/sealbill.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });

const BACKUP_PASSPHRASE = "granite willow eleven comets";
const CLIENT_PASSPHRASE = "copper meadow quiet heron";
const CLIENT_NAME = "Beispiel AG";
const CLI = process.env.SEALBILL_BIN ?? join(ROOT, "target/debug/sealbill");
/** The Argon2id memory field of a backup: after the 19-byte magic (SPEC §5.6). */
const PARAMS_AT = 19;

const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);
let relay, browser, page;

/** Every store of the page's database and how many values it holds. */
const storeCounts = (p) => p.evaluate(() => new Promise((resolve, reject) => {
  const request = indexedDB.open("sealbill");
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const names = [...db.objectStoreNames];
    if (names.length === 0) return resolve({});
    const tx = db.transaction(names, "readonly");
    const counts = {};
    for (const name of names) tx.objectStore(name).count().onsuccess = (e) => { counts[name] = e.target.result; };
    tx.oncomplete = () => resolve(counts);
  };
}));

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Downloads the file behind the link that appears in `selector` after `act`. */
async function download(p, selector) {
  const [file] = await Promise.all([p.waitForEvent("download", WAIT), p.click(selector)]);
  return { name: file.suggestedFilename(), bytes: await downloaded(file) };
}

/** The business's setup page in a fresh context, with the restore form open. */
async function freshBusiness() {
  const ctx = await context(browser);
  const p = await ctx.newPage();
  await p.goto(`${relay.origin}/`);
  await p.waitForSelector("#setup:not([hidden])", WAIT);
  await p.click("#setup details summary");
  return { ctx, p };
}

/** Submits a backup file to the business restore form. */
async function restoreBusiness(p, bytes, passphrase) {
  await p.setInputFiles("#restore-file", { name: "backup.sbk", mimeType: "application/octet-stream", buffer: bytes });
  await p.fill("#restore-passphrase", passphrase);
  await p.click("#restore-form button[type=submit]");
}

/** Waits for an error in the status line and returns its text. */
async function refusal(p) {
  await p.waitForFunction(() => document.getElementById("status").dataset.kind === "error", null, WAIT);
  return p.textContent("#status");
}

/** Waits for the inbox and its rows (the screen shows before they are written). */
async function inboxShown(p) {
  await p.waitForSelector("#inbox:not([hidden])", WAIT);
  await p.waitForFunction(() => (document.getElementById("inbox-count")?.textContent ?? "") !== "", null, WAIT);
}

/** The rows of the Sent screen: relay id → number. */
async function sentRows(p) {
  await p.click("#nav-sent");
  await p.waitForSelector("#sent:not([hidden])", WAIT);
  await p.waitForFunction(() => document.querySelectorAll("#sent-rows tr").length > 0, null, WAIT);
  return p.$$eval("#sent-rows tr[data-id]", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.id, r.cells[0].textContent])));
}

describe("full backups: download, hostile files, restore in a fresh browser", { timeout: 300_000 }, () => {
  const links = [];
  let clientPage, clientFingerprint, businessBackup;
  before(async () => {
    ({ relay, browser, page } = await start(env));
    relay.addSender(await setUp(page));
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
    links.push(await sendInvoice({ number: "2026-0301" }));
    links.push(await sendInvoice({ number: "2026-0302", passphrase: "tulip anchor" }));
    // A client opens the first invoice and connects its own key: the business gets a contact,
    // the client a pin and an inbox entry.
    const client = await context(browser);
    clientPage = await openAsClient(links[0], { ctx: client });
    await clientPage.waitForSelector("#connect-box:not([hidden])", WAIT);
    await clientPage.click("#connect-button");
    await clientPage.waitForSelector("#client-key:not([hidden])", WAIT);
    await clientPage.fill("#client-name", CLIENT_NAME);
    await clientPage.fill("#client-passphrase", CLIENT_PASSPHRASE);
    await clientPage.fill("#client-passphrase2", CLIENT_PASSPHRASE);
    await clientPage.click("#client-create-form button[type=submit]");
    await clientPage.waitForSelector('[data-test="client-fingerprint"]', WAIT);
    clientFingerprint = await clientPage.textContent('[data-test="client-fingerprint"]');
    // The business unlocks again, which pins the client.
    await page.goto(`${relay.origin}/`);
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-form button[type=submit]");
    await page.waitForSelector('#contact-events[data-checked="true"]', { ...WAIT, state: "attached" });
  });
  after(() => stop(env));

  it("reminds the business, makes the backup, and the reminder goes", async () => {
    await page.waitForSelector("#backup-reminder:not([hidden])", WAIT);
    assert.match(await page.textContent("#backup-reminder"), /older than your newest invoice.*USB stick/);
    await page.click("#nav-backup");
    await page.waitForSelector("#backup:not([hidden])", WAIT);
    await page.fill("#backup-passphrase", BACKUP_PASSPHRASE);
    await page.fill("#backup-passphrase2", "not the same one at all");
    await page.click("#backup-form button[type=submit]");
    assert.equal(await refusal(page), "The two passphrases differ.");
    await page.fill("#backup-passphrase", BACKUP_PASSPHRASE);
    await page.fill("#backup-passphrase2", BACKUP_PASSPHRASE);
    await page.click("#backup-form button[type=submit]");
    const file = await download(page, "#backup-link a");
    assert.match(file.name, /^sealbill-business-backup-\d{4}-\d{2}-\d{2}\.sbk$/);
    businessBackup = file.bytes;
    assert.equal(businessBackup.subarray(0, 19).toString(), "sealbill/backup/v1\n");
    for (const secret of [BUSINESS.iban, BUSINESS.name, BACKUP_PASSPHRASE]) assert.ok(!businessBackup.includes(Buffer.from(secret)), secret);
    await page.waitForSelector("#backup-reminder[hidden]", { ...WAIT, state: "attached" });
    await shot(page, "b01-backup-made");
  });

  it("refuses a wrong passphrase, a flipped bit, a cut file and hostile parameters, writing nothing", async () => {
    const { ctx, p } = await freshBusiness();
    const flipped = Buffer.from(businessBackup);
    flipped[flipped.length >> 1] ^= 0x04;
    const huge = readFileSync(join(ROOT, "tests/vectors/sealbill/backup-huge-entry"));
    const hostile = Buffer.from(businessBackup);
    hostile.writeUInt32BE(4 << 20, PARAMS_AT);
    const cases = [
      [businessBackup, "wrong passphrase words", /^Wrong passphrase for this backup .*Nothing was restored\.$/],
      [flipped, BACKUP_PASSPHRASE, /^This backup file is damaged or was altered\. Nothing was restored\.$/],
      [businessBackup.subarray(0, 95), BACKUP_PASSPHRASE, /^This backup file is incomplete: it was cut short\. Nothing was restored\.$/],
      [businessBackup.subarray(0, businessBackup.length - 1000), BACKUP_PASSPHRASE, /damaged or was altered\. Nothing was restored/],
      [hostile, BACKUP_PASSPHRASE, /^This backup file asks for more than this page allows .*Argon2id.*Nothing was restored\.$/],
      [Buffer.from("sealbill/backup/v7\nwhatever"), BACKUP_PASSPHRASE, /^This is not a sealbill backup file/],
      // The test kit's backup whose envelope entry declares 25 MiB and one byte (SPEC §8).
      [huge.subarray(huge.indexOf("\n\n") + 2), "granite willow comets", /^This backup file asks for more than this page allows .*25 MiB.*Nothing was restored\.$/],
    ];
    for (const [bytes, passphrase, expected] of cases) {
      await p.evaluate(() => { document.getElementById("status").dataset.kind = ""; });
      await restoreBusiness(p, bytes, passphrase);
      assert.match(await refusal(p), expected);
      assert.equal(await p.isVisible("#setup"), true);
      assert.equal(total(await storeCounts(p)), 0, JSON.stringify(await storeCounts(p)));
    }
    await shot(p, "b02-restore-refused");
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("restores everything in a fresh browser: keys, profile, clients, and every invoice opens", async () => {
    const before = await sentRows(page);
    assert.equal(Object.keys(before).length, 2);
    const { ctx, p } = await freshBusiness();
    await restoreBusiness(p, businessBackup, BACKUP_PASSPHRASE);
    await p.waitForSelector("#compose:not([hidden])", WAIT);
    assert.match(await p.textContent("#whoami"), new RegExp(`^${BUSINESS.name} · (\\d{5} ){7}\\d{5}$`));
    assert.equal(await p.textContent("#whoami"), await page.textContent("#whoami"));
    // Every sent invoice is back and opens from the restored copy, without the relay.
    relay.sql("DELETE FROM envelopes");
    assert.deepEqual(await sentRows(p), before);
    for (const id of Object.keys(before)) {
      await p.locator(`#sent-rows tr[data-id="${id}"] button`, { hasText: "View" }).click();
      await p.waitForSelector("#invoice:not([hidden])", WAIT);
      assert.equal(await p.textContent('[data-test="number"]'), before[id]);
      assert.equal(await p.textContent('[data-test="iban"]'), IBAN_SHOWN);
      await sentRows(p);
    }
    // The connected client is back.
    await p.click("#nav-contacts");
    await p.waitForSelector("#contacts:not([hidden])", WAIT);
    assert.deepEqual(await p.$$eval("#contact-rows tr", (rows) => rows.map((r) => [r.dataset.fingerprint, r.dataset.status])),
      [[clientFingerprint, "connected"]]);
    // The profile is back: a new invoice carries its IBAN, and goes to the connected client.
    const link = await sendInvoice({ number: "2026-0303", from: p });
    assert.ok(relayId(link));
    await sentRows(p);
    await p.locator(`#sent-rows tr[data-id="${relayId(link)}"] button`, { hasText: "View" }).click();
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.textContent('[data-test="iban"]'), IBAN_SHOWN);
    // The restored keys unlock with the backup's passphrase after a reload.
    await p.reload();
    await p.fill("#unlock-passphrase", BACKUP_PASSPHRASE);
    await p.click("#unlock-form button[type=submit]");
    await p.waitForSelector("#compose:not([hidden])", WAIT);
    await shot(p, "b03-restored");
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("the command line restores the page's backup, and opens its envelopes", () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbill-page-backup-"));
    const file = join(dir, "page.sbk");
    writeFileSync(file, businessBackup);
    const cli = (...args) => execFileSync(CLI, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SEALBILL_PASSPHRASE: BACKUP_PASSPHRASE } });
    const listing = cli("backup", "inspect", file);
    assert.match(listing, new RegExp(`^identity: ${BUSINESS.name}$`, "m"));
    cli("backup", "restore", file, "-o", join(dir, "restored"));
    const envelopes = readdirSync(join(dir, "restored/envelopes"));
    assert.equal(envelopes.length, 2);
    for (const name of envelopes) {
      const out = cli("open", "-i", join(dir, "restored/identity.txt"), join(dir, "restored/envelopes", name), "-o", join(dir, `open-${name}`));
      assert.match(out, /^verified: invoice 2026-030[12] from /m);
    }
  });

  it("a key-only backup of an earlier version still restores, with the business details of the form", async () => {
    const old = Identity.generate("Alte Werkstatt KG");
    const text = old.exportBackup(BACKUP_PASSPHRASE, { memoryKib: 19456, iterations: 2 });
    const fingerprint = old.fingerprint();
    old.free();
    const { ctx, p } = await freshBusiness();
    await fill(p, { "#biz-name": "Alte Werkstatt KG", "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
      "#biz-city": BUSINESS.city, "#biz-country": BUSINESS.country, "#biz-vat": BUSINESS.vat, "#biz-email": BUSINESS.email,
      "#biz-iban": BUSINESS.iban, "#biz-bic": BUSINESS.bic });
    await p.setInputFiles("#restore-file", { name: "key.txt", mimeType: "text/plain", buffer: Buffer.from(text) });
    await p.fill("#restore-passphrase", BACKUP_PASSPHRASE);
    await p.click("#restore-form button[type=submit]");
    await p.waitForSelector("#compose:not([hidden])", WAIT);
    assert.equal(await p.textContent("#whoami"), `Alte Werkstatt KG · ${fingerprint}`);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  it("a client's backup brings back its key, its pins and its inbox", async () => {
    await clientPage.goto(`${relay.origin}/#inbox`);
    await clientPage.waitForSelector("#client-key:not([hidden])", WAIT);
    await clientPage.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
    await clientPage.click("#client-unlock-form button[type=submit]");
    await inboxShown(clientPage);
    const inboxOf = (p) => p.$$eval("#inbox-rows tr[data-id]", (rows) => rows.map((r) => r.dataset.id).sort());
    const pinsOf = (p) => p.$$eval("#business-rows tr", (rows) => rows.map((r) => r.dataset.fingerprint).sort());
    const inbox = await inboxOf(clientPage);
    const pins = await pinsOf(clientPage);
    assert.ok(inbox.length >= 1 && pins.length === 1, JSON.stringify({ inbox, pins }));
    await clientPage.fill("#inbox-backup-passphrase", BACKUP_PASSPHRASE);
    await clientPage.click("#inbox-backup-form button[type=submit]");
    const file = await download(clientPage, "#inbox-backup-link a");
    assert.match(file.name, /^sealbill-client-backup-/);

    const ctx = await context(browser);
    const p = await ctx.newPage();
    await p.goto(`${relay.origin}/#inbox`);
    await p.waitForSelector("#client-key:not([hidden])", WAIT);
    await p.click("#client-create summary");
    // The business's backup is refused here, with nothing written.
    await p.setInputFiles("#client-restore-file", { name: "b.sbk", mimeType: "application/octet-stream", buffer: businessBackup });
    await p.fill("#client-restore-passphrase", BACKUP_PASSPHRASE);
    await p.click("#client-restore-form button[type=submit]");
    assert.match(await refusal(p), /backup of a business.*Nothing was restored/);
    assert.equal(total(await storeCounts(p)), 0);
    await p.setInputFiles("#client-restore-file", { name: "c.sbk", mimeType: "application/octet-stream", buffer: file.bytes });
    await p.click("#client-restore-form button[type=submit]");
    await inboxShown(p);
    assert.deepEqual(await inboxOf(p), inbox);
    assert.deepEqual(await pinsOf(p), pins);
    relay.sql("DELETE FROM envelopes");
    for (const id of inbox) {
      await p.locator(`#inbox-rows tr[data-id="${id}"] button`, { hasText: "Open" }).click();
      await p.waitForSelector("#invoice:not([hidden])", WAIT);
      assert.equal(await p.textContent('[data-test="iban"]'), IBAN_SHOWN);
      await p.reload();
      await p.waitForSelector("#client-key:not([hidden])", WAIT);
      await p.fill("#client-unlock-passphrase", BACKUP_PASSPHRASE);
      await p.click("#client-unlock-form button[type=submit]");
      await inboxShown(p);
    }
    await shot(p, "b04-client-restored");
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });
});
