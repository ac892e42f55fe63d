// Repeat clients, end to end in headless Chromium against the real relay binary: a client
// connects its own key from an invoice (SPEC §5.5), later invoices are sealed to that key with
// links that carry no secret, and every fraud signal shows. The business, the client and an
// attacker who reads the client's mailbox each have their own browser context.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { context, shot, downloaded, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, IBAN_SHOWN, failure, flows, PAYABLE, relayId, start, stop } from "./flows.mjs";
import { initSync, Identity, Link, sealReply, openLink, openBackup } from "../../pkg/sealbill.js";
import { initSync as initInvoice, buildInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const CLIENT_PASSPHRASE = "copper meadow quiet ninety";
const CLIENT_NAME = "Beispiel AG";
const OTHER_IBAN = "DE89370400440532013000";

let relay, browser, business, page, client, backupFile, businessFingerprint;
const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);

/** The X25519 stanzas in an envelope's (text) header: one per recipient. */
function stanzas(envelope) {
  const header = new TextDecoder("latin1").decode(envelope.subarray(0, 4096)).split("\n---")[0];
  return header.split("\n").filter((line) => line.startsWith("-> X25519 ")).length;
}

/** Fetches an envelope's bytes from the relay (as anyone can). */
async function fetchEnvelope(id) {
  return new Uint8Array(await (await fetch(`${relay.origin}/api/v1/envelopes/${id}`)).arrayBuffer());
}

/** Posts a reply to an envelope's replies with an open proof, as a client page does. */
function postReply(id, reply, proof) {
  return fetch(`${relay.origin}/api/v1/envelopes/${id}/replies`, { method: "POST",
    headers: { "Content-Type": "application/octet-stream", "Sealbill-Open-Proof": proof }, body: reply });
}

/** Unlocks the business page again, which fetches the replies; returns the events shown. */
async function unlockBusiness() {
  await page.goto(`${relay.origin}/`);
  await page.waitForSelector("#unlock:not([hidden])", WAIT);
  await page.fill("#unlock-passphrase", PASSPHRASE);
  await page.click("#unlock-form button[type=submit]");
  await page.waitForSelector("#compose:not([hidden])", WAIT);
  await page.waitForSelector('#contact-events[data-checked="true"]', { ...WAIT, state: "attached" });
  return page.$$eval("#contact-events li", (items) => items.map((li) => ({ kind: li.dataset.event, code: li.dataset.code, text: li.textContent })));
}

/** The business's Clients screen: `{ fingerprint, status }` per row. */
async function contactRows() {
  await page.click("#nav-contacts");
  await page.waitForSelector("#contacts:not([hidden])", WAIT);
  return page.$$eval("#contact-rows tr", (rows) => rows.map((r) => ({ fingerprint: r.dataset.fingerprint, status: r.dataset.status,
    state: r.querySelector('[data-test="contact-status"]').textContent })));
}

/** Creates the client key on the client-key screen that the page shows. */
async function createClientKey(p, name = CLIENT_NAME) {
  await p.waitForSelector("#client-key:not([hidden])", WAIT);
  await p.fill("#client-name", name);
  await p.fill("#client-passphrase", CLIENT_PASSPHRASE);
  await p.fill("#client-passphrase2", CLIENT_PASSPHRASE);
  await p.click("#client-create-form button[type=submit]");
}

/** Opens an invoice link and connects this browser's client key; returns its fingerprint. */
async function connect(ctx, url, { create = true, name = CLIENT_NAME } = {}) {
  const p = await openAsClient(url, { ctx });
  await p.waitForSelector("#connect-box:not([hidden])", WAIT);
  const posted = p.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/replies"), WAIT);
  await p.click("#connect-button");
  if (create) await createClientKey(p, name);
  else {
    await p.waitForSelector("#client-key:not([hidden])", WAIT);
    await p.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
    await p.click("#client-unlock-form button[type=submit]");
  }
  const request = await posted;
  await p.waitForSelector('[data-test="client-fingerprint"]', WAIT);
  return { page: p, fingerprint: await p.textContent('[data-test="client-fingerprint"]'),
    reply: request.postDataBuffer(), proof: request.headers()["sealbill-open-proof"] };
}

