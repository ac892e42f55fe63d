// Full backups of a business or a client (SPEC §5.6): the identity, the profile, the address
// book or pins, and every archived envelope with its record, in one file locked under a
// passphrase and authenticated as a whole. A restore opens and checks the whole file first
// (in wasm), then writes IndexedDB in one transaction: a wrong passphrase, a damaged or a cut
// file leaves this browser as it was.

import { BackupWriter, openBackup, Identity } from "/pkg/sealbill.js";
import { $, downloadLink, say, setText } from "/dom.js";
import * as storage from "/storage.js";
import { sealToSelf } from "/own.js";
import { strength } from "/passphrase.js";
import { formatDate, msg } from "/i18n.js";

/** What each role keeps: its archive store and time field, its other stores and settings. */
const ROLES = {
  business: { archive: "sent", time: "sentAt", stores: ["contacts"], settings: ["processedReplies", "team"] },
  client: { archive: "inbox", time: "receivedAt", stores: ["pins"], settings: ["keepOpened"] },
};
const MAGIC = "sealbill/backup/";
const lastBackupKey = (role) => `lastBackup-${role}`;
const WHERE = msg("Keep it away from this laptop: on a USB stick in a drawer, or in another account, with its passphrase kept somewhere else.");

const toBase64 = (bytes) => {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** JSON with byte arrays (sealed records) as `{ "$bytes": base64 }`. */
const encode = (value) => new TextEncoder().encode(JSON.stringify(value,
  (_key, v) => (v instanceof Uint8Array ? { $bytes: toBase64(v) } : v)));
const decode = (data) => JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data), (_key, v) =>
  (v && typeof v === "object" && typeof v.$bytes === "string" && Object.keys(v).length === 1 ? fromBase64(v.$bytes) : v));

/** Whether `bytes` is a full backup (rather than an older key-only backup text file). */
export const isFullBackup = (bytes) => new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) === MAGIC;

/** An Error whose message is a message of the page: `text` keeps it translatable. */
const plain = (message) => Object.assign(new Error(String(message)), { text: message });

/** A date that formats itself in the current language whenever the message around it is shown. */
const dateText = (iso) => ({ toString: () => formatDate(iso) });

/** The file name of a backup made today. */
const fileName = (role) => `sealbill-${role}-backup-${new Date().toISOString().slice(0, 10)}.sbk`;

/**
 * The backup file of `identity` as the `role` ("business" or "client") of this browser, under
 * `passphrase`; a business passes its `profile`. Remembers when it was made.
 */
export async function backupFile(identity, role, passphrase, { profile } = {}) {
  const { archive, stores, settings } = ROLES[role];
  const writer = new BackupWriter(identity, passphrase);
  try {
    if (profile) writer.add("profile", "profile.json", encode(profile));
    for (const store of stores) writer.add(store, `${store}.json`, encode(await storage.entries(store)));
    const values = {};
    for (const key of settings) values[key] = await storage.get("settings", key);
    writer.add("settings", "settings.json", encode({ role, values }));
    for (const [key, record] of await storage.entries(archive)) {
      const { envelope, ...rest } = record;
      writer.add("record", `${key}.json`, encode({ store: archive, key, value: rest }));
      if (envelope) writer.add("envelope", `${key}.age`, envelope);
    }
    const file = writer.finish();
    await storage.put("settings", lastBackupKey(role), Date.now());
    return file;
  } finally {
    writer.free();
  }
}

/** Reads the entries of a verified backup into IndexedDB items; throws if one is not the page's. */
function itemsOf(entries, role) {
  const { archive, stores, settings } = ROLES[role];
  const items = [];
  const envelopes = new Map();
  const records = [];
  let profile, meta;
  for (const entry of entries) {
    let value;
    if (entry.kind !== "envelope") {
      try {
        value = decode(entry.data);
      } catch {
        throw plain(msg("its {kind} entry was not written by this page (a backup made with the command line restores there)", { kind: entry.kind }));
      }
    }
    if (entry.kind === "profile") profile = value;
    else if (entry.kind === "settings") meta = value;
    else if (entry.kind === "record") records.push(value);
    else if (entry.kind === "envelope") envelopes.set(entry.name.replace(/\.age$/, ""), entry.data);
    else if (stores.includes(entry.kind)) {
      if (!Array.isArray(value) || !value.every(Array.isArray)) throw plain(msg("its {kind} entry is not a list this page can read", { kind: entry.kind }));
      for (const [key, stored] of value) items.push({ store: entry.kind, key, value: stored });
    }
  }
  if (meta?.role !== role) {
    throw plain(meta?.role === "client" ? msg("this is the backup of a client; restore it from the inbox")
      : meta?.role === "business" ? msg("this is the backup of a business; restore it as a business")
        : msg("this backup was not made by this page (a backup made with the command line restores there)"));
  }
  if (role === "business" && !profile) throw plain(msg("this backup holds no business profile"));
  for (const key of settings) if (meta.values?.[key] !== undefined) items.push({ store: "settings", key, value: meta.values[key] });
  for (const { store, key, value } of records) {
    if (store !== archive || typeof key !== "string" || typeof value !== "object") throw plain(msg("it holds a record this page cannot read"));
    items.push({ store, key, value: envelopes.has(key) ? { ...value, envelope: envelopes.get(key) } : value });
  }
  return { items, profile };
}

