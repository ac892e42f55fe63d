// A passkey as the second factor (SPEC §5.2, keystore v2), end to end in headless Chromium
// against the relay binary, with the CDP WebAuthn domain's virtual authenticator (CTAP2 with
// the PRF extension). WebAuthn refuses IP addresses as relying parties, so the page is opened
// as http://localhost:PORT (the relay still listens on 127.0.0.1 only).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { context, shot } from "./harness.mjs";
import { WAIT, PASSPHRASE, flows, start, stop } from "./flows.mjs";

const CLIENT_PASSPHRASE = "copper meadow quiet ninety";
const env = {};
const { setUp } = flows(env);
let page, cdp, authenticator;

const AUTHENTICATOR = { protocol: "ctap2", ctap2Version: "ctap2_1", transport: "internal", hasResidentKey: true,
  hasUserVerification: true, isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true };

/**
 * Adds a virtual authenticator (`prf`: whether it has the PRF extension; Chromium allows one
 * `internal` one at a time); returns its id.
 */
async function addAuthenticator({ prf = true, transport = "internal" } = {}) {
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator",
    { options: { ...AUTHENTICATOR, hasPrf: prf, transport } });
  return authenticatorId;
}

const status = () => page.evaluate(() => ({ text: document.getElementById("status").textContent,
  kind: document.getElementById("status").dataset.kind }));

// Changing how keys unlock runs Argon2id (64 MiB, 3 passes) up to twice, which a busy machine
// can make slow: these waits get more time than the page's usual ones.
const SLOW = { timeout: 90_000 };

/** Waits for the status line to settle on `kind` ("ok" or "error"); returns its text. */
async function settled(kind) {
  await page.waitForFunction((k) => document.getElementById("status").dataset.kind === k, kind, SLOW)
    .catch(async (e) => { console.log("STATUS", await status()); throw e; });
  return (await status()).text;
}

/** Opens the Security screen and waits until its panel is drawn afresh. */
async function openSecurity() {
  const drawn = () => page.evaluate(() => document.getElementById("business-security").dataset.render ?? "");
  const before = await drawn();
  await page.click("#nav-security");
  await page.waitForFunction((b) => document.getElementById("business-security").dataset.render !== b, before, WAIT);
}

/** Opens the Security screen and submits its passkey form with the passphrase. */
async function security(passphrase, button = "form button[type=submit]") {
  await openSecurity();
  await page.fill("#business-security-passphrase", passphrase);
  await page.evaluate(() => { document.getElementById("status").dataset.kind = ""; });
  await page.click(`#business-security ${button}`);
}

/** Reloads to the unlock screen and unlocks with `passphrase`. */
async function unlockWith(passphrase) {
  await page.reload();
  await page.waitForSelector("#unlock:not([hidden])", WAIT);
  await page.fill("#unlock-passphrase", passphrase);
  await page.click("#unlock-form button[type=submit]");
  await page.waitForFunction(() => !document.getElementById("nav").hidden
    || document.getElementById("status").dataset.kind === "error", null, SLOW);
  return page.evaluate(() => !document.getElementById("nav").hidden);
}

