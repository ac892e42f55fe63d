// Device storage in IndexedDB. The identity is kept only as a keystore blob (Argon2id +
// XChaCha20-Poly1305 under the passphrase), itself wrapped with a non-extractable AES-GCM key
// that never leaves this browser: opening it takes the passphrase *and* this device. Sent
// records keep their secrets (manage token, link) sealed to the business's own key.

const DB_NAME = "sealbill";
const STORES = ["settings", "sent", "pins"];
const WRAP_AAD = new TextEncoder().encode("sealbill/device-wrap/v1");

let opened;

function db() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      for (const name of STORES) request.result.createObjectStore(name);
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

/** This browser's wrapping key: made once, never extractable. */
async function deviceKey() {
  let key = await get("settings", "deviceKey");
  if (!key) {
    key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await put("settings", "deviceKey", key);
  }
  return key;
}

/** Stores a keystore blob (already passphrase-locked), wrapped with the device key. */
export async function saveIdentity(blob, info) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: WRAP_AAD }, await deviceKey(), blob);
  await put("settings", "identity", { iv, wrapped: new Uint8Array(wrapped), ...info });
}

/** The stored identity's info (name, fingerprint, and the profile sealed to itself), or undefined. */
export async function identityInfo() {
  const record = await get("settings", "identity");
  if (!record) return undefined;
  const { iv, wrapped, ...info } = record;
  return info;
}

/** The keystore blob, unwrapped with the device key; the passphrase is still needed. */
export async function keystoreBlob() {
  const record = await get("settings", "identity");
  const blob = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: record.iv, additionalData: WRAP_AAD }, await deviceKey(), record.wrapped);
  return new Uint8Array(blob);
}

/** Forgets the identity, its device key and the sent list on this device. */
export async function forgetDevice() {
  for (const store of ["settings", "sent"]) await run(store, "readwrite", (s) => s.clear());
}
