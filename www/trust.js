// The client's memory of senders, and the fraud checks shown with every invoice.
//
// Every sender a client opens is remembered at first sight (trust on first use): its key, its
// name and the account it asked to be paid to. A sender is *confirmed* only after the client
// compared its fingerprint out of band. A different key under a name or an account seen
// before is the mark of an impostor, and a changed account is the mark of invoice
// redirection: both block the invoice until the client decides. Names are compared by the
// core's lookalike key (format characters removed, NFKC, case folding, UTS #39 skeleton).
//
// The history stays on this device. Once the client has an identity, each entry is sealed to
// it (under a random key, so the store does not even list the fingerprints), and reading it
// needs the identity unlocked.

import { put, all, remove } from "/storage.js";
import { sealToSelf, openOwn } from "/own.js";
import { groupIban } from "/invoice-view.js";
import { msg } from "/i18n.js";

const normIban = (iban) => (iban ?? "").replace(/\s+/g, "").toUpperCase();
/** Every account the signed invoice asks to be paid to: the first, then the further ones. */
const payeeIbans = (invoice) =>
  [invoice.payment?.iban, ...(invoice.payment?.additionalAccounts ?? []).map((a) => a.iban)].map(normIban).filter(Boolean);
/** The accounts a pin knows for its sender (older pins hold one, as `iban`). */
const knownIbans = (pin) => pin?.accounts ?? (pin?.iban ? [pin.iban] : []);
/** What a pin records of an invoice's accounts: the first, shown in lists, and all of them. */
const accountsOf = (invoice) => {
  const ibans = payeeIbans(invoice);
  return ibans.length ? { iban: ibans[0], accounts: ibans } : {};
};
const today = () => new Date().toISOString().slice(0, 10);
const HIDDEN = /\p{Cf}/u;

