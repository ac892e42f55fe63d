// A business with a team, end to end in headless Chromium against the real relay binary
// (SPEC §3.8): an owner, a biller and an accountant, each with their own key in their own
// browser context, and a client in a fourth. Invitations and join requests pass between the
// contexts as a person would copy them; the owner accepts each member after comparing
// fingerprints. Every wait is bounded; everything runs on the loopback interface.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { context, shot, downloaded, ROOT } from "./harness.mjs";
import { WAIT, PASSPHRASE, BUSINESS, failure, fill, flows, relayId, start, stop } from "./flows.mjs";
import { initSync, openBackup } from "../../pkg/sealbill.js";
import { initSync as initInvoice, buildInvoice } from "../../pkg/invoice/sealbill_invoice.js";

initSync({ module: readFileSync(join(ROOT, "pkg/sealbill_bg.wasm")) });
initInvoice({ module: readFileSync(join(ROOT, "pkg/invoice/sealbill_invoice_bg.wasm")) });

const OTHER_IBAN = "DE89370400440532013000";
const BILLER = "Bea Biller";
const ACCOUNTANT = "Carl Counts";

let relay, browser, page;
let ownerFingerprint, ownerBackup;
let biller, accountant, client;
/** Every roster the owner's page posted, in order (to replay an old one). */
const rosters = [];
const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);

/**
 * Runs `action` and waits until the status line says it is done ("ok" or "error"); checks it
 * is `kind` unless that is null. Returns its text.
 */
async function status(p, action, kind = "ok") {
  await p.evaluate(() => { document.getElementById("status").dataset.kind = "pending"; });
  await action();
  await p.waitForFunction(() => ["ok", "error"].includes(document.getElementById("status").dataset.kind), null, WAIT);
  const text = await p.textContent("#status");
  if (kind) assert.equal(await p.getAttribute("#status", "data-kind"), kind, text);
  return text;
}

/** The owner's Team screen, drawn afresh. */
async function ownerTeam() {
  const drawn = await page.evaluate(() => document.getElementById("team-body").dataset.drawn ?? "0");
  await page.click("#nav-team");
  await page.waitForFunction((d) => document.getElementById("team-body").dataset.drawn !== d, drawn, WAIT);
}

/** The owner creates an invitation for `role`; returns its text. */
async function invite(role) {
  await ownerTeam();
  await page.selectOption("#team-invite-role", role);
  await page.click("#team-invite");
  await page.waitForSelector("#team-invitation:not([hidden])", WAIT);
  const text = await page.inputValue("#team-invitation");
  assert.match(text, /^sealbill-team-invitation:/);
  return text;
}

/**
 * A member sets up in a fresh context with the invitation: compares the business's
 * fingerprint, creates their key and gets the request to join. Returns `{ ctx, page, fingerprint, request }`.
 */
async function joinAs(name, invitation) {
  const ctx = await context(browser);
  const p = await ctx.newPage();
  await p.goto(`${relay.origin}/`);
  await p.waitForSelector("#setup:not([hidden])", WAIT);
  await p.check("#setup-join");
  await p.waitForSelector("#join-box:not([hidden])", WAIT);
  assert.equal(await p.isHidden("#biz-iban"), true, "a member types no bank account");
  await p.fill("#join-invitation", invitation);
  await p.waitForSelector('[data-test="join-fingerprint"]', WAIT);
  assert.equal(await p.textContent('[data-test="join-business"]'), BUSINESS.name);
  assert.equal(await p.textContent('[data-test="join-fingerprint"]'), ownerFingerprint);
  await fill(p, { "#biz-name": name, "#biz-street": BUSINESS.street, "#biz-postcode": BUSINESS.postcode,
    "#biz-city": BUSINESS.city, "#biz-country": BUSINESS.country, "#biz-vat": BUSINESS.vat, "#biz-email": BUSINESS.email,
    "#biz-passphrase": PASSPHRASE, "#biz-passphrase2": PASSPHRASE });
  // Not before the fingerprint was compared.
  await status(p, () => p.click("#setup-form button[type=submit]"), "error");
  await p.check("#join-compared");
  await p.click("#setup-form button[type=submit]");
  await p.waitForSelector("#created:not([hidden])", WAIT);
  const request = await p.inputValue("#join-request");
  assert.match(request, /^sealbill-team-join:/);
  return { ctx, page: p, fingerprint: await p.textContent("#created-fingerprint"), card: await p.inputValue("#created-card"), request };
}

