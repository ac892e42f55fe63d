// An envelope whose key block was altered on the relay, end to end in headless Chromium against
// the real relay binary: the page's checked link (SPEC §5.3, versions 3 and 4) is intact, so
// the client is told the invoice was altered (TAMPERED), not that the link is broken; a link
// with one character of its secret changed is a broken link; a link of the old form (version
// 1, no check) still opens. Only `data-failure` codes are compared, never the page's words.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { context } from "./harness.mjs";
import { WAIT, failure, flows, relayId, start, stop } from "./flows.mjs";

let relay, browser, page;
const env = {};
const { setUp, sendInvoice, openAsClient } = flows(env);

/**
 * Changes one character of the first stanza's body line of a stored envelope (the link's
 * stanza: a link's envelope lists the link first and the sender last) into another base64
 * character, so that the header still parses but that stanza no longer unwraps.
 */
function alterKeyBlock(id) {
  const script = [
    "import sqlite3,sys",
    "c=sqlite3.connect(sys.argv[1])",
    "b=bytearray(c.execute('SELECT body FROM envelopes WHERE id=?',(sys.argv[2],)).fetchone()[0])",
    "assert b.startswith(b'age-encryption.org/v1\\n-> X25519 '), b[:40]",
    "stanza=b.index(b'\\n-> X25519 ')+1",
    "body=b.index(b'\\n',stanza)+1",
    "b[body]=ord('A') if b[body]!=ord('A') else ord('B')",
    "c.execute('UPDATE envelopes SET body=? WHERE id=?',(bytes(b),sys.argv[2]))",
    "c.commit()",
  ].join("\n");
  execFileSync("python3", ["-c", script, relay.db, id]);
}

/** The secret part of a link (after the relay id and its dot). */
const secretOf = (url) => new URL(url).hash.slice(1).split(".")[1];

/** `url` with one character of its secret changed into another base64url character. */
function withSecretChanged(url) {
  const secret = secretOf(url);
  const at = 10;
  const changed = secret.slice(0, at) + (secret[at] === "x" ? "y" : "x") + secret.slice(at + 1);
  return url.replace(secret, changed);
}

/** The same secret as a link of version 1 or 2: version || secret, without the check. */
function oldForm(url) {
  const raw = Buffer.from(secretOf(url), "base64url");
  assert.equal(raw.length, 39, "the page writes checked links (39 bytes)");
  assert.ok(raw[0] === 3 || raw[0] === 4, `version ${raw[0]}`);
  const old = Buffer.concat([Buffer.of(raw[0] - 2), raw.subarray(1, 33)]);
  return url.replace(secretOf(url), old.toString("base64url"));
}

/** Loads a link in a fresh context and waits for the failure the page reports on loading. */
async function failureOnLoad(url) {
  const ctx = await context(browser);
  const p = await ctx.newPage();
  await p.goto(url);
  await p.waitForFunction(() => document.getElementById("status").dataset.failure, null, WAIT);
  const code = await failure(p);
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
  return code;
}

describe("an altered envelope and a broken link, told apart", { timeout: 240_000 }, () => {
  before(async () => {
    // The store is altered under the running relay, after the envelope was fetched: a relay
    // that keeps the bodies it served lately would serve the body from before the damage.
    // These tests play a hostile relay, which serves what it likes, so it keeps none.
    ({ relay, browser, page } = await start(env, { flags: ["--hot-bodies", "0"] }));
    relay.addSender(await setUp(page));
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });
  after(() => stop(env));

  it("a checked link to an envelope whose key block was altered says TAMPERED", async () => {
    const link = await sendInvoice({ number: "2026-0101" });
    assert.equal(secretOf(link).length, 52, "a checked link");
    // Before the damage, the link and its old form (no check) both open the invoice.
    for (const url of [link, oldForm(link)]) {
      const p = await openAsClient(url);
      assert.equal(await p.isHidden("#invoice"), false, `${url}: ${await failure(p)}`);
      await p.context().close();
    }

    alterKeyBlock(relayId(link));
    const p = await openAsClient(link);
    assert.equal(await failure(p), "TAMPERED");
    assert.equal(await p.isHidden("#invoice"), true);
    await p.context().close();
    // The old form of the same link cannot tell the damage from a broken link, as before.
    const old = await openAsClient(oldForm(link));
    assert.equal(await failure(old), "BROKEN_LINK");
    await old.context().close();
  });

  it("a link with one character of its secret changed is a broken link", async () => {
    const link = await sendInvoice({ number: "2026-0102" });
    assert.equal(await failureOnLoad(withSecretChanged(link)), "BROKEN_LINK");
    // The secret of this link under another envelope's relay id: broken too (the check covers
    // the relay id), not an altered invoice.
    const other = await sendInvoice({ number: "2026-0103" });
    const moved = `${relay.origin}/#${relayId(other)}.${secretOf(link)}`;
    assert.equal(await failureOnLoad(moved), "BROKEN_LINK");
    // The untouched link still opens.
    const p = await openAsClient(link);
    assert.equal(await p.isHidden("#invoice"), false, String(await failure(p)));
    await p.context().close();
  });

  it("a passphrase link to an altered envelope says BAD_PASSPHRASE (either cause)", async () => {
    const passphrase = "amber kettle";
    const link = await sendInvoice({ number: "2026-0104", passphrase });
    assert.equal(secretOf(link).length, 52, "a checked link");
    alterKeyBlock(relayId(link));
    const p = await openAsClient(link, { passphrase });
    assert.equal(await failure(p), "BAD_PASSPHRASE");
    // The link is intact, so the message names both causes.
    assert.match(await p.textContent("#status"), /or the invoice was altered/);
    await p.context().close();
  });
});
