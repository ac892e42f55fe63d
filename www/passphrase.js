// A passphrase strength hint: a rough guess of the bits an attacker must search, which
// Argon2id then makes slow. It guides; the keystore itself enforces nothing about strength.

const COMMON = /^(password|passwort|123456|qwerty|letmein|welcome|sealbill|invoice|admin)/i;

/** `{ label, hint }`: "Too weak", "Fair" or "Strong", and what would help. */
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
  if (bits < 50) return { label: "Too weak", hint: "Use at least 12 characters; four or more unrelated words are easy to remember and hard to guess." };
  if (bits < 70) return { label: "Fair", hint: "Longer is better: add another word." };
  return { label: "Strong", hint: "Keep it somewhere safe: it cannot be recovered." };
}
