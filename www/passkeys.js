// Passkeys as a second factor (SPEC §5.2, keystore v2): an identity can require a passkey as
// well as its passphrase. The authenticator's WebAuthn PRF output and the passphrase's
// Argon2id output together unwrap the key; neither alone does. Nothing here talks to a
// server: the PRF is evaluated by the authenticator, in this browser.

import { Identity, keystorePasskeys, addPasskey, removePasskey } from "/pkg/sealbill.js";
import { $, h, say } from "/dom.js";
import * as storage from "/storage.js";
import { formatDate, msg, t } from "/i18n.js";

/** A passkey problem, explained in plain words for the status line (`text`: the message to show). */
export class PasskeyError extends Error {
  constructor(message) {
    super(String(message));
    this.name = "PasskeyError";
    this.text = message;
  }
}

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const random = (n) => crypto.getRandomValues(new Uint8Array(n));

/** Turns a WebAuthn failure into a PasskeyError that says what to do. */
function explainWebAuthn(error) {
  if (error instanceof PasskeyError) return error;
  if (error?.name === "NotAllowedError") {
    return new PasskeyError(msg("The passkey request was cancelled or timed out, or this passkey is not one of yours for these keys."));
  }
  if (error?.name === "SecurityError") {
    return new PasskeyError(msg("Passkeys need this page to be opened by its domain name (for example http://localhost:8080, not an IP address) over HTTPS or on this computer."));
  }
  if (error?.name === "InvalidStateError") return new PasskeyError(msg("This passkey is already enrolled for these keys."));
  return new PasskeyError(msg("The passkey did not answer: {reason}.", { reason: error?.message ?? error }));
}

function needWebAuthn() {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    throw new PasskeyError(msg("This browser does not support passkeys. Your passphrase alone still unlocks your keys."));
  }
}

const NO_PRF = msg("This passkey cannot protect keys: it lacks the WebAuthn PRF extension (hmac-secret). Try another one (a recent security key, or the passkeys of a recent phone or computer). Your passphrase alone still unlocks your keys.");

/**
 * Asks one of `enrolled` (`keystorePasskeys` entries) for its PRF output. Resolves with the
 * `Passkey` object `Identity.unlock` takes; wipe it with `wipe` after use.
 */
export async function ask(enrolled) {
  needWebAuthn();
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: {
      challenge: random(32),
      allowCredentials: enrolled.map((p) => ({ type: "public-key", id: p.credential })),
      userVerification: "preferred",
      timeout: 120_000,
      extensions: { prf: { evalByCredential: Object.fromEntries(enrolled.map((p) => [b64url(p.credential), { first: p.prfSalt }])) } },
    } });
  } catch (error) {
    throw explainWebAuthn(error);
  }
  const id = new Uint8Array(credential.rawId);
  const slot = enrolled.find((p) => b64url(p.credential) === b64url(id));
  const first = credential.getClientExtensionResults().prf?.results?.first;
  if (!first) throw new PasskeyError(NO_PRF);
  return { credential: id, prfSalt: slot ? slot.prfSalt : new Uint8Array(32), prf: new Uint8Array(first) };
}

/** Creates a passkey for `name` and returns its PRF output for a fresh PRF input. */
async function enrol(name) {
  needWebAuthn();
  let created;
  try {
    created = await navigator.credentials.create({ publicKey: {
      challenge: random(32),
      rp: { name: "sealbill" },
      user: { id: random(16), name: `${name} (sealbill)`, displayName: name },
      pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -8 }, { type: "public-key", alg: -257 }],
      authenticatorSelection: { userVerification: "preferred", residentKey: "preferred" },
      timeout: 120_000,
      extensions: { prf: {} },
    } });
  } catch (error) {
    throw explainWebAuthn(error);
  }
  if (!created.getClientExtensionResults().prf?.enabled) throw new PasskeyError(NO_PRF);
  // The PRF output is read with an assertion, the same way unlocking reads it later.
  return ask([{ credential: new Uint8Array(created.rawId), prfSalt: random(32) }]);
}

/** Wipes a passkey's PRF output from JS memory. */
export const wipe = (passkey) => passkey?.prf.fill(0);

/** The passkeys a stored identity needs ("business" or "client"); empty for the passphrase alone. */
export async function enrolledFor(who) {
  return keystorePasskeys(await storage.keystoreBlob(who));
}

/**
 * Unlocks the stored `who` identity with `passphrase`, asking for one of its passkeys first
 * when it needs one.
 */
export async function unlockStored(who, passphrase) {
  const blob = await storage.keystoreBlob(who);
  const enrolled = keystorePasskeys(blob);
  const passkey = enrolled.length > 0 ? await ask(enrolled) : undefined;
  try {
    return Identity.unlock(blob, passphrase, passkey);
  } finally {
    wipe(passkey);
  }
}

/** What went wrong while unlocking, for the status line. */
export function unlockProblem(error) {
  if (error instanceof PasskeyError) return error.text;
  switch (error.code) {
    case "BAD_PASSPHRASE": return msg("Wrong passphrase (or a passkey that does not belong to these keys).");
    case "UNKNOWN_PASSKEY": return msg("That passkey is not one of the passkeys of these keys. Use one you enrolled.");
    case "PASSKEY_REQUIRED": return msg("These keys also need one of their passkeys.");
    default: return msg("Cannot unlock: {reason}", { reason: error.text ?? error.message });
  }
}

