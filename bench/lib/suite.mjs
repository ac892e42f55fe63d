// The benchmark cases, shared by the Node harness (bench/node/run.mjs) and the Chromium bench
// page (bench/browser/entry.mjs, bundled by esbuild). `sb` is the sealbill wasm module
// (pkg/sealbill.js), already initialised; the peers are imported here from bench/node_modules.
//
// What each row measures (the module exports no raw AEAD or X25519 call):
// - AEAD "ours": `decryptAge` of a one-stanza age file of N bytes (STREAM ChaCha20-Poly1305
//   plus one X25519 and the header); "ours, STREAM only" subtracts `decryptAge` of an empty
//   file timed in the same rounds. Peers decrypt one AEAD message of N bytes (decrypt and
//   encrypt cost the same in these ciphers).
// - X25519 "ours": `decryptAge` of an empty age file with 17 X25519 stanzas minus one with 1
//   stanza, over 16: each stanza costs one X25519 shared secret plus an HKDF-SHA-256 and a
//   32-byte ChaCha20-Poly1305 open, since every stanza before ours is tried.
// - Argon2id "ours": `Identity.lock` with KdfOptions (Argon2id, then a 100-byte
//   XChaCha20-Poly1305 seal).

import sodium from "libsodium-wrappers";
import sodiumSumo from "libsodium-wrappers-sumo";
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { argon2id as nobleArgon2id } from "@noble/hashes/argon2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { argon2id as hashWasmArgon2id } from "hash-wasm";
import * as age from "age-encryption";

import { runGroup } from "./measure.mjs";

export const KIB = 1024;
export const MIB = 1024 * 1024;
const ISSUED_AT = 1764000000;
const PASSPHRASE = "correct horse battery staple";
export const INVOICE_LEN = 5000;

