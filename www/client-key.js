// The client's own identity on this device: created, restored or unlocked when first needed,
// then kept in wasm memory for the life of the page. It is locked like the business identity:
// a passphrase (Argon2id) and a non-extractable key of this browser.

import { Identity } from "/pkg/sealbill.js";
import { $, show, say, setText } from "/dom.js";
import { msg } from "/i18n.js";
import * as storage from "/storage.js";
import { strength } from "/passphrase.js";
import { sealHistoryTo } from "/trust.js";

// Loaded when first used: opening a link with no key of the client's needs neither.
const passkeys = () => import("/passkeys.js");
const backups = () => import("/backup.js");

let unlocked;

/** An error whose `text` is a message to show in the page's language. */
const refusal = (text) => Object.assign(new Error(String(text)), { text });

/** The unlocked client identity, or undefined. */
export const unlockedClient = () => unlocked;

/** What the page keeps about this device's client identity (name, fingerprint), or undefined. */
export const clientInfo = () => storage.identityInfo("client");

async function keep(identity, passphrase) {
  await storage.saveIdentity("client", identity.lock(passphrase),
    { name: identity.name, fingerprint: identity.fingerprint() });
  unlocked = identity;
  await sealHistoryTo(identity);
  setText($("client-backup"), msg("Keep a backup of your key, away from this laptop:"));
  $("client-backup").append(" ",
    await (await backups()).firstBackupLink(identity, "client", passphrase));
  $("client-backup").hidden = false;
}

/**
 * Resolves with the client identity: unlocked already, or after the person creates, restores
 * or unlocks it on the `client-key` screen. `why` (a message) says what it is for; `back` is the screen to
 * return to. Resolves undefined if they choose "Not now".
 */
export async function clientIdentity(why, back) {
  if (unlocked) return unlocked;
  const info = await clientInfo();
  setText($("client-key-why"), why);
  $("client-create").hidden = Boolean(info);
  $("client-unlock").hidden = !info;
  if (info) {
    $("client-unlock-who").textContent = `${info.name} · ${info.fingerprint}`;
    $("client-unlock-passkey").hidden = (await (await passkeys()).enrolledFor("client")).length === 0;
  }
  show("client-key");
  say("");
  const listening = new AbortController();
  const { signal } = listening;
  return new Promise((resolve) => {
    const done = (identity) => {
      listening.abort();
      for (const form of ["client-create-form", "client-restore-form", "client-unlock-form"]) $(form).reset();
      if (back) show(back);
      resolve(identity);
    };
    const attempt = (act) => async (event) => {
      event.preventDefault();
      try {
        done(await act());
      } catch (error) {
        const unlocking = error.code === "BAD_PASSPHRASE" || error.name === "PasskeyError" || error.code === "UNKNOWN_PASSKEY";
        say(error.restore ? error.text ?? error.message
          : unlocking ? (await passkeys()).unlockProblem(error)
            : msg("That did not work: {reason}", { reason: error.text ?? error.message }), "error");
      }
    };
    $("client-passphrase").addEventListener("input", () => {
      const { label, hint, message } = strength($("client-passphrase").value);
      setText($("client-strength"), $("client-passphrase").value ? message ?? `${label}. ${hint}` : "");
      $("client-strength").dataset.strength = label;
    }, { signal });
    $("client-create-form").addEventListener("submit", attempt(async () => {
      const passphrase = $("client-passphrase").value;
      if (passphrase !== $("client-passphrase2").value) throw refusal(msg("the two passphrases differ"));
      if (strength(passphrase).label === "Too weak") {
        throw refusal(msg("choose a longer passphrase: at least 12 characters, better four or more words"));
      }
      say(msg("Creating your key and locking it (a second or two)…"));
      let identity;
      try {
        identity = Identity.generate($("client-name").value.trim());
      } catch {
        throw refusal(msg("the name must be one line, without invisible characters (such as zero-width spaces or direction marks)"));
      }
      await keep(identity, passphrase);
      say("");
      return identity;
    }), { signal });
    $("client-restore-form").addEventListener("submit", attempt(async () => {
      const passphrase = $("client-restore-passphrase").value;
      say(msg("Checking the backup (a few seconds)…"));
      const { restoreAny, restoreProblem } = await backups();
      let identity;
      try {
        identity = await restoreAny($("client-restore-file").files[0], passphrase, "client",
          (restored) => keep(restored, passphrase));
      } catch (error) {
        const why = restoreProblem(error);
        throw Object.assign(new Error(String(why)), { restore: true, text: why });
      }
      unlocked = identity;
      await sealHistoryTo(identity);
      say("");
      return identity;
    }), { signal });
    $("client-unlock-form").addEventListener("submit", attempt(async () => {
      say(msg("Unlocking…"));
      unlocked = await (await passkeys()).unlockStored("client", $("client-unlock-passphrase").value);
      await sealHistoryTo(unlocked);
      say("");
      return unlocked;
    }), { signal });
    $("client-key-cancel").addEventListener("click", () => done(undefined), { signal });
  });
}
