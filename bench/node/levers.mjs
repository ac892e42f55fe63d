// Times the lever variants built by bench/levers.sh against pkg/ in one Node process, each
// operation a group whose contenders are the variants (interleaved round by round), and the
// scratch build's raw-primitive exports against libsodium.
//
//   node bench/node/levers.mjs LEVERS_DIR OUT_JSON NOTES_TXT
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import sodium from "libsodium-wrappers";
import * as age from "age-encryption";

import { runGroup } from "../lib/measure.mjs";
import { KIB, MIB, randomBytes } from "../lib/suite.mjs";
import { gzipSize } from "../lib/sizes.mjs";
import { breakdown } from "../lib/wasm-breakdown.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const [leversDir, outFile, notesFile] = process.argv.slice(2);
await sodium.ready;

const catalogue = [
  ["baseline", "pkg-baseline", "the compat build (`pkg/sealbill_compat_bg.wasm`): opt-level 3, LTO, 1 codegen unit, no SIMD"],
  ["simd-chacha", resolve(root, "pkg"), "the default build (`pkg/sealbill_bg.wasm`): +simd128 and the four-block simd128 ChaCha20 (feature `simd`)"],
  ["opt-s", "pkg-opt-s", "opt-level \"s\""],
  ["opt-z", "pkg-opt-z", "opt-level \"z\""],
  ["simd128", "pkg-simd128", "`-C target-feature=+simd128` without the feature (LLVM autovectorisation only)"],
  ["dalek64", "pkg-dalek64", "curve25519-dalek's 64-bit serial backend (`--cfg curve25519_dalek_bits=\"64\"`)"],
  ["wasm-opt-O3", "pkg-wasm-opt-O3", "baseline + `wasm-opt -O3` (Debian binaryen, before wasm-bindgen)"],
  ["wasm-opt-Oz", "pkg-wasm-opt-Oz", "baseline + `wasm-opt -Oz`"],
  ["opt-z-wasm-opt-Oz", "pkg-opt-z-wasm-opt-Oz", "opt-level \"z\" + `wasm-opt -Oz`"],
  ["no-tables", "pkg-scratch-no-tables", "Cargo.toml change (scratch copy): no precomputed basepoint tables (ed25519-dalek without `fast`, x25519-dalek without default features)"],
];

async function load(dir) {
  const sb = await import(pathToFileURL(resolve(dir, "sealbill.js")).href);
  sb.initSync({ module: readFileSync(resolve(dir, "sealbill_bg.wasm")) });
  return sb;
}

const variants = [];
for (const [id, dir, description] of catalogue) {
  const path = resolve(leversDir, dir);
  if (!existsSync(resolve(path, "sealbill_bg.wasm"))) continue;
  const wasm = resolve(path, "sealbill_bg.wasm");
  const sb = await load(path);
  const me = sb.Identity.generate("Bench GmbH");
  const sender = sb.Identity.generate("Acme GmbH");
  const client = sb.Identity.generate("Client SARL");
  variants.push({ id, description, sb, me, sender, client, raw: statSync(wasm).size, gzip: gzipSize(wasm), data: breakdown(wasm).data });
}

const fileTo = async (recipients, plain) => {
  const e = new age.Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(plain);
};
const invoice = randomBytes(5000);
const plain64 = randomBytes(64 * KIB);
const plain16 = randomBytes(16 * MIB);
const others = Array.from({ length: 16 }, () => variants[0].sb.Identity.generate("Other").recipient());
for (const v of variants) {
  v.f64 = await fileTo([v.me.recipient()], plain64);
  v.f16 = await fileTo([v.me.recipient()], plain16);
  v.f1 = await fileTo([v.me.recipient()], new Uint8Array(0));
  v.f17 = await fileTo([v.me.recipient(), ...others], new Uint8Array(0));
  v.docs = [{ name: "INV-2026-0001.xml", mediaType: "application/xml", data: invoice }];
  v.opts = () => ({ invoiceId: "INV-2026-0001", recipients: [v.client.recipient()], issuedAt: 1764000000 });
  v.envelope = v.sb.seal(v.sender, v.docs, v.opts()).envelope;
}