export function randomBytes(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

// A 5 KB stand-in for a UBL invoice: the crypto does not look at the bytes.
function invoiceBytes() {
  const line = "<cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode=\"HUR\">8</cbc:InvoicedQuantity></cac:InvoiceLine>\n";
  return new TextEncoder().encode(line.repeat(Math.ceil(INVOICE_LEN / line.length))).subarray(0, INVOICE_LEN);
}

export async function peersReady() {
  await sodium.ready;
  await sodiumSumo.ready;
}

async function typageFile(recipient, plain) {
  const e = new age.Encrypter();
  e.addRecipient(recipient);
  return e.encrypt(plain);
}

// The group definitions. Each is built lazily, so that only one group's data is alive at once.
function groups(sb) {
  const me = sb.Identity.generate("Bench GmbH");
  const sender = sb.Identity.generate("Acme GmbH");
  const client = sb.Identity.generate("Client SARL");
  const defs = [];

  for (const [label, bytes, title] of [["1KiB", KIB, "1 KiB"], ["64KiB", 64 * KIB, "64 KiB"], ["16MiB", 16 * MIB, "16 MiB"]]) {
    defs.push({ ids: [`aead-${label}`], build: async () => {
      const plain = randomBytes(bytes);
      const file = await typageFile(me.recipient(), plain);
      const empty = await typageFile(me.recipient(), new Uint8Array(0));
      const typageId = await age.generateIdentity();
      const typageFileOwn = await typageFile(await age.identityToRecipient(typageId), plain);
      const dec = new age.Decrypter();
      dec.addIdentity(typageId);
      const key = randomBytes(32), n12 = randomBytes(12), n24 = randomBytes(24);
      const sc = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(plain, null, null, n12, key);
      const sx = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, null, null, n24, key);
      const nc = chacha20poly1305(key, n12).encrypt(plain);
      const nx = xchacha20poly1305(key, n24).encrypt(plain);
      const big = bytes >= MIB;
      return {
        id: `aead-${label}`,
        title: `AEAD decrypt, ${title}`,
        unit: "MB/s",
        bytes,
        samples: big ? 5 : undefined,
        contenders: [
          { id: "ours", role: "ours", label: "sealbill decryptAge (age file: STREAM ChaCha20-Poly1305 + 1 X25519)", fn: () => sb.decryptAge(me, file) },
          { id: "ours-empty", role: "aux", label: "sealbill decryptAge, empty file (the fixed part)", fn: () => sb.decryptAge(me, empty) },
          { id: "sodium-chacha", role: "peer", label: "libsodium-wrappers ChaCha20-Poly1305-IETF", fn: () => sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, sc, null, n12, key) },
          { id: "sodium-xchacha", role: "peer", label: "libsodium-wrappers XChaCha20-Poly1305-IETF", fn: () => sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sx, null, n24, key) },
          { id: "noble-chacha", role: "peer", label: "@noble/ciphers ChaCha20-Poly1305", fn: () => chacha20poly1305(key, n12).decrypt(nc) },
          { id: "noble-xchacha", role: "peer", label: "@noble/ciphers XChaCha20-Poly1305", fn: () => xchacha20poly1305(key, n24).decrypt(nx) },
          { id: "typage", role: "peer", label: "typage Decrypter (age file, same shape)", async: true, fn: () => dec.decrypt(typageFileOwn) },
        ],
        derive(results) {
          const t = results.find((r) => r.id === "ours").ms;
          const t0 = results.find((r) => r.id === "ours-empty").ms;
          results.splice(1, 0, { id: "ours-stream", role: "ours", label: "sealbill, STREAM only (decryptAge(N) − decryptAge(0))", ms: Math.max(t - t0, 1e-6), derived: true });
        },
      };
    } });
  }

  defs.push({ ids: ["x25519"], build: async () => {
    // Our stanza comes last: a reader stops at the first stanza that opens (as rage does), so
    // each of the 16 before it costs one full try.
    const many = [];
    for (let i = 0; i < 16; i++) many.push(sb.Identity.generate("Other").recipient());
    many.push(me.recipient());
    const e17 = new age.Encrypter();
    for (const r of many) e17.addRecipient(r);
    const file17 = await e17.encrypt(new Uint8Array(0));
    const file1 = await typageFile(me.recipient(), new Uint8Array(0));
    const sk = randomBytes(32), pk = sodium.crypto_scalarmult_base(randomBytes(32));
    const contenders = [
      { id: "ours-1", role: "aux", label: "sealbill decryptAge, 1 stanza", fn: () => sb.decryptAge(me, file1) },
      { id: "ours-17", role: "aux", label: "sealbill decryptAge, 17 stanzas", fn: () => sb.decryptAge(me, file17) },
      { id: "sodium", role: "peer", label: "libsodium-wrappers crypto_scalarmult", fn: () => sodium.crypto_scalarmult(sk, pk) },
      { id: "noble", role: "peer", label: "@noble/curves x25519.getSharedSecret", fn: () => x25519.getSharedSecret(sk, pk) },
    ];
    try {
      const pair = await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
      const pub = await crypto.subtle.importKey("raw", pk, { name: "X25519" }, false, []);
      contenders.push({
        id: "webcrypto", role: "info", label: "WebCrypto X25519 deriveBits (native, async)", async: true,
        fn: () => crypto.subtle.deriveBits({ name: "X25519", public: pub }, pair.privateKey, 256),
      });
    } catch {
      // No X25519 in this WebCrypto: the row is left out.
    }
    return {
      id: "x25519",
      title: "X25519 shared secrets",
      unit: "ops/s",
      contenders,
      derive(results) {
        const t1 = results.find((r) => r.id === "ours-1").ms;
        const t17 = results.find((r) => r.id === "ours-17").ms;
        results.unshift({ id: "ours", role: "ours", label: "sealbill, per stanza ((decryptAge 17 − 1 stanza) / 16)", ms: Math.max((t17 - t1) / 16, 1e-6), derived: true });
      },
    };
  } });

  for (const [label, memoryKib, iterations] of [["m19t2", 19 * 1024, 2], ["m64t3", 64 * 1024, 3]]) {
    defs.push({ ids: [`argon2id-${label}`], build: async () => {
      const salt = randomBytes(16);
      const heavy = memoryKib > 32 * 1024;
      return {
        id: `argon2id-${label}`,
        title: `Argon2id, m=${memoryKib >> 10} MiB, t=${iterations}, p=1`,
        unit: "ms",
        samples: 5,
        contenders: [
          { id: "ours", role: "ours", label: "sealbill Identity.lock(passphrase, KdfOptions)", fn: () => me.lock(PASSPHRASE, { memoryKib, iterations, parallelism: 1 }) },
          { id: "sumo", role: "peer", label: "libsodium-wrappers-sumo crypto_pwhash (ARGON2ID13)", fn: () => sodiumSumo.crypto_pwhash(32, PASSPHRASE, salt, iterations, memoryKib * 1024, sodiumSumo.crypto_pwhash_ALG_ARGON2ID13) },
          { id: "hash-wasm", role: "peer", label: "hash-wasm argon2id", async: true, fn: () => hashWasmArgon2id({ password: PASSPHRASE, salt, parallelism: 1, iterations, memorySize: memoryKib, hashLength: 32, outputType: "binary" }) },
          { id: "noble", role: "peer", label: "@noble/hashes argon2id (pure JS)", fn: () => nobleArgon2id(PASSPHRASE, salt, { t: iterations, m: memoryKib, p: 1, dkLen: 32 }) },
        ],
        budgetMs: heavy ? 40000 : 20000,
      };
    } });
  }

  const invoice = invoiceBytes();
  for (const [label, attachment] of [["invoice", 0], ["attachment-16MiB", 16 * MIB]]) {
    defs.push({ ids: [`${label}-seal`, `${label}-open`], build: async () => {
      const docs = [{ name: "INV-2026-0001.xml", mediaType: "application/xml", data: invoice }];
      let typagePlain = invoice;
      if (attachment) {
        const scan = randomBytes(attachment);
        docs.push({ name: "scan.pdf", mediaType: "application/pdf", data: scan });
        typagePlain = new Uint8Array(invoice.length + scan.length);
        typagePlain.set(invoice);
        typagePlain.set(scan, invoice.length);
      }
      const options = () => ({ invoiceId: "INV-2026-0001", recipients: [client.recipient()], issuedAt: ISSUED_AT });
      const envelope = sb.seal(sender, docs, options()).envelope;

      // typage: the same age file shape (2 X25519 recipients), no signature.
      const tSender = await age.generateIdentity(), tClient = await age.generateIdentity();
      const tRecipients = [await age.identityToRecipient(tClient), await age.identityToRecipient(tSender)];
      const typageSeal = async (plain) => {
        const e = new age.Encrypter();
        for (const r of tRecipients) e.addRecipient(r);
        return e.encrypt(plain);
      };
      const typageEnvelope = await typageSeal(typagePlain);
      const dec = new age.Decrypter();
      dec.addIdentity(tClient);

      // typage plus a noble Ed25519 signature over a manifest holding the document hashes:
      // the same work as a sealbill envelope, built from the peers.
      const signKey = ed25519.utils.randomSecretKey();
      const verifyKey = ed25519.getPublicKey(signKey);
      const manifestOf = (plain) => {
        const m = new Uint8Array(400 + 64);
        m.set(sha256(plain));
        m.set(ed25519.sign(m.subarray(0, 400), signKey), 400);
        return m;
      };
      const signedPlain = (plain) => {
        const m = manifestOf(plain);
        const all = new Uint8Array(m.length + plain.length);
        all.set(m);
        all.set(plain, m.length);
        return all;
      };
      const signedEnvelope = await typageSeal(signedPlain(typagePlain));
      const openSigned = async () => {
        const all = await dec.decrypt(signedEnvelope);
        const body = all.subarray(464);
        const m = all.subarray(0, 464);
        const hash = sha256(body);
        if (!ed25519.verify(m.subarray(400), m.subarray(0, 400), verifyKey) || hash[0] !== m[0]) throw new Error("bad");
        return body;
      };
      const big = attachment > 0;
      const title = big ? "invoice + 16 MiB attachment" : "typical invoice (2 recipients, 5 KB, signed)";
      return [
        {
          id: `${label}-seal`,
          title: `seal: ${title}`,
          unit: "ms",
          samples: big ? 5 : undefined,
          contenders: [
            { id: "ours", role: "ours", label: "sealbill seal", fn: () => sb.seal(sender, docs, options()) },
            { id: "typage", role: "peer", label: "typage Encrypter (no signature)", async: true, fn: () => typageSeal(typagePlain) },
            { id: "typage-signed", role: "info", label: "typage + @noble/curves Ed25519 + SHA-256 (same work)", async: true, fn: () => typageSeal(signedPlain(typagePlain)) },
          ],
        },
        {
          id: `${label}-open`,
          title: `open: ${title}`,
          unit: "ms",
          samples: big ? 5 : undefined,
          contenders: [
            { id: "ours", role: "ours", label: "sealbill open", fn: () => sb.open(client, envelope) },
            { id: "typage", role: "peer", label: "typage Decrypter (no signature)", async: true, fn: () => dec.decrypt(typageEnvelope) },
            { id: "typage-signed", role: "info", label: "typage + @noble/curves Ed25519 + SHA-256 (same work)", async: true, fn: openSigned },
          ],
        },
      ];
    } });
  }
  return defs;
}

