// Device storage in IndexedDB. Identities (the business's, and a client's) are kept only as
// keystore blobs (Argon2id + XChaCha20-Poly1305 under the passphrase), themselves wrapped with
// a non-extractable AES-GCM key that never leaves this browser: opening one takes the
// passphrase *and* this device. Sent records, contacts and inbox entries keep their secrets
// (manage token, link) sealed to their owner's own key.

import { t } from "/i18n.js";

const DB_NAME = "sealbill";
// sent: the business's sent list; contacts: its connected clients; pins: the senders a
// client has seen or confirmed; inbox: the invoices a client received; team: the team's
// envelopes a member or owner synced from the relay (its archive).
const STORES = ["settings", "sent", "pins", "contacts", "inbox", "team"];
/** Where each identity lives in `settings`: the business's, or this device's client identity. */
const IDENTITY_KEYS = { business: "identity", client: "clientIdentity" };
const WRAP_AAD = new TextEncoder().encode("sealbill/device-wrap/v1");

let opened;

function db() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 3);
    request.onupgradeneeded = () => {
      for (const name of STORES) {
        if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run(store, mode, act) {
  const tx = (await db()).transaction(store, mode);
  const request = act(tx.objectStore(store));
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

/** Reads one value; undefined if absent. */
export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
/** Writes one value. */
export const put = (store, key, value) => run(store, "readwrite", (s) => s.put(value, key));
/** Deletes one value. */
export const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
/** Every value of a store, in key order. */
export const all = (store) => run(store, "readonly", (s) => s.getAll());
/** How many values a store holds, without reading them. */
export const count = (store) => run(store, "readonly", (s) => s.count());

/** Every `[key, value]` pair of a store, in key order (for a backup). */
export async function entries(store) {
  const keys = await run(store, "readonly", (s) => s.getAllKeys());
  const values = await all(store);
  return keys.map((key, i) => [key, values[i]]);
}

/** Writes every `{ store, key, value }` in one transaction: all of them, or none (a restore). */
export async function putAll(items) {
  const tx = (await db()).transaction([...new Set(items.map((i) => i.store))], "readwrite");
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error(t("the restore was not written")));
  });
  try {
    for (const { store, key, value } of items) tx.objectStore(store).put(value, key);
  } catch (error) {
    tx.abort();
    await done.catch(() => {});
    throw error;
  }
  return done;
}

/** This browser's wrapping key: made once, never extractable. */
async function deviceKey() {
  let key = await get("settings", "deviceKey");
  if (!key) {
    key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await put("settings", "deviceKey", key);
  }
  return key;
}

/**
 * Stores a keystore blob (already passphrase-locked), wrapped with the device key, as the
 * `who` ("business" or "client") identity.
 */
export async function saveIdentity(who, blob, info) {
  const { store, key, value } = await identityItem(who, blob, info);
  await put(store, key, value);
}

/** The `{ store, key, value }` that `saveIdentity` writes, for `putAll`. */
export async function identityItem(who, blob, info) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: WRAP_AAD }, await deviceKey(), blob);
  return { store: "settings", key: IDENTITY_KEYS[who], value: { iv, wrapped: new Uint8Array(wrapped), ...info } };
}

/** The stored identity's info (name, fingerprint, and what it sealed to itself), or undefined. */
export async function identityInfo(who) {
  const record = await get("settings", IDENTITY_KEYS[who]);
  if (!record) return undefined;
  const { iv, wrapped, ...info } = record;
  return info;
}

/** Replaces fields of the stored identity's info (its sealed profile, say), leaving the blob as it is. */
export async function updateIdentityInfo(who, fields) {
  const record = await get("settings", IDENTITY_KEYS[who]);
  await put("settings", IDENTITY_KEYS[who], { ...record, ...fields });
}

/** The keystore blob, unwrapped with the device key; the passphrase is still needed. */
export async function keystoreBlob(who) {
  const record = await get("settings", IDENTITY_KEYS[who]);
  const blob = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: record.iv, additionalData: WRAP_AAD }, await deviceKey(), record.wrapped);
  return new Uint8Array(blob);
}

/** Forgets the business identity, its sent list and its contacts on this device. */
export async function forgetBusiness() {
  await remove("settings", IDENTITY_KEYS.business);
  await remove("settings", "team");
  for (const store of ["sent", "contacts", "team"]) await run(store, "readwrite", (s) => s.clear());
}