/**
 * Restores a full backup into this browser as its `role`, and returns the unlocked identity.
 * Nothing is written unless the whole file verified and every entry was read; then the keys
 * (locked under the backup's passphrase), the profile, the stores and the archive are written
 * in one transaction.
 */
export async function restoreFile(bytes, passphrase, role) {
  const opened = openBackup(bytes, passphrase);
  let identity;
  try {
    identity = opened.identity;
    const { items, profile } = itemsOf(opened.entries, role);
    const info = { name: identity.name, fingerprint: identity.fingerprint(),
      ...(profile ? { profile: sealToSelf(identity, "profile", profile) } : {}) };
    items.push(await storage.identityItem(role, identity.lock(passphrase), info));
    items.push({ store: "settings", key: lastBackupKey(role), value: Date.now() });
    await storage.putAll(items);
    return identity;
  } catch (error) {
    identity?.free();
    throw error;
  } finally {
    opened.free();
  }
}

/** Restores a full backup, or an older key-only backup through `keyOnly(identity)`. */
export async function restoreAny(file, passphrase, role, keyOnly) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isFullBackup(bytes)) return restoreFile(bytes, passphrase, role);
  const identity = Identity.importBackup(new TextDecoder().decode(bytes), passphrase);
  await keyOnly(identity);
  return identity;
}

/** What to tell the person when a restore failed: the cause, and that nothing changed. */
export function restoreProblem(error) {
  const reason = error.text ?? error.message;
  const why = {
    BAD_PASSPHRASE: () => msg("Wrong passphrase for this backup (or its header was altered)."),
    TAMPERED: () => msg("This backup file is damaged or was altered."),
    TRUNCATED: () => msg("This backup file is incomplete: it was cut short."),
    LIMIT_EXCEEDED: () => msg("This backup file asks for more than this page allows ({reason}).", { reason }),
    MALFORMED: () => msg("This is not a sealbill backup file ({reason}).", { reason }),
  }[error.code]?.() ?? msg("This backup cannot be restored: {reason}.", { reason });
  return msg("{why} Nothing was restored.", { why });
}

/**
 * Makes a backup from the form fields `passphrase` and `again` (both inputs), and puts its
 * download link into `output`.
 */
export async function offerBackup(identity, role, { passphrase, again, output, profile }) {
  const text = passphrase.value;
  if (again && text !== again.value) return say(msg("The two passphrases differ."), "error");
  if (strength(text).label === "Too weak") return say(msg("Choose a longer backup passphrase: at least 12 characters, better four or more words."), "error");
  say(msg("Making the backup (a few seconds)…"));
  try {
    const file = await backupFile(identity, role, text, { profile });
    output.replaceChildren(downloadLink(fileName(role), file, msg("Download the backup")));
    passphrase.form?.reset();
    say(msg("Backup ready. {where}", { where: WHERE }), "ok");
  } catch (error) {
    say(msg("No backup made: {reason}", { reason: error.text ?? error.message }), "error");
  }
  await remind(role);
}

/** A download link for a backup made right after the keys were created. */
export async function firstBackupLink(identity, role, passphrase, extra) {
  return downloadLink(fileName(role), await backupFile(identity, role, passphrase, extra), msg("Download encrypted backup"));
}

/**
 * Shows the reminder (`#backup-reminder`) when the newest invoice of the archive is newer than
 * the last backup, and says where to keep the next one.
 */
export async function remind(role) {
  const { archive, time } = ROLES[role];
  const newest = Math.max(0, ...(await storage.all(archive)).map((r) => r[time] ?? 0));
  const last = await storage.get("settings", lastBackupKey(role));
  const element = $("backup-reminder");
  element.hidden = !(newest > 0 && !(last >= newest));
  const dated = last ? new Date(last) : undefined;
  const iso = dated && `${dated.getFullYear()}-${String(dated.getMonth() + 1).padStart(2, "0")}-${String(dated.getDate()).padStart(2, "0")}`;
  setText(element, element.hidden ? "" : msg("{state} {where} {keep}", {
    state: last ? msg("Your last backup ({date}) is older than your newest invoice.", { date: dateText(iso) })
      : msg("You have no backup of your invoices yet."),
    where: role === "business" ? msg("Make one under Backup.") : msg("Make one with “Make a full backup” below."),
    keep: WHERE }));
}
