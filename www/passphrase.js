// A passphrase strength hint: a rough guess of the bits an attacker must search, which
// Argon2id then makes slow. It guides; the keystore itself enforces nothing about strength.

import { msg } from "/i18n.js";

const COMMON = /^(password|passwort|123456|qwerty|letmein|welcome|sealbill|invoice|admin)/i;

/** What each level says: its name and what would help, in the page's language. */
const LEVELS = {
  "Too weak": [msg("Too weak"), msg("Use at least 12 characters; four or more unrelated words are easy to remember and hard to guess.")],
  Fair: [msg("Fair"), msg("Longer is better: add another word.")],
  Strong: [msg("Strong"), msg("Keep it somewhere safe: it cannot be recovered.")],
};

const level = (label) => ({ label, hint: LEVELS[label][1].key, message: msg("{label}. {hint}", { label: LEVELS[label][0], hint: LEVELS[label][1] }) });

/**
 * `{ label, hint, message }`: the level "Too weak", "Fair" or "Strong" (a stable English word,
 * for code and CSS), the English hint, and `message`, both as a message in the page's language.
 */
export function strength(passphrase) {
  const words = passphrase.trim().split(/\s+/).filter(Boolean).length;
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^A-Za-z0-9]/.test(passphrase)) pool += 33;
  const unique = new Set(passphrase).size;
  let bits = Math.min(passphrase.length, unique * 2) * Math.log2(Math.max(pool, 1));
  if (words >= 4) bits = Math.max(bits, words * 11);
  if (COMMON.test(passphrase) || passphrase.length < 12) bits = Math.min(bits, 40);
  if (bits < 50) return level("Too weak");
  if (bits < 70) return level("Fair");
  return level("Strong");
}
