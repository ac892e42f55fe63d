// The archive outlives the relay, end to end in headless Chromium against the relay binary: a
// business sends several invoices, the relay deletes them (revoked, expired, swept), and the
// sent archive still opens each one from the copy on the device; the search narrows by number,
// client, issue date and amount; the ZIP for the accountant downloads, and Python's zipfile,
// Python's csv and the business's key (the wasm module in Node) check it.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, shot, downloaded, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, CLIENT, relayId, fill, newForm, flows, start, stop, eur } from "./flows.mjs";
import { initSync, open, openBackup } from "../../pkg/sealbill.js";
import { initSync as initInvoice, readInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const env = {};
const { setUp, openAsClient } = flows(env);
const CLIENT_PASSPHRASE = "copper meadow quiet falcon";
let relay, page, backupFile, fingerprint;

// Net, 19 % VAT and total of each invoice, as the form computes them.
const INVOICES = [
  { number: "2026-0101", client: "Beispiel AG", issued: "2026-01-15", price: "1000.00", net: "1000.00", tax: "190.00", total: "1190.00" },
  { number: "2026-0102", client: "Nordlicht GmbH", issued: "2026-03-10", price: "250.00", net: "250.00", tax: "47.50", total: "297.50" },
  { number: "2026-0103", client: "Beispiel AG", issued: "2026-06-01", price: "2400.00", net: "2400.00", tax: "456.00", total: "2856.00",
    attachment: { name: "timesheet June.csv", mimeType: "text/csv", buffer: Buffer.from("day,hours\n2026-06-01,8\n") } },
  // A client name that a spreadsheet would run as a formula, with a comma and quotes.
  { number: "2026-0104", client: '=HYPERLINK("http://evil.example") Müller, "Kunst" KG', issued: "2026-06-20", price: "250.00",
    net: "250.00", tax: "47.50", total: "297.50" },
];

/** The invoice numbers a client's inbox lists, sorted. */
const inboxNumbers = (p) => p.$$eval("#inbox-rows tr[data-id]:not([hidden]) td:nth-child(2)", (cells) => cells.map((c) => c.textContent).sort());

/** Opens the inbox in a new page of `ctx`, unlocking the client's key. */
async function openInbox(ctx) {
  const p = await ctx.newPage();
  await p.goto(`${relay.origin}/#inbox`);
  await p.waitForSelector("#client-key:not([hidden])", WAIT);
  await p.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
  await p.click("#client-unlock-form button[type=submit]");
  await p.waitForSelector("#inbox:not([hidden])", WAIT);
  // The count is written once the rows are.
  await p.waitForFunction(() => (document.getElementById("inbox-count")?.textContent ?? "") !== "", null, WAIT);
  return p;
}

/** Writes one invoice of the list above in the form, seals and uploads it; returns the link. */
async function send(invoice) {
  await newForm(page);
  await fill(page, { "#inv-number": invoice.number, "#inv-issue": invoice.issued, "#buyer-name": invoice.client,
    "#buyer-street": CLIENT.street, "#buyer-postcode": CLIENT.postcode, "#buyer-city": CLIENT.city,
    "#buyer-country": CLIENT.country, "#buyer-vat": CLIENT.vat, "#buyer-email": CLIENT.email, "#inv-buyer-ref": "PO-1" });
  const line = page.locator("#lines fieldset.line").first();
  await line.locator('[data-line-field="name"]').fill("Design work");
  await line.locator('[data-line-field="quantity"]').fill("1");
  await line.locator('[data-line-field="netPrice"]').fill(invoice.price);
  await line.locator('[data-line-field="vatChoice"]').selectOption("S19");
  if (invoice.attachment) await page.setInputFiles("#inv-attachments", invoice.attachment);
  await page.waitForFunction((t) => document.getElementById("live-total").textContent === t, eur(invoice.total), WAIT);
  await page.click("#seal-button");
  await page.waitForSelector("#sent-link:not([hidden])", WAIT);
  return page.inputValue("#link-url");
}

async function showSent() {
  await page.click("#nav-sent");
  await page.waitForSelector("#sent:not([hidden])", WAIT);
  await page.waitForFunction((n) => document.querySelectorAll("#sent-rows tr[data-id]").length === n
    && (document.getElementById("sent-count")?.textContent ?? "") !== "", INVOICES.length, WAIT);
}

/** The invoice numbers the sent list shows, in its order. */
const listed = () => page.$$eval("#sent-rows tr[data-id]:not([hidden]) td:first-child", (cells) => cells.map((c) => c.textContent));

/** Fills the search form (unnamed fields emptied) and returns the numbers listed, sorted. */
async function search(fields) {
  const all = { number: "", name: "", from: "", to: "", min: "", max: "" };
  for (const [name, value] of Object.entries({ ...all, ...fields })) await page.fill(`#sent-search-${name}`, value);
  return (await listed()).sort();
}

/** Exports the invoices listed; returns the path of the downloaded ZIP. */
async function exportListed() {
  const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#sent-export")]);
  assert.match(download.suggestedFilename(), /^sealbill-invoices-\d{4}-\d{2}-\d{2}\.zip$/);
  const path = join(mkdtempSync(join(tmpdir(), "sealbill-export-")), "export.zip");
  writeFileSync(path, await downloaded(download));
  return path;
}

/**
 * Python's zipfile on the archive: testzip(), every entry and its bytes, and index.csv read by
 * Python's csv; `unzip -t` checks it too.
 */
function readExport(path) {
  assert.match(execFileSync("unzip", ["-t", path], { encoding: "utf8" }), /No errors detected/);
  return JSON.parse(execFileSync("python3", ["-c", [
    "import csv, io, json, sys, zipfile",
    "z = zipfile.ZipFile(sys.argv[1])",
    "files = {i.filename: z.read(i).hex() for i in z.infolist()}",
    "rows = list(csv.reader(io.StringIO(z.read('index.csv').decode('utf-8-sig'), newline='')))",
    "print(json.dumps({'bad': z.testzip(), 'stored': all(i.compress_type == 0 for i in z.infolist()),",
    "  'files': files, 'rows': rows}))"].join("\n"), path], { encoding: "utf8", maxBuffer: 64 << 20 }));
}

describe("the archive outlives the relay", { timeout: 300_000 }, () => {
  const links = [];
  before(async () => {
    ({ relay, page } = await start(env));
    relay.addSender(await setUp(page));
    const [backup] = await Promise.all([page.waitForEvent("download"), page.click("#backup-download a")]);
    backupFile = await downloaded(backup);
    fingerprint = await page.textContent("#created-fingerprint");
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
    for (const invoice of INVOICES) links.push(await send(invoice));
  });
  after(() => stop(env));

  it("every sent invoice opens from the device after the relay deleted it", async () => {
    await showSent();
    // The first is revoked through the page, the second expires, the relay sweeps the others.
    page.once("dialog", (d) => d.accept());
    await page.locator(`#sent-rows tr[data-id="${relayId(links[0])}"] button`, { hasText: "Revoke" }).click();
    await page.waitForFunction((id) => document.querySelector(`#sent-rows tr[data-id="${id}"] [data-test="status"]`)
      .textContent === "revoked", relayId(links[0]), WAIT);
    relay.sql("UPDATE envelopes SET expires_at = 1 WHERE id = ?", relayId(links[1]));
    for (const link of links.slice(2)) relay.sql("DELETE FROM envelopes WHERE id = ?", relayId(link));
    for (const link of links) {
      const response = await fetch(`${relay.origin}/api/v1/envelopes/${relayId(link)}`);
      assert.ok([404, 410].includes(response.status), `${relayId(link)}: ${response.status}`);
    }

    await page.reload();
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-form button[type=submit]");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
    await showSent();
    assert.equal(await page.textContent("#sent-count"), "4 invoices.");
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    for (const [i, invoice] of INVOICES.entries()) {
      const row = page.locator(`#sent-rows tr[data-id="${relayId(links[i])}"]`);
      assert.match(await row.locator('[data-test="status"]').textContent(), i === 0 ? /^revoked$/ : /^expired$/);
      await row.locator("button", { hasText: "View" }).click();
      await page.waitForSelector("#invoice:not([hidden])", WAIT);
      assert.equal(await page.textContent('[data-test="number"]'), invoice.number);
      assert.equal(await page.textContent('[data-test="payable"]'), eur(invoice.total));
      assert.match(await page.textContent('[data-test="buyer"]'), /Beispiel AG|Nordlicht GmbH|Kunst/);
      if (i === 0) await shot(page, "a01-archived-invoice");
      await page.click("#nav-sent");
      await page.waitForSelector("#sent:not([hidden])", WAIT);
    }
    // Opening went to no envelope on the relay: the copies on the device sufficed.
    assert.ok(!requests.some((u) => /\/api\/v1\/envelopes\/[^/]+$/.test(u)), requests.join("\n"));
    assert.deepEqual(env.business.errors, []);
  });

  it("the search narrows by number, client, issue date and amount", async () => {
    await showSent();
    assert.deepEqual(await search({ number: "0102" }), ["2026-0102"]);
    assert.deepEqual(await search({ name: "beispiel" }), ["2026-0101", "2026-0103"]);
    assert.deepEqual(await search({ name: "müller, \"KUNST\"" }), ["2026-0104"]);
    assert.deepEqual(await search({ from: "2026-03-01", to: "2026-06-10" }), ["2026-0102", "2026-0103"]);
    assert.deepEqual(await search({ from: "2026-06-01" }), ["2026-0103", "2026-0104"]);
    assert.deepEqual(await search({ min: "297.50", max: "297,5" }), ["2026-0102", "2026-0104"]);
    assert.deepEqual(await search({ min: "1000" }), ["2026-0101", "2026-0103"]);
    assert.deepEqual(await search({ max: "1190.00" }), ["2026-0101", "2026-0102", "2026-0104"]);
    assert.deepEqual(await search({ name: "Beispiel", min: "2000" }), ["2026-0103"]);
    assert.deepEqual(await search({ number: "2025" }), []);
    assert.equal(await page.textContent("#sent-count"), "0 of 4 invoices match the search.");
    assert.equal(await page.isDisabled("#sent-export"), true);
    await search({ min: "twelve" });
    assert.equal(await page.getAttribute("#status", "data-kind"), "error");
    assert.match(await page.textContent("#status"), /Write an amount as digits/);
    assert.equal(await page.getAttribute("#sent-search-min", "aria-invalid"), "true");
    await page.click("#sent-search button[type=reset]");
    await page.waitForFunction(() => (document.getElementById("sent-count")?.textContent ?? "") === "4 invoices.", null, WAIT);
    assert.equal((await listed()).length, 4);
    await search({ name: "beispiel" });
    await shot(page, "a02-archive-search");
  });

  it("the ZIP for the accountant holds the signed originals, verified, and a CSV index", async () => {
    // The search result: the two invoices to Beispiel AG.
    assert.deepEqual(await search({ name: "beispiel" }), ["2026-0101", "2026-0103"]);
    const partial = readExport(await exportListed());
    assert.deepEqual(partial.rows.slice(1).map((r) => r[0]).sort(), ["2026-0101", "2026-0103"]);
    assert.equal(await page.getAttribute("#status", "data-kind"), "ok");

    // Everything.
    await search({});
    const { bad, stored, files, rows } = readExport(await exportListed());
    assert.equal(bad, null, "testzip() finds no bad CRC");
    assert.ok(stored, "every entry is stored, not compressed");
    const [header, ...records] = rows;
    assert.deepEqual(header, ["Number", "Issue date", "Client", "Seller", "Currency", "Net", "VAT", "Total", "Amount due",
      "Due date", "Relay id", "Sender fingerprint", "Envelope file", "Invoice file", "Attachment files"]);
    assert.equal(records.length, INVOICES.length);
    const identity = openBackup(backupFile, PASSPHRASE).identity;
    const bytes = (name) => {
      assert.ok(name in files, `${name} is in the ZIP: ${Object.keys(files).join(", ")}`);
      return Buffer.from(files[name], "hex");
    };
    const named = [];
    for (const [i, invoice] of INVOICES.entries()) {
      const row = records.find((r) => r[0] === invoice.number);
      assert.ok(row, invoice.number);
      const [number, issued, client, seller, currency, net, tax, total, due, dueDate, id, sender, envelopeFile, invoiceFile, attachments] = row;
      // A formula-like cell gets a leading apostrophe (a name starting with "=", or a random
      // relay id starting with "-"); everything else is as signed.
      const guarded = (text) => /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
      const relay = relayId(links[i]);
      assert.deepEqual([number, issued, client, seller, currency, net, tax, total, due, id, sender],
        [invoice.number, invoice.issued, guarded(invoice.client), BUSINESS.name, "EUR", invoice.net, invoice.tax, invoice.total,
          invoice.total, guarded(relay), fingerprint]);
      assert.match(dueDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(envelopeFile, `${invoice.number}_${relay}.age`);
      assert.equal(invoiceFile, `${invoice.number}_${relay}/invoice-${invoice.number}.xml`);
      assert.equal(attachments, invoice.attachment ? `${invoice.number}_${relay}/${invoice.attachment.name}` : "");
      // The .age file is the signed envelope: it opens with the business's key, signed by it,
      // and holds exactly the invoice and attachments the ZIP lists.
      const opened = open(identity, bytes(envelopeFile), { expectSender: fingerprint });
      assert.deepEqual(Buffer.from(opened.documents[0].data), bytes(invoiceFile));
      if (invoice.attachment) {
        assert.deepEqual(Buffer.from(opened.documents[1].data), invoice.attachment.buffer);
        assert.deepEqual(bytes(attachments), invoice.attachment.buffer);
      }
      assert.equal(opened.documents.length, invoice.attachment ? 2 : 1);
      // The CSV says what the signed invoice says.
      const read = readInvoice(bytes(invoiceFile)).invoice;
      assert.deepEqual([read.number, read.issueDate, read.buyer.name, read.totals.taxInclusive, read.totals.payable, read.dueDate],
        [invoice.number, invoice.issued, invoice.client, invoice.total, invoice.total, dueDate]);
      named.push(envelopeFile, invoiceFile, ...(invoice.attachment ? [attachments] : []));
    }
    identity.free();
    assert.deepEqual(Object.keys(files).sort(), [...named, "index.csv"].sort());
    // No link secret is in the export.
    const everything = Object.values(files).join("");
    for (const link of links) {
      const secret = Buffer.from(new URL(link).hash.slice(1).split(".")[1]).toString("hex");
      assert.ok(!everything.includes(secret));
    }
    assert.deepEqual(env.business.errors, []);
  });

  it("a client that keeps what it opens reopens it after the relay deleted it; one that does not, keeps nothing", async () => {
    const kept = { number: "2026-0105", client: "Beispiel AG", issued: "2026-07-01", price: "100.00", total: "119.00" };
    const keptLink = await send(kept);
    const client = await context(env.browser);
    const p = await openAsClient(keptLink, { ctx: client });
    assert.equal(await p.isHidden("#keep-box"), true, "without a key on the device, nothing is offered to keep");
    await p.click("#connect-button");
    await p.waitForSelector("#client-key:not([hidden])", WAIT);
    await fill(p, { "#client-name": "Beispiel AG", "#client-passphrase": CLIENT_PASSPHRASE, "#client-passphrase2": CLIENT_PASSPHRASE });
    await p.click("#client-create-form button[type=submit]");
    await p.waitForSelector('[data-test="client-fingerprint"]', WAIT);
    // Connecting shows the choice, checked: the invoices this device opens are kept.
    await p.waitForSelector("#keep-box:not([hidden])", WAIT);
    assert.equal(await p.isChecked("#keep-choice"), true);
    await shot(p, "a03-client-keep-choice");

    relay.sql("DELETE FROM envelopes WHERE id = ?", relayId(keptLink));
    assert.equal((await fetch(`${relay.origin}/api/v1/envelopes/${relayId(keptLink)}`)).status, 404);
    let inbox = await openInbox(client);
    assert.deepEqual(await inboxNumbers(inbox), [kept.number]);
    assert.equal(await inbox.isChecked("#inbox-keep"), true);
    const requests = [];
    inbox.on("request", (r) => requests.push(r.url()));
    await inbox.locator("#inbox-rows tr[data-id] button", { hasText: "Open" }).click();
    await inbox.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await inbox.textContent('[data-test="number"]'), kept.number);
    assert.equal(await inbox.textContent('[data-test="payable"]'), eur(kept.total));
    assert.ok(!requests.some((u) => u.includes("/api/")), requests.join("\n"));

    // The client says no, in the inbox; the choice is remembered on this device.
    inbox = await openInbox(client);
    await inbox.uncheck("#inbox-keep");
    await inbox.waitForFunction(() => /no longer kept/.test(document.getElementById("status").textContent), null, WAIT);
    inbox = await openInbox(client);
    assert.equal(await inbox.isChecked("#inbox-keep"), false);

    // The next invoice opens, and is not kept, until the client checks the box under it.
    const later = { number: "2026-0106", client: "Beispiel AG", issued: "2026-07-15", price: "200.00", total: "238.00" };
    const laterLink = await send(later);
    const q = await openAsClient(laterLink, { ctx: client, unlock: CLIENT_PASSPHRASE });
    await q.waitForSelector("#keep-box:not([hidden])", WAIT);
    assert.equal(await q.isChecked("#keep-choice"), false);
    inbox = await openInbox(client);
    assert.deepEqual(await inboxNumbers(inbox), [kept.number]);
    await q.check("#keep-choice");
    await q.waitForFunction(() => /are kept on this device/.test(document.getElementById("status").textContent), null, WAIT);
    relay.sql("DELETE FROM envelopes WHERE id = ?", relayId(laterLink));
    inbox = await openInbox(client);
    assert.deepEqual(await inboxNumbers(inbox), [kept.number, later.number]);
    assert.equal(await inbox.isChecked("#inbox-keep"), true);
    // A link opened from the inbox's copy needs its secret, kept sealed to the client's key.
    await inbox.locator(`#inbox-rows tr[data-id="${relayId(laterLink)}"] button`, { hasText: "Open" }).click();
    await inbox.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await inbox.textContent('[data-test="number"]'), later.number);

    // The inbox's search and export work on the same index.
    inbox = await openInbox(client);
    await inbox.fill("#inbox-search-number", "0106");
    assert.deepEqual(await inboxNumbers(inbox), [later.number]);
    assert.equal(await inbox.textContent("#inbox-count"), "1 of 2 invoices match the search.");
    await inbox.fill("#inbox-search-number", "");
    await inbox.fill("#inbox-search-name", "muster");
    await inbox.fill("#inbox-search-min", "119");
    await inbox.fill("#inbox-search-max", "119.00");
    assert.deepEqual(await inboxNumbers(inbox), [kept.number]);
    await inbox.click("#inbox-search button[type=reset]");
    await inbox.waitForFunction(() => (document.getElementById("inbox-count")?.textContent ?? "") === "2 invoices.", null, WAIT);
    const [download] = await Promise.all([inbox.waitForEvent("download", WAIT), inbox.click("#inbox-export")]);
    const path = join(mkdtempSync(join(tmpdir(), "sealbill-inbox-")), "inbox.zip");
    writeFileSync(path, await downloaded(download));
    const { bad, rows } = readExport(path);
    assert.equal(bad, null);
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[3], r[8], r[11]]).sort(),
      [[kept.number, BUSINESS.name, kept.total, fingerprint], [later.number, BUSINESS.name, later.total, fingerprint]]);
    assert.deepEqual(client.errors, []);
  });
});