/** The owner pastes a join request, compares the fingerprint shown and accepts. */
async function accept(member, name, role) {
  await ownerTeam();
  await page.fill("#team-join-request", member.request);
  await page.waitForSelector('[data-test="request-fingerprint"]', WAIT);
  assert.equal(await page.textContent('[data-test="request-name"]'), name);
  assert.equal(await page.textContent('[data-test="request-fingerprint"]'), member.fingerprint);
  assert.equal(await page.isDisabled("#team-accept"), true, "accepting needs the comparison");
  await page.check("#team-compared");
  await status(page, () => page.click("#team-accept"));
  await page.waitForSelector(`#team-rows tr[data-fingerprint="${member.fingerprint}"][data-role="${role}"]`, WAIT);
}

/** A member checks for their membership on the Team screen; returns the role shown. */
async function checkMembership(p) {
  await p.click("#nav-team");
  await p.waitForSelector("#team-check", WAIT);
  await status(p, () => p.click("#team-check"), null);
  await p.waitForSelector('[data-test="team-role"]', WAIT);
  return p.getAttribute('[data-test="team-role"]', "data-role");
}

/** The member's team archive, synced from the relay: `{ text, rows: [{ id, sentBy }] }`. */
async function syncArchive(p) {
  await p.click("#nav-archive");
  await p.waitForSelector("#team-archive:not([hidden])", WAIT);
  const text = await status(p, () => p.click("#team-archive-sync"), null);
  const rows = await p.$$eval("#team-archive-rows tr", (trs) => trs.map((tr) => ({ id: tr.dataset.id,
    sentBy: tr.querySelector('[data-test="sent-by"]')?.textContent })));
  return { text, rows };
}

/** The standard invoice as the e-invoice module takes it, from the business, paid to `iban`. */
function plainInvoice(number, iban) {
  const plain = JSON.parse(readFileSync(join(ROOT, "invoice/tests/invoices/valid/standard.json"), "utf8"));
  plain.number = number;
  plain.seller.name = BUSINESS.name;
  plain.payment.iban = iban;
  plain.payment.accountName = BUSINESS.name;
  return plain;
}

/**
 * Seals `plain` in a member's page through the team module (with the membership it holds, or
 * `membership: "held"` for the one it kept after a removal) and uploads it signed with the
 * member's own key. Resolves to `{ status, url }`.
 */
function sealAsMember(p, plain, { held = false } = {}) {
  const xml = Array.from(buildInvoice(plain).xml);
  return p.evaluate(async ({ xml, number, held }) => {
    const team = await import("/team.js");
    const options = { invoiceId: number, link: true, ...(held ? { membership: team.heldMembership() } : {}) };
    const sealed = team.teamSeal([{ name: "invoice.xml", mediaType: "application/xml", data: new Uint8Array(xml) }], options);
    try {
      const stored = await team.teamUpload(sealed.envelope, sealed.openProofHash);
      return { status: 201, url: sealed.link.url(`${location.origin}/`, stored.id) };
    } catch (error) {
      return { status: error.status, code: error.code };
    } finally {
      sealed.link.free();
    }
  }, { xml, number: plain.number, held });
}