/** The stored identity's info with the passkey labels replaced, and its new blob. */
async function replaceBlob(who, blob, labels) {
  const { passkeys, ...info } = await storage.identityInfo(who);
  await storage.saveIdentity(who, blob, { ...info, passkeys: labels });
}

async function labelsOf(who) {
  return (await storage.identityInfo(who))?.passkeys ?? {};
}

/** How many times a security panel was drawn: a new value marks a finished drawing. */
let renders = 0;

/**
 * Renders the passkey settings of the `who` identity into `container`: what unlocking needs,
 * the enrolled passkeys, and forms to require a passkey, add one, remove one or turn them off.
 */
export async function showSecurity(container, who) {
  const blob = await storage.keystoreBlob(who);
  const enrolled = keystorePasskeys(blob);
  const labels = await labelsOf(who);
  const passphrase = h("input", { type: "password", required: true, autocomplete: "current-password", id: `${who}-security-passphrase` });
  const label = h("input", { id: `${who}-passkey-label`, placeholder: msg("for example: YubiKey, or my phone"), maxlength: 60 });
  const act = (work, done) => async (event) => {
    event?.preventDefault();
    if (!passphrase.value) return say(msg("Enter your passphrase first: changing how your keys unlock needs it."), "error");
    say(msg("Waiting for your passkey, then locking your keys again (a second or two)…"));
    try {
      await work(passphrase.value);
      await showSecurity(container, who);
      say(done, "ok");
    } catch (error) {
      say(unlockProblem(error), "error");
    }
  };
  const named = () => label.value.trim() || t("Passkey added {date}", { date: formatDate(new Date().toISOString().slice(0, 10)) });

  const requirePasskey = act(async (pass) => {
    const identity = Identity.unlock(blob, pass);
    let passkey;
    try {
      passkey = await enrol(identity.name);
      await replaceBlob(who, identity.lockWithPasskey(pass, passkey), { [b64url(passkey.credential)]: named() });
    } finally {
      wipe(passkey);
      identity.free();
    }
  }, msg("Done: from now on, unlocking needs your passphrase and this passkey."));

  const addAnother = act(async (pass) => {
    const current = await ask(enrolled);
    let added;
    try {
      // addPasskey checks both factors before it adds anything.
      added = await enrol((await storage.identityInfo(who)).name);
      await replaceBlob(who, addPasskey(blob, pass, current, added), { ...labels, [b64url(added.credential)]: named() });
    } finally {
      wipe(current);
      wipe(added);
    }
  }, msg("Passkey added. Either passkey now unlocks your keys, always with your passphrase."));

  const remove = (credential) => act(async (pass) => {
    const current = await ask(enrolled);
    try {
      const rest = { ...labels };
      delete rest[b64url(credential)];
      await replaceBlob(who, removePasskey(blob, pass, current, credential), rest);
    } finally {
      wipe(current);
    }
  }, msg("Passkey removed: it no longer unlocks your keys."));

  const turnOff = act(async (pass) => {
    const current = await ask(enrolled);
    try {
      const identity = Identity.unlock(blob, pass, current);
      await replaceBlob(who, identity.lock(pass), {});
      identity.free();
    } finally {
      wipe(current);
    }
  }, msg("Passkeys turned off: your passphrase alone unlocks your keys on this device."));

  const list = enrolled.map((p) => {
    const id = b64url(p.credential);
    return h("li", { "data-test": "passkey" }, labels[id] ?? msg("A passkey"), " ",
      enrolled.length > 1 ? h("button", { type: "button", onclick: remove(p.credential) }, msg("Remove")) : null);
  });
  container.dataset.render = String(++renders);
  container.replaceChildren(
    h("h3", {}, msg("Passkey (second factor)")),
    h("p", { "data-test": "unlock-needs" }, enrolled.length > 0
      ? (enrolled.length === 1 ? msg("Unlocking needs your passphrase and your passkey.")
        : msg("Unlocking needs your passphrase and one of your {n} passkeys.", { n: enrolled.length }))
      : msg("Unlocking needs your passphrase and this browser. You can require a passkey too.")),
    h("p", { class: "hint" }, msg("With a passkey, someone who learns your passphrase and gets hold of this browser still cannot unlock your keys without the passkey, and a stolen passkey is useless without the passphrase. If you lose every passkey, only your backup file (locked with its own passphrase) restores your keys: keep it away from this computer.")),
    enrolled.length > 0 ? h("ul", { class: "passkeys" }, list) : null,
    h("form", { onsubmit: enrolled.length > 0 ? addAnother : requirePasskey },
      h("p", {}, h("label", { for: passphrase.id }, msg("Your passphrase")), passphrase),
      h("p", {}, h("label", { for: label.id }, msg("Name of the new passkey (optional)")), label),
      h("button", { type: "submit" }, enrolled.length > 0 ? msg("Add another passkey") : msg("Require a passkey too")),
      enrolled.length > 0 ? [" ", h("button", { type: "button", class: "quiet", onclick: turnOff }, msg("Turn passkeys off"))] : null),
  );
}