const ops = [
  { id: "aead64", title: "decryptAge 64 KiB", make: (v) => () => v.sb.decryptAge(v.me, v.f64) },
  { id: "aead16m", title: "decryptAge 16 MiB", make: (v) => () => v.sb.decryptAge(v.me, v.f16), samples: 5 },
  { id: "x25519", title: "X25519 per stanza", pair: true },
  { id: "argon", title: "Argon2id m=19 MiB t=2", make: (v) => () => v.me.lock("correct horse battery staple", { memoryKib: 19 * 1024, iterations: 2, parallelism: 1 }), samples: 5 },
  { id: "seal", title: "invoice seal", make: (v) => () => v.sb.seal(v.sender, v.docs, v.opts()) },
  { id: "open", title: "invoice open", make: (v) => () => v.sb.open(v.client, v.envelope) },
];

const cfg = { batchMs: 60, samples: 7, groupBudgetMs: 30000 };
const log = (m) => console.error(`[levers] ${m}`);
const results = Object.fromEntries(variants.map((v) => [v.id, {}]));
for (const op of ops) {
  const contenders = op.pair
    ? variants.flatMap((v) => [
        { id: `${v.id}|1`, fn: () => v.sb.decryptAge(v.me, v.f1) },
        { id: `${v.id}|17`, fn: () => v.sb.decryptAge(v.me, v.f17) },
      ])
    : variants.map((v) => ({ id: v.id, fn: op.make(v) }));
  const r = await runGroup({ id: op.id, title: op.title, unit: "ms", contenders, samples: op.samples }, cfg, log);
  for (const v of variants) {
    results[v.id][op.id] = op.pair
      ? (r.results.find((q) => q.id === `${v.id}|17`).ms - r.results.find((q) => q.id === `${v.id}|1`).ms) / 16
      : r.results.find((q) => q.id === v.id).ms;
  }
}

// The raw primitives in wasm (scratch builds) against libsodium, same process.
const raw = [];
const scratch = [];
for (const name of ["scratch-base", "scratch-simd128"]) {
  const dir = resolve(leversDir, `pkg-${name}`);
  if (existsSync(resolve(dir, "sealbill_bg.wasm"))) scratch.push({ name, sb: await load(dir) });
}
if (scratch.length) {
  const key = randomBytes(32), nonce = randomBytes(12);
  for (const [label, plain] of [["64 KiB", plain64], ["16 MiB", plain16]]) {
    const sealed = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(plain, null, null, nonce, key);
    const r = await runGroup({
      id: `raw-aead-${label}`,
      title: `raw ChaCha20-Poly1305 decrypt, ${label}`,
      unit: "MB/s",
      bytes: plain.length,
      samples: label === "16 MiB" ? 5 : undefined,
      contenders: [
        ...scratch.map((s) => ({ id: s.name, label: `RustCrypto in wasm (${s.name})`, fn: () => s.sb.benchAeadDecrypt(key, nonce, sealed) })),
        { id: "sodium", label: "libsodium-wrappers", fn: () => sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, sealed, null, nonce, key) },
      ],
    }, cfg, log);
    raw.push(r);
  }
  const sk = randomBytes(32), pk = sodium.crypto_scalarmult_base(randomBytes(32));
  raw.push(await runGroup({
    id: "raw-x25519",
    title: "raw X25519",
    unit: "ops/s",
    contenders: [
      ...scratch.map((s) => ({ id: s.name, label: `x25519-dalek in wasm, shared secret (${s.name})`, fn: () => s.sb.benchX25519(sk, pk) })),
      { id: "sodium", label: "libsodium-wrappers crypto_scalarmult", fn: () => sodium.crypto_scalarmult(sk, pk) },
      ...scratch.slice(0, 1).map((s) => ({ id: `${s.name}:pubkey`, label: `x25519-dalek in wasm, public key from secret (${s.name})`, fn: () => s.sb.benchX25519Base(sk) })),
      { id: "sodium:pubkey", label: "libsodium-wrappers crypto_scalarmult_base", fn: () => sodium.crypto_scalarmult_base(sk) },
    ],
  }, cfg, log));
}

const notes = existsSync(notesFile) ? readFileSync(notesFile, "utf8").split("\n").filter(Boolean) : [];
writeFileSync(outFile, JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  variants: variants.map(({ id, description, raw, gzip, data }) => ({ id, description, raw, gzip, data })),
  ops: ops.map(({ id, title }) => ({ id, title })),
  results,
  raw,
  notes,
}, null, 1));
log(`wrote ${outFile}`);