describe("a business with an owner, a biller and an accountant", { timeout: 600_000 }, () => {
  before(async () => {
    ({ relay, browser, page } = await start(env));
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/v1/rosters") rosters.push(r.postDataBuffer());
    });
    relay.addSender(await setUp(page));
    ownerFingerprint = await page.textContent("#created-fingerprint");
    const [backup] = await Promise.all([page.waitForEvent("download"), page.click("#backup-download a")]);
    ownerBackup = await downloaded(backup);
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
    client = await context(browser);
  });
  after(() => stop(env));

  it("the owner invites a biller and an accountant, who join after comparing fingerprints", async () => {
    biller = await joinAs(BILLER, await invite("biller"));
    // The biller goes on before being accepted: the page waits for the owner.
    await biller.page.click("#created-continue");
    await biller.page.waitForSelector('[data-test="team-role"][data-role="pending"]', WAIT);
    await accept(biller, BILLER, "biller");
    assert.equal(await checkMembership(biller.page), "biller");
    assert.match(await biller.page.textContent('[data-test="team-role"]'), new RegExp(`You are a biller of ${BUSINESS.name}`));

    accountant = await joinAs(ACCOUNTANT, await invite("accountant"));
    await accept(accountant, ACCOUNTANT, "accountant");
    // Accepted before going on: the membership is fetched on start.
    await accountant.page.click("#created-continue");
    await accountant.page.waitForSelector("#team-archive:not([hidden])", WAIT);
    assert.equal(await checkMembership(accountant.page), "accountant");
    await shot(page, "t01-owner-team");
    assert.deepEqual([...biller.ctx.errors, ...accountant.ctx.errors, ...page.context().errors], []);
  });

  let billerLink;
  it("the biller sends for the business: the client pins the business and sees who sent", async () => {
    await biller.page.click("#nav-new");
    await biller.page.waitForSelector("#compose:not([hidden])", WAIT);
    // The account is the owner's, chosen, never typed.
    assert.equal(await biller.page.locator("#compose input[id*=iban]").count(), 0);
    assert.deepEqual(await biller.page.$$eval("#inv-account option", (o) => o.map((x) => x.value)), [BUSINESS.iban]);
    billerLink = await sendInvoice({ from: biller.page, number: "B-0001" });
    const p = await openAsClient(billerLink, { ctx: client });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.textContent('[data-test="sender-name"]'), BUSINESS.name);
    assert.equal(await p.textContent('[data-test="fingerprint"]'), ownerFingerprint);
    assert.match(await p.textContent('[data-test="sent-by"]'), new RegExp(`Sent by ${BILLER} \\(biller\\)`));
    assert.equal(await p.getAttribute("#trust", "data-refused"), "false");
    assert.equal(await p.isHidden("#invoice-content"), false);
    await p.click('[data-test="confirm-sender"]');
    await shot(p, "t02-client-sent-by-biller");
    assert.deepEqual(client.errors, []);
  });

  it("another IBAN, sealed by the biller through the module, is refused by the client", async () => {
    const forged = await sealAsMember(biller.page, plainInvoice("B-0002", OTHER_IBAN));
    assert.equal(forged.status, 201);
    const p = await openAsClient(forged.url, { ctx: client });
    await p.waitForSelector("#invoice:not([hidden])", WAIT);
    assert.equal(await p.getAttribute("#trust", "data-refused"), "true");
    assert.equal(await p.locator('[data-warning="ACCOUNT_NOT_SIGNED"]').count(), 1, await p.innerHTML("#trust"));
    assert.equal(await p.isHidden("#invoice-content"), true);
    assert.equal(await p.locator('[data-test="decide-show"]').count(), 0, "no way to show it anyway");
    await shot(p, "t03-client-account-not-signed");
  });

  it("the accountant has no send path, and the relay refuses an upload signed with its key", async () => {
    const a = accountant.page;
    assert.equal(await a.isHidden("#nav-new"), true);
    assert.equal(await a.isHidden("#nav-sent"), true);
    const refused = await a.evaluate(async () => {
      const team = await import("/team.js");
      let sealing;
      try {
        team.teamSeal([{ name: "invoice.xml", mediaType: "application/xml", data: new Uint8Array([60, 97, 47, 62]) }],
          { invoiceId: "A-1" });
      } catch (error) {
        sealing = error.code;
      }
      const proof = "A".repeat(43);
      const upload = await team.teamUpload(new Uint8Array(64), proof).then(() => 201, (error) => error.status);
      return { sealing, upload };
    });
    assert.deepEqual(refused, { sealing: "ROLE_CANNOT_SEND", upload: 403 });
  });

  let ownerLink;
  it("the accountant syncs and reads the biller's and the owner's invoices, and exports a CSV", async () => {
    ownerLink = await sendInvoice({ number: "O-0001" });
    const { rows } = await syncArchive(accountant.page);
    const by = Object.fromEntries(rows.map((r) => [r.id, r.sentBy]));
    assert.equal(by[relayId(billerLink)], `${BILLER} (biller)`);
    assert.equal(by[relayId(ownerLink)], `${BUSINESS.name} (owner)`);
    // The invoice with an account the owner did not sign is marked as not genuine.
    assert.equal(await accountant.page.locator('[data-warning="ACCOUNT_NOT_SIGNED"]').count(), 1);
    await shot(accountant.page, "t04-accountant-archive");
    const [download] = await Promise.all([accountant.page.waitForEvent("download", WAIT), accountant.page.click("#team-archive-export")]);
    const zip = (await downloaded(download)).toString("utf8");
    assert.match(zip, /index\.csv/);
    for (const number of ["B-0001", "O-0001"]) assert.match(zip, new RegExp(`\\n${number},`));
    // The client's trust in the business holds when the owner itself sends.
    const p = await openAsClient(ownerLink, { ctx: client });
    assert.equal(await p.getAttribute("#trust", "data-state"), "confirmed");
    assert.equal(await p.locator('[data-test="sent-by"]').count(), 0);
    assert.deepEqual(accountant.ctx.errors, []);
  });

  it("removing the accountant rotates the archive key: new invoices stay closed to it, and the relay refuses it", async () => {
    await ownerTeam();
    page.once("dialog", (d) => d.accept());
    await status(page, () => page.click(`#team-rows tr[data-fingerprint="${accountant.fingerprint}"] [data-test="remove-member"]`));
    await page.waitForSelector(`#team-rows tr[data-fingerprint="${accountant.fingerprint}"]`, { ...WAIT, state: "detached" });
    const after = await sendInvoice({ number: "O-0002" });
    const a = accountant.page;
    const teamAnswers = [];
    a.on("response", (r) => { if (new URL(r.url()).pathname.startsWith("/api/v1/team")) teamAnswers.push(r.status()); });
    const opened = await a.evaluate(async (id) => {
      const team = await import("/team.js");
      const envelope = new Uint8Array(await (await fetch(`/api/v1/envelopes/${id}`)).arrayBuffer());
      try {
        team.openArchived(envelope);
        return "opened";
      } catch (error) {
        return error.code;
      }
    }, relayId(after));
    assert.equal(opened, "WRONG_KEY");
    assert.equal(await checkMembership(a), "removed");
    await syncArchive(a);
    assert.equal(await a.getAttribute("#status", "data-kind"), "error");
    assert.ok(teamAnswers.length >= 2 && teamAnswers.every((s) => s === 403), String(teamAnswers));
    // The biller, still a member, reads the new invoice with the new key.
    const { rows } = await syncArchive(biller.page);
    assert.ok(rows.some((r) => r.id === relayId(after)), JSON.stringify(rows));
  });

  it("removing the biller: its uploads are refused, and clients refuse what it seals with the old membership", async () => {
    await ownerTeam();
    page.once("dialog", (d) => d.accept());
    await status(page, () => page.click(`#team-rows tr[data-fingerprint="${biller.fingerprint}"] [data-test="remove-member"]`));
    // The client sees the newest team list on the owner's next invoice.
    const newest = await sendInvoice({ number: "O-0003" });
    const p = await openAsClient(newest, { ctx: client });
    assert.equal(await p.getAttribute("#trust", "data-refused"), "false");

    const refused = await sealAsMember(biller.page, plainInvoice("B-0003", BUSINESS.iban), { held: true });
    assert.equal(refused.status, 403);
    // Through the form, the page says why in plain words.
    const text = await sendInvoice({ from: biller.page, number: "B-0004", refused: true });
    assert.match(text, /no longer/);
    // Carried by some other way (here the relay's operator lets the biller's key upload), the
    // envelope sealed with the old membership is refused by the client.
    relay.addSender(biller.card);
    const old = await sealAsMember(biller.page, plainInvoice("B-0005", BUSINESS.iban), { held: true });
    assert.equal(old.status, 201);
    const q = await openAsClient(old.url, { ctx: client });
    assert.equal(await q.getAttribute("#trust", "data-refused"), "true");
    assert.equal(await q.locator('[data-warning="OLD_TEAM_LIST"]').count(), 1, await q.innerHTML("#trust"));
    assert.equal(await q.isHidden("#invoice-content"), true);
    await shot(q, "t05-client-old-team-list");
  });

  it("the relay refuses a replayed old roster (409)", async () => {
    assert.ok(rosters.length >= 4, String(rosters.length));
    const backup = openBackup(ownerBackup, PASSPHRASE);
    const owner = backup.identity;
    backup.free();
    const target = "/api/v1/rosters";
    const response = await fetch(`${relay.origin}${target}`, { method: "POST", body: rosters[0], headers: {
      "Content-Type": "application/octet-stream", "Sealbill-Signature": owner.signRequest("POST", new URL(relay.origin).host, target, rosters[0]) } });
    owner.free();
    assert.equal(response.status, 409, await response.text());
    assert.equal(await failure(page) ?? "", "");
  });

  it("a business set up on its own joins the team from its Team screen instead", async () => {
    const ctx = await context(browser);
    const p = await ctx.newPage();
    await setUp(p, { name: "Dora Solo" });
    const fingerprint = await p.textContent("#created-fingerprint");
    await p.click("#created-continue");
    await p.waitForSelector("#compose:not([hidden])", WAIT);
    await p.click("#nav-team");
    await p.click("#team-join summary");
    await p.fill("#team-join-invitation", await invite("biller"));
    await p.waitForSelector('[data-test="join-fingerprint"]', WAIT);
    assert.equal(await p.textContent('[data-test="join-fingerprint"]'), ownerFingerprint);
    await status(p, () => p.click("#team-join-button"), "error");
    await p.check("#team-join-compared");
    await status(p, () => p.click("#team-join-button"));
    await p.waitForSelector('[data-test="team-role"][data-role="pending"]', WAIT);
    const request = await p.inputValue("#team-my-request");
    await accept({ request, fingerprint }, "Dora Solo", "biller");
    assert.equal(await checkMembership(p), "biller");
    assert.equal(await p.isHidden("#nav-contacts"), true);

    // Only the owner changes the account: a new roster, which the biller's form then offers.
    await ownerTeam();
    await page.fill("#team-iban", "DE00 1234");
    assert.match(await status(page, () => page.click("#team-iban-save"), "error"), /A German IBAN has 22 characters; this one has \d+\./);
    await ownerTeam();
    assert.equal(await page.inputValue("#team-iban"), "DE02 1203 0000 0000 2020 51");
    await page.fill("#team-iban", OTHER_IBAN);
    await status(page, () => page.click("#team-iban-save"));
    assert.equal(await checkMembership(p), "biller");
    await p.click("#nav-new");
    await p.waitForSelector("#compose:not([hidden])", WAIT);
    assert.deepEqual(await p.$$eval("#inv-account option", (o) => o.map((x) => x.value)), [OTHER_IBAN]);

    // A change of role reaches the member with its next membership.
    await ownerTeam();
    await status(page, () => page.click(`#team-rows tr[data-fingerprint="${fingerprint}"] [data-test="make-role"]`));
    await page.waitForSelector(`#team-rows tr[data-fingerprint="${fingerprint}"][data-role="accountant"]`, WAIT);
    assert.equal(await checkMembership(p), "accountant");
    assert.equal(await p.isHidden("#nav-new"), true);
    assert.deepEqual(ctx.errors, []);
  });
});