/** Seals and uploads an invoice in Node with the business's restored key (a changed account, say). */
async function sealInNode(identity, plain) {
  const built = buildInvoice(plain);
  const { seal } = await import("../../pkg/sealbill.js");
  const sealed = seal(identity, [{ name: "invoice.xml", mediaType: "application/xml", data: built.xml }],
    { invoiceId: plain.number, link: true });
  const target = `/api/v1/envelopes?expires=86400&proof=${sealed.openProofHash}`;
  const response = await fetch(`${relay.origin}${target}`, { method: "POST", body: sealed.envelope, headers: {
    "Content-Type": "application/octet-stream", "Sealbill-Signature": identity.signRequest("POST", new URL(relay.origin).host, target, sealed.envelope) } });
  assert.equal(response.status, 201, await response.clone().text());
  const { id } = await response.json();
  return sealed.link.url(`${relay.origin}/`, id);
}

describe("repeat clients: key exchange in the browser", { timeout: 300_000 }, () => {
  before(async () => {
    ({ relay, browser, business, page } = await start(env));
    relay.addSender(await setUp(page));
    const [backup] = await Promise.all([page.waitForEvent("download"), page.click("#backup-download a")]);
    backupFile = await downloaded(backup);
    businessFingerprint = await page.textContent("#created-fingerprint");
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
    client = await context(browser);
  });
  after(() => stop(env));

  let connection, firstLink;
  it("the whole exchange: the client connects from an invoice, the business pins and verifies it", async () => {
    firstLink = await sendInvoice({ number: "2026-0101" });
    connection = await connect(client, firstLink);
    await shot(connection.page, "x01-client-connected");
    assert.match(connection.fingerprint, /^(\d{5} ){7}\d{5}$/);
    assert.equal(await connection.page.getAttribute("#status", "data-kind"), "ok");
    // The relay holds the reply as ciphertext only: the client's name is not in it.
    assert.ok(!connection.reply.includes(Buffer.from(CLIENT_NAME)));

    const events = await unlockBusiness();
    assert.deepEqual(events.map((e) => e.kind), ["connected"], JSON.stringify(events));
    assert.match(events[0].text, new RegExp(`Client ${CLIENT_NAME} connected.*${connection.fingerprint}`));
    await shot(page, "x02-business-connected");
    let rows = await contactRows();
    assert.deepEqual(rows.map((r) => [r.fingerprint, r.status]), [[connection.fingerprint, "connected"]]);
    await page.click('#contact-rows [data-test="verify"]');
    await page.waitForFunction(() => document.querySelector('#contact-rows [data-test="contact-status"]')?.textContent === "verified", null, WAIT);
    rows = await contactRows();
    assert.equal(rows[0].state, "verified");
    await shot(page, "x03-business-clients");
    // Processed replies are gone from the relay.
    const fresh = await unlockBusiness();
    assert.deepEqual(fresh, []);
  });

  it("an invitation without an invoice connects a new client the same way", async () => {
    await page.click("#nav-contacts");
    await page.waitForSelector("#contacts:not([hidden])", WAIT);
    await page.fill("#invite-name", "Neukunde KG");
    await page.fill("#invite-message", "Hello from Muster Design: connect to receive our invoices.");
    await page.click("#invite-form button[type=submit]");
    await page.waitForSelector("#sent-link:not([hidden])", WAIT);
    const url = await page.inputValue("#link-url");
    assert.match(decodeURIComponent(await page.getAttribute("#link-mailto", "href")), /invites you/);
    const newcomer = await context(browser);
    const p = await openAsClient(url, { ctx: newcomer });
    assert.equal(await p.textContent("#invoice-heading"), "An invitation to connect");
    assert.match(await p.textContent('[data-test="invitation-message"]'), /connect to receive our invoices/);
    await p.waitForSelector("#connect-box:not([hidden])", WAIT);
    await shot(p, "x02b-client-invitation");
    await p.click("#connect-button");
    await createClientKey(p, "Neukunde KG");
    await p.waitForSelector('[data-test="client-fingerprint"]', WAIT);
    const fingerprint = await p.textContent('[data-test="client-fingerprint"]');
    await newcomer.close();
    const events = await unlockBusiness();
    assert.deepEqual(events.map((e) => [e.kind, e.fingerprint ?? fingerprint]), [["connected", fingerprint]]);
    assert.match(events[0].text, /Client Neukunde KG connected \(answering Invitation\)/);
    const rows = await contactRows();
    assert.ok(rows.some((r) => r.fingerprint === fingerprint && r.status === "connected"));
    // Removing a contact forgets it.
    await page.click(`#contact-rows tr[data-fingerprint="${fingerprint}"] [data-test="remove"]`);
    await page.waitForFunction((f) => !document.querySelector(`#contact-rows tr[data-fingerprint="${f}"]`), fingerprint, WAIT);
    // The sent list shows the invitation without an amount.
    await page.click("#nav-sent");
    await page.waitForFunction(() => /Invitation.*Neukunde KG/.test(document.getElementById("sent-rows").textContent), null, WAIT);
  });

  let identityLink;
  it("an invoice to a connected client opens on its device without any secret in the link", async () => {
    identityLink = await sendInvoice({ number: "2026-0102", contact: `${CLIENT_NAME} (verified)` });
    assert.match(identityLink, new RegExp(`^${relay.origin}/#[A-Za-z0-9_-]{22}$`));
    assert.equal(await page.isHidden("#link-connected-note"), false);
    assert.match(decodeURIComponent(await page.getAttribute("#link-mailto", "href")), /carries no secret/);
    // Sealed to the client's key and the business's own, and to nothing else.
    assert.equal(stanzas(await fetchEnvelope(relayId(identityLink))), 2);

    const p = await client.newPage();
    await p.goto(identityLink);
    await p.waitForSelector("#open:not([hidden])", WAIT);
    assert.equal(await p.isHidden("#open-intro-identity"), false);
    await p.click("#open-button");
    await p.waitForSelector("#client-key:not([hidden])", WAIT);
    await p.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
    await p.click("#client-unlock-form button[type=submit]");
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.match(await p.textContent('[data-test="seller"]'), new RegExp(BUSINESS.name));
    assert.equal(await p.getAttribute("#trust", "data-state"), "seen");
    assert.equal(await p.isHidden("#connect-box"), true);
    await shot(p, "x04-client-identity-open");
    await p.waitForSelector('#keep-box[data-kept="true"]', { ...WAIT, state: "attached" });

    // The inbox lists it, and reopens it.
    const inbox = await client.newPage();
    await inbox.goto(`${relay.origin}/#inbox`);
    await inbox.waitForSelector("#client-key:not([hidden])", WAIT);
    await inbox.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
    await inbox.click("#client-unlock-form button[type=submit]");
    await inbox.waitForSelector("#inbox:not([hidden])", WAIT);
    const numbers = await inbox.$$eval("#inbox-rows tr td:nth-child(2)", (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(numbers.sort(), ["2026-0101", "2026-0102"]);
    // Amounts as the reader writes them ("€2,275.88" to an en-US browser).
    assert.deepEqual(await inbox.$$eval('#inbox-rows [data-test="inbox-amount"]', (cells) => cells.map((c) => c.textContent)),
      [PAYABLE, PAYABLE]);
    // The client's address book lists the business as seen; comparing confirms it.
    assert.match(await inbox.textContent(`#business-rows tr[data-fingerprint="${businessFingerprint}"]`), /seen, not confirmed · connected/);
    await shot(inbox, "x05-client-inbox");
    await inbox.click(`#business-rows tr[data-fingerprint="${businessFingerprint}"] [data-test="confirm-business"]`);
    await inbox.waitForFunction((f) => /confirmed \d{2}\/\d{2}\/\d{4}/.test(document.querySelector(`#business-rows tr[data-fingerprint="${f}"]`).textContent), businessFingerprint, WAIT);
    // The signed original downloads byte for byte as the business built it.
    const [original] = await Promise.all([inbox.waitForEvent("download"),
      inbox.locator("#inbox-rows tr[data-id] button", { hasText: "Download the signed original" }).first().click()]);
    assert.match((await downloaded(original)).toString(), /^<\?xml[\s\S]*<cbc:ID>2026-010[12]<\/cbc:ID>/);
    // A backup of the key restores it in a new browser, which then opens the invoice.
    await inbox.fill("#inbox-backup-passphrase", CLIENT_PASSPHRASE);
    await inbox.click("#inbox-backup-form button[type=submit]");
    const [download] = await Promise.all([inbox.waitForEvent("download"), inbox.click("#inbox-backup-link a")]);
    const keyBackup = await downloaded(download);
    await inbox.locator('#inbox-rows tr[data-id] button', { hasText: "Open" }).first().click();
    await inbox.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.deepEqual(client.errors, []);
    const laptop = await context(browser);
    const restored = await laptop.newPage();
    await restored.goto(identityLink);
    await restored.click("#open-button");
    await restored.waitForSelector("#client-key:not([hidden])", WAIT);
    await restored.click("#client-create summary");
    await restored.setInputFiles("#client-restore-file", { name: "backup.txt", mimeType: "text/plain", buffer: keyBackup });
    await restored.fill("#client-restore-passphrase", "wrong passphrase here");
    await restored.click("#client-restore-form button[type=submit]");
    await restored.waitForFunction(() => document.getElementById("status").textContent.startsWith("Wrong passphrase"), null, WAIT);
    await restored.fill("#client-restore-passphrase", CLIENT_PASSPHRASE);
    await restored.click("#client-restore-form button[type=submit]");
    await restored.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.match(await restored.textContent('[data-test="payable"]'), /€/);
    await laptop.close();
  });

  it("the attacker, who has the mailbox and so the link, but not the client's key, fails", async () => {
    const attacker = await context(browser);
    const p = await attacker.newPage();
    await p.goto(identityLink);
    await p.waitForSelector("#open:not([hidden])", WAIT);
    await p.click("#open-button");
    await p.waitForSelector("#client-key:not([hidden])", WAIT);
    await p.click("#client-key-cancel");
    await p.waitForFunction(() => document.getElementById("status").dataset.failure, null, WAIT);
    assert.equal(await failure(p), "NO_KEY");
    await shot(p, "x06-attacker-no-key");
    // With a key of its own (made by connecting to another invoice it intercepted), still nothing.
    const other = await sendInvoice({ number: "2026-0103", contact: "" });
    // Its key carries a name of its own; the invoice it answers names the client as buyer.
    await connect(attacker, other, { name: "Mallory Ltd" });
    const again = await attacker.newPage();
    await again.goto(identityLink);
    await again.waitForSelector("#open:not([hidden])", WAIT);
    await again.click("#open-button");
    await again.waitForSelector("#client-key:not([hidden])", WAIT);
    await again.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
    await again.click("#client-unlock-form button[type=submit]");
    await again.waitForFunction(() => document.getElementById("status").dataset.failure, null, WAIT);
    assert.equal(await failure(again), "NOT_YOUR_KEY");
    await attacker.close();
    // The business sees a new key for the client (the buyer of the invoice it answers): it must decide.
    const events = await unlockBusiness();
    assert.deepEqual(events.map((e) => e.kind), ["changed"], JSON.stringify(events));
    const rows = await contactRows();
    assert.deepEqual(rows.map((r) => r.status).sort(), ["changed", "connected"]);
    await shot(page, "x07-business-key-change");
    // Nothing goes to that name before the decision: the buyer name matches a waiting contact.
    assert.match(await sendInvoice({ number: "2026-0199", refused: true }), /waiting for your decision/);
    assert.match(await sendInvoice({ number: "2026-0199", contact: `${CLIENT_NAME} (verified)`, refused: true }),
      /waiting for your decision/);
    await page.click("#nav-contacts");
    await page.waitForSelector("#contacts:not([hidden])", WAIT);
    await page.click('#contact-rows tr[data-status="changed"] [data-test="remove"]');
    await page.waitForFunction(() => !document.querySelector('#contact-rows tr[data-status="changed"]'), null, WAIT);

    // A second key answering the very invoice the client connected from: a conflict.
    const thief = await context(browser);
    await connect(thief, firstLink);
    await thief.close();
    const conflict = await unlockBusiness();
    assert.deepEqual(conflict.map((e) => e.kind), ["conflict"], JSON.stringify(conflict));
    assert.deepEqual((await contactRows()).map((r) => r.status), ["conflict", "conflict"]);
    assert.match(await sendInvoice({ number: "2026-0199", refused: true }), /waiting for your decision/);
    await page.click("#nav-contacts");
    await page.waitForSelector("#contacts:not([hidden])", WAIT);
    await page.click(`#contact-rows tr[data-fingerprint="${connection.fingerprint}"] [data-test="keep-key"]`);
    await page.waitForFunction(() => document.querySelectorAll("#contact-rows tr").length === 1, null, WAIT);
    assert.deepEqual((await contactRows()).map((r) => [r.fingerprint, r.state]), [[connection.fingerprint, "verified"]]);
  });

  it("a reply that was forged, tampered with or replayed is rejected by the business", async () => {
    // Moved: a genuine reply to one invoice, posted to another whose link the forger also has.
    const first = await sendInvoice({ number: "2026-0104", contact: "" });
    const second = await sendInvoice({ number: "2026-0105", contact: "" });
    const mallory = Identity.generate("Beispiel AG");
    const link = (url) => Link.parse(new URL(url).hash);
    const firstEnvelope = await fetchEnvelope(relayId(first));
    const secondEnvelope = await fetchEnvelope(relayId(second));
    const moved = sealReply(mallory, link(first), firstEnvelope);
    const proof = openLink(link(second), secondEnvelope).openProof;
    assert.equal((await postReply(relayId(second), moved.envelope, proof)).status, 201);
    // Tampered: a genuine reply, one bit flipped on the relay.
    const third = await sendInvoice({ number: "2026-0106", contact: "" });
    const thirdEnvelope = await fetchEnvelope(relayId(third));
    const genuine = sealReply(mallory, link(third), thirdEnvelope);
    const flipped = Uint8Array.from(genuine.envelope);
    flipped[flipped.length - 20] ^= 1;
    const thirdProof = openLink(link(third), thirdEnvelope).openProof;
    assert.equal((await postReply(relayId(third), flipped, thirdProof)).status, 201);
    // Replayed: the client's reply from the first test, posted again to its invoice.
    const replay = await postReply(relayId(firstLink), connection.reply, connection.proof);
    assert.ok([201, 409].includes(replay.status), await replay.text());

    const events = await unlockBusiness();
    assert.deepEqual(events.map((e) => [e.kind, e.code]).sort(),
      [["rejected", "TAMPERED"], ["rejected", "UNBOUND_REPLY"]], JSON.stringify(events));
    const rows = await contactRows();
    assert.deepEqual(rows.map((r) => [r.fingerprint, r.state]), [[connection.fingerprint, "verified"]]);
  });

  it("an impostor key under a lookalike name is blocked on the client's side until it decides", async () => {
    // Card names with invisible characters are refused outright.
    const impostorCtx = await context(browser);
    const impostor = await impostorCtx.newPage();
    await assert.rejects(setUp(impostor, { name: "Muster\u200d Design GmbH", timeout: 3_000 }));
    assert.match(await impostor.textContent("#status"), /invisible characters/);
    // A Cyrillic "е" instead: accepted as a card, but flagged by the client.
    const card = await setUp(impostor, { iban: OTHER_IBAN, name: "Muster D\u0435sign GmbH" });
    relay.addSender(card);
    await impostor.click("#created-continue");
    const url = await sendInvoice({ from: impostor, number: "2026-0666" });
    await impostorCtx.close();
    // Without the client's key unlocked, its history cannot be read: nothing is vouched for.
    const unchecked = await openAsClient(url, { ctx: client, unlock: null });
    await unchecked.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await unchecked.getAttribute("#trust", "data-state"), "locked");
    assert.equal(await unchecked.locator('[data-warning="HISTORY_LOCKED"]').count(), 1);
    const p = await openAsClient(url, { ctx: client, unlock: CLIENT_PASSPHRASE });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.getAttribute("#trust", "data-state"), "unexpected");
    assert.equal(await p.locator('[data-warning="UNEXPECTED_KEY"]').count(), 1, await p.innerHTML("#trust"));
    assert.equal(await p.isHidden("#decision"), false);
    assert.equal(await p.isHidden("#invoice-content"), true);
    assert.equal(await p.isHidden("#connect-box"), true);
    await shot(p, "x08-client-impostor-blocked");
    await p.click('[data-test="decide-stop"]');
    assert.equal(await p.isHidden("#invoice-content"), true);
    // The client's history of senders is sealed to its key: no fingerprint or name in clear.
    const stored = await p.evaluate(() => new Promise((resolve) => {
      indexedDB.open("sealbill").onsuccess = (e) => {
        const request = e.target.result.transaction("pins").objectStore("pins").getAll();
        request.onsuccess = () => resolve(JSON.stringify(request.result));
      };
    }));
    assert.ok(!stored.includes("Muster") && !stored.includes(businessFingerprint.slice(0, 11)), stored.slice(0, 300));
  });

  it("a changed account from the known key shows the payment warning, old and new", async () => {
    const identity = openBackup(backupFile, PASSPHRASE).identity;
    const plain = JSON.parse(readFileSync(join(ROOT, "invoice/tests/invoices/valid/standard.json"), "utf8"));
    plain.number = "2026-0107";
    plain.payment.iban = OTHER_IBAN;
    const url = await sealInNode(identity, plain);
    identity.free();
    const p = await openAsClient(url, { ctx: client, unlock: CLIENT_PASSPHRASE });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.locator('[data-warning="IBAN_CHANGED"]').count(), 1, await p.innerHTML("#trust"));
    assert.equal(await p.textContent('[data-test="old-iban"]'), IBAN_SHOWN);
    assert.equal(await p.textContent('[data-test="new-iban"]'), "DE89 3704 0044 0532 0130 00");
    assert.equal(await p.isHidden("#invoice-content"), true);
    await shot(p, "x09-client-iban-changed");
    await p.click('[data-test="decide-show"]');
    await p.waitForSelector("#invoice-content:not([hidden])", WAIT);
    // Sent with a link although the client is connected: the page says so instead of offering again.
    await p.waitForSelector('[data-test="already-connected"]', WAIT);
    assert.equal(await p.isHidden("#connect-button"), true);
    assert.deepEqual(client.errors, []);
  });

  it("a further account beside the known one is a changed account too", async () => {
    const identity = openBackup(backupFile, PASSPHRASE).identity;
    const plain = JSON.parse(readFileSync(join(ROOT, "invoice/tests/invoices/valid/standard.json"), "utf8"));
    plain.number = "2026-0108";
    plain.payment.iban = OTHER_IBAN;
    plain.payment.additionalAccounts = [{ iban: "GB82WEST12345698765432" }];
    const url = await sealInNode(identity, plain);
    identity.free();
    const p = await openAsClient(url, { ctx: client, unlock: CLIENT_PASSPHRASE });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.locator('[data-warning="IBAN_CHANGED"]').count(), 1, await p.innerHTML("#trust"));
    // The first account is the one the client accepted before; the second is new.
    assert.equal(await p.textContent('[data-test="old-iban"]'), "DE89 3704 0044 0532 0130 00");
    assert.equal(await p.textContent('[data-test="new-iban"]'), "GB82 WEST 1234 5698 7654 32");
    assert.equal(await p.isHidden("#invoice-content"), true);
    assert.deepEqual(client.errors, []);
  });
});