describe("a passkey as second factor", { timeout: 600_000 }, () => {
  before(async () => {
    await start(env);
    env.relay.origin = env.relay.origin.replace("//127.0.0.1:", "//localhost:");
    page = env.page;
    cdp = await env.business.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await setUp(page);
    await page.click("#created-continue");
    await page.waitForSelector("#compose:not([hidden])", WAIT);
  });
  after(() => stop(env));

  it("explains an authenticator without PRF and keeps the passphrase alone", async () => {
    const plain = await addAuthenticator({ prf: false });
    await security(PASSPHRASE);
    assert.match(await settled("error"), /lacks the WebAuthn PRF extension/);
    assert.match(await page.textContent("#business-security [data-test=unlock-needs]"), /needs your passphrase and this browser/);
    await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: plain });
    assert.equal(await unlockWith(PASSPHRASE), true, "the passphrase alone still unlocks");
  });

  it("enrols a passkey, and then unlocking needs both factors", async () => {
    authenticator = await addAuthenticator();
    await security("not the passphrase");
    assert.match(await settled("error"), /Wrong passphrase/);
    await security(PASSPHRASE);
    assert.match(await settled("ok"), /needs your passphrase and this passkey/);
    assert.match(await page.textContent("#business-security [data-test=unlock-needs]"), /passphrase and your passkey\./);
    await shot(page, "40-passkey-enrolled");
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator });
    assert.equal(credentials.length, 1);

    // Lock, reload, unlock with both.
    await page.click("#nav-lock");
    await page.waitForSelector("#unlock:not([hidden])", WAIT);
    assert.equal(await page.isVisible("#unlock-passkey"), true, "the unlock screen says a passkey is needed");
    assert.equal(await unlockWith(PASSPHRASE), true, "passphrase and passkey unlock");

    // The right passkey with a wrong passphrase fails.
    assert.equal(await unlockWith("plum harbour seven lantern"), false);
    assert.match((await status()).text, /Wrong passphrase/);
  });

  it("adds a second passkey, removes the first, and turns passkeys off", async () => {
    // The second passkey is on a security key: adding needs a current passkey and the new
    // one, and the browser uses the authenticator that holds each requested credential.
    assert.equal(await unlockWith(PASSPHRASE), true);
    // Adding needs the current passkey, then the new one. Chromium's virtual environment
    // cannot ask one of two authenticators for a credential (the other answers "unknown"
    // first), so the test swaps them as a person would swap security keys: once the first
    // has answered, it is unplugged and the second plugged in. The page's request for the new
    // passkey waits until the swap is done, as the browser's dialog waits for the person.
    await page.evaluate(() => {
      const create = navigator.credentials.create.bind(navigator.credentials);
      const plugged = new Promise((resolve) => { window.plugged = resolve; });
      navigator.credentials.create = async (options) => {
        await plugged;
        navigator.credentials.create = create;
        return create(options);
      };
    });
    let second;
    const swapped = new Promise((resolve) => {
      cdp.once("WebAuthn.credentialAsserted", async () => {
        await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: authenticator });
        second = await addAuthenticator({ transport: "usb" });
        await page.evaluate(() => window.plugged());
        resolve();
      });
    });
    const { credentials: [first] } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator });
    await security(PASSPHRASE);
    await swapped;
    assert.match(await settled("ok"), /Passkey added/);
    const items = () => page.locator("#business-security [data-test=passkey]");
    assert.equal(await items().count(), 2);
    assert.match(await page.textContent("#business-security [data-test=unlock-needs]"), /one of your 2 passkeys/);
    const { credentials: onSecond } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: second });
    assert.equal(onSecond.length, 1);
    assert.notEqual(onSecond[0].credentialId, first.credentialId);
    assert.equal(await unlockWith(PASSPHRASE), true, "the second passkey unlocks");

    // Remove the first passkey (with the second as the current one).
    await openSecurity();
    await page.fill("#business-security-passphrase", PASSPHRASE);
    await page.evaluate(() => { document.getElementById("status").dataset.kind = ""; });
    await items().first().locator("button").click();
    assert.match(await settled("ok"), /Passkey removed/);
    assert.equal(await items().count(), 1);
    const left = await page.evaluate(async () => {
      const { keystorePasskeys } = await import("/pkg/sealbill.js");
      const { keystoreBlob } = await import("/storage.js");
      return keystorePasskeys(await keystoreBlob("business")).map((p) => btoa(String.fromCharCode(...p.credential)));
    });
    const standard = (id) => Buffer.from(id, "base64url").toString("base64");
    assert.deepEqual(left, [standard(onSecond[0].credentialId)], "the first passkey's slot is gone");

    // Turn passkeys off: the passphrase alone unlocks again.
    await security(PASSPHRASE, "button.quiet");
    assert.match(await settled("ok"), /Passkeys turned off/);
    await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: second });
    assert.equal(await unlockWith(PASSPHRASE), true, "the passphrase alone unlocks");
  });

  it("fails with a wrong passkey", async () => {
    const enrolledOn = await addAuthenticator();
    await security(PASSPHRASE);
    assert.match(await settled("ok"), /needs your passphrase and this passkey/);
    await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: enrolledOn });

    // Another genuine passkey for this site, on another authenticator.
    await addAuthenticator();
    const other = await page.evaluate(async () => {
      const random = (n) => crypto.getRandomValues(new Uint8Array(n));
      const made = await navigator.credentials.create({ publicKey: { challenge: random(32), rp: { name: "sealbill" },
        user: { id: random(16), name: "someone else", displayName: "someone else" },
        pubKeyCredParams: [{ type: "public-key", alg: -7 }], extensions: { prf: {} } } });
      return Array.from(new Uint8Array(made.rawId));
    });
    // The browser asks only for the enrolled passkey, which no authenticator holds.
    assert.equal(await unlockWith(PASSPHRASE), false);
    assert.match((await status()).text, /cancelled or timed out, or this passkey is not one of yours/);
    await shot(page, "41-passkey-wrong");

    // And the keystore itself: the other passkey's real PRF output opens nothing, whether it
    // comes with its own credential id or claims the enrolled one.
    const codes = await page.evaluate(async ({ passphrase, other }) => {
      const { Identity, keystorePasskeys } = await import("/pkg/sealbill.js");
      const { keystoreBlob } = await import("/storage.js");
      const { ask } = await import("/passkeys.js");
      const blob = await keystoreBlob("business");
      const [enrolled] = keystorePasskeys(blob);
      const answer = await ask([{ credential: new Uint8Array(other), prfSalt: enrolled.prfSalt }]);
      const attempt = (passkey) => {
        try {
          Identity.unlock(blob, passphrase, passkey);
          return "unlocked";
        } catch (error) {
          return error.code;
        }
      };
      return [attempt(undefined), attempt(answer), attempt({ ...answer, credential: enrolled.credential })];
    }, { passphrase: PASSPHRASE, other });
    assert.deepEqual(codes, ["PASSKEY_REQUIRED", "UNKNOWN_PASSKEY", "BAD_PASSPHRASE"]);
    assert.deepEqual(env.business.errors, []);
  });

  it("a client's key can need a passkey too", async () => {
    const ctx = await context(env.browser);
    const inbox = await ctx.newPage();
    const session = await ctx.newCDPSession(inbox);
    await session.send("WebAuthn.enable");
    await session.send("WebAuthn.addVirtualAuthenticator", { options: AUTHENTICATOR });
    await inbox.goto(`${env.relay.origin}/#inbox`);
    await inbox.waitForSelector("#client-key:not([hidden])", WAIT);
    await inbox.fill("#client-name", "Beispiel AG");
    await inbox.fill("#client-passphrase", CLIENT_PASSPHRASE);
    await inbox.fill("#client-passphrase2", CLIENT_PASSPHRASE);
    await inbox.click("#client-create-form button[type=submit]");
    await inbox.waitForSelector("#client-security [data-test=unlock-needs]", WAIT);
    await inbox.fill("#client-security-passphrase", CLIENT_PASSPHRASE);
    await inbox.click("#client-security form button[type=submit]");
    await inbox.waitForFunction(() => document.getElementById("status").dataset.kind === "ok", null, SLOW);
    assert.match(await inbox.textContent("#client-security [data-test=unlock-needs]"), /passphrase and your passkey\./);

    await inbox.reload();
    await inbox.waitForSelector("#client-key:not([hidden])", WAIT);
    assert.equal(await inbox.isVisible("#client-unlock-passkey"), true);
    await inbox.fill("#client-unlock-passphrase", CLIENT_PASSPHRASE);
    await inbox.click("#client-unlock-form button[type=submit]");
    await inbox.waitForSelector("#inbox:not([hidden])", SLOW);
    assert.deepEqual(ctx.errors, []);
  });
});