// Runs every group; returns their results in order.
export async function runSuite(sb, cfg, log = () => {}) {
  await peersReady();
  const out = [];
  const wanted = (id) => !cfg.only || cfg.only.some((p) => id.startsWith(p));
  for (const def of groups(sb)) {
    if (!def.ids.some(wanted)) continue;
    const built = await def.build();
    for (const g of Array.isArray(built) ? built : [built]) {
      if (!wanted(g.id)) continue;
      const r = await runGroup(g, cfg, log);
      if (g.derive) g.derive(r.results);
      out.push(r);
    }
  }
  return out;
}

// Streams a 100 MB attachment through SealStream piped into OpenStream, 64 KiB at a time,
// and reports the growth of the module's linear memory (which never shrinks, so its final
// size is its peak) and of `extra()` (the process RSS in Node, the JS heap in Chromium),
// sampled every 16 pieces, above the baseline taken once both identities exist. The opener
// stages what it decrypts (encrypted, about the envelope's size) until the envelope verified:
// in itself (`push`, in JS memory) without `staging`, else with `pushStaged` into `staging`
// (a file in Node, an OPFS file in Chromium), read back through a `Revealer`. With `forceGc`
// (and a `gc` global: node --expose-gc, chromium --js-flags=--expose-gc) a full collection
// runs before each sample, so `extra` counts live memory instead of garbage that the engine
// has not yet collected.
export async function streamMemory(sb, memory, extra = () => 0, { forceGc = false, staging = null, size = 100_000_000, pieceLen = 64 * KIB } = {}) {
  const gc = forceGc && typeof globalThis.gc === "function" ? globalThis.gc : () => {};
  if (forceGc && typeof globalThis.gc !== "function") throw new Error("forceGc needs a gc global");
  const sender = sb.Identity.generate("Acme GmbH");
  const client = sb.Identity.generate("Client SARL");
  const invoice = invoiceBytes();
  const piece = randomBytes(pieceLen);
  gc();
  const wasmBaseline = memory.buffer.byteLength;
  const extraBaseline = extra();
  let extraPeak = extraBaseline;
  let pieces = 0;
  const sample = () => {
    if (++pieces % 16 === 0) {
      gc();
      extraPeak = Math.max(extraPeak, extra());
    }
  };
  const t0 = performance.now();
  const seal = new sb.SealStream(
    sender,
    [
      { name: "INV-BIG.xml", mediaType: "application/xml", size: invoice.length },
      { name: "scan.pdf", mediaType: "application/pdf", size },
    ],
    { invoiceId: "INV-BIG", recipients: [client.recipient()], issuedAt: ISSUED_AT },
  );
  const open = sb.OpenStream.withIdentity(client, { expectSender: sender.fingerprint() });
  const feed = staging
    ? async (bytes) => {
        const staged = open.pushStaged(bytes);
        if (staged.length > 0) await staging.write(staged);
      }
    : (bytes) => open.push(bytes);
  let received = 0;
  const onData = (_i, bytes) => {
    received += bytes.length;
  };
  await feed(seal.push(invoice));
  let left = size;
  while (left > 0) {
    const n = Math.min(pieceLen, left);
    await feed(seal.push(n === pieceLen ? piece : piece.subarray(0, n)));
    left -= n;
    sample();
  }
  await feed(seal.finish());
  // Every check runs first; only then are the staged bytes revealed into onData.
  let opened;
  if (staging) {
    const revealer = open.verify();
    for (let staged; (staged = await staging.read()) != null; ) {
      revealer.push(staged, onData);
      sample();
    }
    opened = revealer.finish(onData);
  } else {
    opened = open.finish(onData);
  }
  const ms = performance.now() - t0;
  gc();
  extraPeak = Math.max(extraPeak, extra());
  if (received !== size + invoice.length || opened.documents.length !== 2) throw new Error("streaming probe: wrong output");
  const wasmPeak = memory.buffer.byteLength;
  return {
    bytes: size,
    piece: pieceLen,
    forceGc,
    staged: staging ? staging.where : "JS memory",
    ms,
    mbPerS: size / ms / 1000,
    wasmBaseline,
    wasmPeak,
    wasmGrowth: wasmPeak - wasmBaseline,
    extraBaseline,
    extraPeak,
    extraGrowth: extraPeak - extraBaseline,
  };
}