/** The lookalike key of a name, from the e-invoice module (which carries the Unicode tables). */
let keying;
/** Loads the e-invoice module for its `nameKey`. */
function prepare() {
  keying ??= import("/pkg/invoice/sealbill_invoice.js").then(async (m) => {
    await m.default();
    return m.nameKey;
  });
  return keying;
}
const nameKey = async (name) => (await prepare())(name);
/** A name as written, without invisible characters, case or compatibility forms. */
const plainKey = (name) => name.replace(/\p{Cf}/gu, "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();

/**
 * Starts loading what assessing needs, while the reader decides to open: the e-invoice
 * module, when there is a history of senders to compare names with.
 */
export async function warmUp() {
  if ((await all("pins")).length) await prepare();
}

/** When a pin was confirmed; pins of the first version kept the date as `since`. */
const confirmedOn = (pin) => pin?.confirmedOn ?? pin?.since;

/** The client identity the history is sealed to, once unlocked. */
let owner;

/** Whether history entries are sealed to a client identity that is not unlocked. */
async function locked() {
  return !owner && (await all("pins")).some((record) => record.secret);
}

/** Every history entry that can be read now; each keeps its storage key as `key`. */
export async function pins() {
  const out = [];
  for (const record of await all("pins")) {
    if (!record.secret) out.push({ ...record, key: record.fingerprint });
    else if (owner) {
      try {
        out.push({ ...openOwn(owner, record.secret), key: record.key });
      } catch {
        // An entry that does not open with this identity is left alone.
      }
    }
  }
  return out;
}

/** The entry of one sender, if any. */
export const pinOf = async (fingerprint) => (await pins()).find((p) => p.fingerprint === fingerprint);

/** Writes an entry: sealed to the client identity when there is one, plain before. */
async function write({ key, ...pin }) {
  if (!owner) return put("pins", pin.fingerprint, pin);
  const sealedKey = key && key !== pin.fingerprint ? key
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  if (key === pin.fingerprint) await remove("pins", key);
  await put("pins", sealedKey, { key: sealedKey, secret: sealToSelf(owner, "pin", pin) });
}

/** From now on the history is sealed to `identity`; entries kept plain until now are sealed too. */
export async function sealHistoryTo(identity) {
  owner = identity;
  for (const record of await all("pins")) {
    if (!record.secret) await write({ ...record, key: record.fingerprint });
  }
}

/**
 * The team checks of an invoice a member sent for a business (`member`: the opened result's,
 * as its owner signed it): every account the invoice names must be one the owner signed, and
 * the team list it was sent under must not be older than one seen from this business (the
 * sender may have been removed since). Both refuse the invoice outright.
 */
function teamWarnings(business, member, accounts, issuedAt, pin) {
  const warnings = [];
  if (!member) return warnings;
  const signed = new Set(member.accounts);
  const unsigned = accounts.map(normIban).filter((a) => a && !signed.has(a));
  if (unsigned.length) {
    warnings.push({ code: "ACCOUNT_NOT_SIGNED", text: msg("Do not pay this invoice. It asks for payment to {accounts}, but the owner of {business} did not sign these bank details: {member}, who sent it, cannot choose where you pay. Call {business} on a number you already know.",
    { accounts: unsigned.map(groupIban).join(", "), business: business.name, member: member.name }) });
  }
  // SPEC §3.8 (Membership::check_envelope): a member's invoice issued at or after a newer team
  // list seen from this business must carry that list or a newer one. Invoices sent before it
  // keep opening, and the owner cannot be removed.
  const stale = (pin?.rosterVersion ?? 0) > member.rosterVersion && issuedAt >= (pin?.rosterIssued ?? 0);
  if (member.role !== "owner" && stale) {
    warnings.push({ code: "OLD_TEAM_LIST", text: msg("Do not pay this invoice. {member} sent it under an older list of {business}'s staff than one you have already seen: {member} may have been removed from the team since. Call {business} on a number you already know.", { member: member.name, business: business.name }) });
  }
  return warnings;
}

/**
 * Assesses a verified invoice: `{ state, warnings, blocking, refused, known, remember }`.
 * - `state`: "confirmed" (fingerprint compared earlier), "seen" (opened before, never
 *   compared), "new" (never seen), or "unexpected" (a name or account we know, another key);
 * - `warnings`: `{ code, text }` (`text` a message);
 * - `blocking`: the invoice must stay hidden until the client decides (an impostor key, or
 *   changed bank details);
 * - `refused`: the invoice stays hidden, without a choice (bank details or a team list the
 *   business's owner did not sign for it);
 * - `known`: the pin the invoice was compared with, if any;
 * - `remember`: what to record in the business's pin once shown (the newest team list seen).
 * `team` holds, for an invoice a member sent, the `member` of the opened result, its signed
 * issue time (`issuedAt`) and every payee account of the invoice (`accounts`).
 */
export async function assess(sender, invoice, team = {}) {
  if (await locked()) {
    return { state: "locked", blocking: false, warnings: [{ code: "HISTORY_LOCKED", text:
      msg("Your history of senders is sealed to your key, which you did not unlock, so this sender was not checked against it. Do not pay before you unlock it and open the invoice again, or call the sender.") }] };
  }
  const history = await pins();
  const pin = history.find((p) => p.fingerprint === sender.fingerprint);
  const others = history.filter((p) => p.fingerprint !== sender.fingerprint);
  const names = [sender.name, invoice.seller.name];
  // Lookalike keys are needed only to compare with others: a first sender needs no tables.
  const keys = others.length ? new Set(await Promise.all(names.map(nameKey))) : new Set();
  const ibans = payeeIbans(invoice);
  let sameName;
  for (const other of others) {
    if (keys.has(await nameKey(other.name))) {
      sameName = other;
      break;
    }
  }
  const sameAccount = others.find((p) => knownIbans(p).some((a) => ibans.includes(a)));
  const impostor = pin ? undefined : sameName ?? sameAccount;
  const state = pin ? (confirmedOn(pin) ? "confirmed" : "seen") : impostor ? "unexpected" : "new";
  const warnings = [];
  if (impostor) {
    const values = { name: impostor.name };
    warnings.push({ code: "UNEXPECTED_KEY", text: sameName
      ? msg("This invoice uses a name that looks like {name}'s, but it is signed by a different key than the one you know for {name}. Someone may be impersonating them. Do not pay; call {name} on a number you already know.", values)
      : msg("This invoice uses the bank account of {name}, but it is signed by a different key than the one you know for {name}. Someone may be impersonating them. Do not pay; call {name} on a number you already know.", values) });
  }
  const compared = pin ?? impostor;
  // Every account the invoice names counts: a second account is as good a way to redirect a
  // payment as a changed first one.
  const known = knownIbans(compared);
  const added = known.length ? ibans.filter((a) => !known.includes(a)) : [];
  const ibanChanged = added.length > 0;
  if (ibanChanged) {
    const payee = invoice.payment?.accountName ?? invoice.seller.name;
    const old = known.map(groupIban).join(", ");
    const asked = added.map(groupIban).join(", ");
    warnings.push({ code: "IBAN_CHANGED", text: msg("The bank details changed. Until now {name} was paid to {old}; this invoice asks for {new} (payee “{payee}”, as signed). Changed bank details are the most common invoice fraud. Call {name} on a number you already know, not one on this invoice, before paying.",
    { name: compared.name, old, new: asked, payee }), old, new: asked, payee });
  }
  if (names.some((n) => HIDDEN.test(n))) {
    warnings.push({ code: "HIDDEN_CHARACTERS", text:
      msg("The sender's name contains invisible characters, which can make one name look like another.") });
  }
  if (new Set(names.map(plainKey)).size > 1) {
    warnings.push({ code: "NAME_MISMATCH", text: msg("The signer calls itself “{signer}” but the invoice names the seller “{seller}”.",
      { signer: sender.name, seller: invoice.seller.name }) });
  }
  const sellerCountry = invoice.seller.address?.country;
  const abroad = [...new Set(ibans.map((a) => a.slice(0, 2)).filter((c) => sellerCountry && c !== sellerCountry))];
  if (abroad.length) {
    warnings.push({ code: "FOREIGN_IBAN", text: msg("The account is in {countries} but the seller is in {country}. Check this is expected.",
      { countries: abroad.join(", "), country: sellerCountry }) });
  }
  const refusals = teamWarnings(sender, team.member, team.accounts ?? [], team.issuedAt ?? 0, pin);
  warnings.unshift(...refusals);
  const newer = team.member && team.member.rosterVersion > (pin?.rosterVersion ?? 0);
  return { state, warnings, blocking: Boolean(impostor) || ibanChanged || refusals.length > 0, refused: refusals.length > 0,
    known: compared, confirmedOn: confirmedOn(pin), remember: newer ? { rosterVersion: team.member.rosterVersion, rosterIssued: team.member.rosterIssued } : {} };
}

/**
 * Remembers the sender of an opened invoice at first sight. A pin that exists is left as it
 * is: a changed account is recorded only by `acceptAccount`, after the client decided.
 */
export async function remember(sender, invoice, extra = {}) {
  if (await locked()) return;
  const pin = await pinOf(sender.fingerprint);
  if (pin) {
    if (Object.keys(extra).length) await write({ ...pin, ...extra });
    return;
  }
  await write({
    fingerprint: sender.fingerprint, name: sender.name,
    card: sender.card, ...accountsOf(invoice), firstSeen: today(), ...extra,
  });
}

/** Records that the client compared this sender's fingerprint, and the account it accepts. */
export async function confirm(sender, invoice) {
  await remember(sender, invoice);
  const pin = await pinOf(sender.fingerprint);
  if (pin) await write({ ...pin, confirmedOn: today(), ...accountsOf(invoice) });
}

/** Records the account of this invoice as the sender's, after the client checked it by phone. */
export async function acceptAccount(sender, invoice) {
  await remember(sender, invoice);
  const pin = await pinOf(sender.fingerprint);
  if (pin) await write({ ...pin, ...accountsOf(invoice) });
}

/** Marks a remembered sender as confirmed, after the client compared its fingerprint. */
export async function confirmFingerprint(fingerprint) {
  const pin = await pinOf(fingerprint);
  if (pin) await write({ ...pin, confirmedOn: today() });
}
