// Writes the crypto-bench section of docs/BENCHMARKS.md from bench/out/*.json, replacing the
// text between its markers (or appending it), and leaves every other section byte for byte.
//
//   node bench/report.mjs            (run by bench/crypto.sh)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { sizes } from "./lib/sizes.mjs";
import { breakdown } from "./lib/wasm-breakdown.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const outDir = resolve(here, "out");
const load = (name) => {
  const f = resolve(outDir, name);
  return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : null;
};
const node = load("node.json");
const chromium = load("chromium.json");
const native = load("native.json");
const levers = load("levers.json");
const run = load("run.json") ?? {};
const envs = [node, chromium];

// ---- numbers -------------------------------------------------------------------------------

const group = (env, id) => env?.groups.find((g) => g.id === id);
const row = (env, gid, rid) => group(env, gid)?.results.find((r) => r.id === rid);
const ms = (env, gid, rid) => row(env, gid, rid)?.ms;
const rate = (unit, bytes, t) => (t == null ? null : unit === "MB/s" ? bytes / t / 1000 : unit === "ops/s" ? 1000 / t : t);
const nat = (id) => native?.results[id];
// The native time of the same operation as a JS row, in ms.
const nativeOf = {
  "aead-1KiB/ours": () => nat("aead_1KiB/age_decrypt"),
  "aead-64KiB/ours": () => nat("aead_64KiB/age_decrypt"),
  "aead-16MiB/ours": () => nat("aead_16MiB/age_decrypt"),
  "aead-1KiB/ours-empty": () => nat("aead_1KiB/age_decrypt_empty"),
  "aead-64KiB/ours-empty": () => nat("aead_64KiB/age_decrypt_empty"),
  "aead-16MiB/ours-empty": () => nat("aead_16MiB/age_decrypt_empty"),
  "aead-1KiB/ours-stream": () => nat("aead_1KiB/age_decrypt") - nat("aead_1KiB/age_decrypt_empty"),
  "aead-64KiB/ours-stream": () => nat("aead_64KiB/age_decrypt") - nat("aead_64KiB/age_decrypt_empty"),
  "aead-16MiB/ours-stream": () => nat("aead_16MiB/age_decrypt") - nat("aead_16MiB/age_decrypt_empty"),
  "x25519/ours": () => (nat("x25519/age_decrypt_17_stanzas") - nat("x25519/age_decrypt_1_stanza")) / 16,
  "x25519/ours-1": () => nat("x25519/age_decrypt_1_stanza"),
  "x25519/ours-17": () => nat("x25519/age_decrypt_17_stanzas"),
  "argon2id-m19t2/ours": () => nat("argon2id_m19t2/identity_lock"),
  "argon2id-m64t3/ours": () => nat("argon2id_m64t3/identity_lock"),
  "invoice-seal/ours": () => nat("invoice/seal"),
  "invoice-open/ours": () => nat("invoice/open"),
  "attachment-16MiB-seal/ours": () => nat("attachment_16MiB/seal"),
  "attachment-16MiB-open/ours": () => nat("attachment_16MiB/open"),
};
// Native-only rows: the raw primitives under the module.
const nativeExtra = {
  "aead-1KiB": [["RustCrypto chacha20poly1305 0.10 (raw AEAD, the module's cipher)", "aead_1KiB/chacha20poly1305_raw"], ["RustCrypto XChaCha20Poly1305 (raw AEAD)", "aead_1KiB/xchacha20poly1305_raw"]],
  "aead-64KiB": [["RustCrypto chacha20poly1305 0.10 (raw AEAD, the module's cipher)", "aead_64KiB/chacha20poly1305_raw"], ["RustCrypto XChaCha20Poly1305 (raw AEAD)", "aead_64KiB/xchacha20poly1305_raw"]],
  "aead-16MiB": [["RustCrypto chacha20poly1305 0.10 (raw AEAD, the module's cipher)", "aead_16MiB/chacha20poly1305_raw"], ["RustCrypto XChaCha20Poly1305 (raw AEAD)", "aead_16MiB/xchacha20poly1305_raw"]],
  x25519: [["x25519-dalek 2 diffie_hellman (raw)", "x25519/dalek_diffie_hellman"]],
};

function fmt(v) {
  if (v == null || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}
const x = (v) => (v == null || !Number.isFinite(v) ? "—" : `${v.toFixed(2)}×`);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;
const bytes = (b) => b.toLocaleString("en-US") + " B";

// ours/peer: the ratio of speeds (time of peer ÷ time of ours), or of times for "time" rows.
const speedRatio = (env, gid, ours, peer) => {
  const a = ms(env, gid, ours), b = ms(env, gid, peer);
  return a && b ? b / a : null;
};
const timeRatio = (env, gid, ours, peer) => {
  const a = ms(env, gid, ours), b = ms(env, gid, peer);
  return a && b ? a / b : null;
};

// ---- versions and machine ------------------------------------------------------------------

const cmd = (c, a) => {
  try {
    return execFileSync(c, a, { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
};
const pkgVersion = (name) => {
  try {
    return JSON.parse(readFileSync(resolve(here, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
};
const lockVersion = (name) => {
  const lock = readFileSync(resolve(root, "Cargo.lock"), "utf8");
  return lock.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`))?.[1] ?? "?";
};
const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "?";
const peers = ["libsodium-wrappers", "libsodium-wrappers-sumo", "@noble/ciphers", "@noble/curves", "@noble/hashes", "hash-wasm", "age-encryption", "playwright-core", "esbuild"];

// ---- tables --------------------------------------------------------------------------------

const lines = [];
const p = (s = "") => lines.push(s);
const table = (head, rows, align) => {
  p(`| ${head.join(" | ")} |`);
  p(`| ${head.map((_, i) => (align?.[i] === "r" ? "---:" : "---")).join(" | ")} |`);
  for (const r of rows) p(`| ${r.join(" | ")} |`);
};

const sz = await sizes(root);
const loadavg = run.loadEnd ?? os.loadavg().map((v) => v.toFixed(2)).join(" / ");
const date = (node?.date ?? new Date().toISOString()).slice(0, 10);

p("<!-- crypto-bench: generated by bench/crypto.sh; do not edit by hand -->");
p("## Crypto against libsodium.js, noble, hash-wasm, typage and native Rust");
p();
p(`Measured ${date} on ${os.cpus().length} cores (${cpu}), Linux ${os.release()}, by \`bash bench/crypto.sh\``);
p(`(benchmarks and lever builds: ${run.seconds ? Math.round(run.seconds) + " s" : "?"}). Load average at the end of the run (1 / 5 / 15 min): ${loadavg}.`);
p("**Caveat:** the machine is shared (another engineer was compiling and testing during the runs):");
p("absolute figures are noisy, so every ratio comes from one process in which the contenders");
p("run interleaved, round by round, and each figure is a median.");
p();
p(`Versions: Node ${node?.version ?? "?"}, Chromium ${chromium?.version ?? "?"} (Debian, headless, driven by playwright-core),`);
p(`${cmd("rustc", ["--version"])}, ${cmd("wasm-bindgen", ["--version"])}, criterion ${lockVersion("criterion")};`);
p(`sealbill's crypto crates: chacha20poly1305 ${lockVersion("chacha20poly1305")}, x25519-dalek ${lockVersion("x25519-dalek")} (curve25519-dalek ${lockVersion("curve25519-dalek")}, serial 32-bit backend on wasm32), ed25519-dalek ${lockVersion("ed25519-dalek")}, argon2 ${lockVersion("argon2")};`);
p(`npm: ${peers.map((n) => `${n} ${pkgVersion(n)}`).join(", ")}.`);
p();
p("Method: the wasm module is `pkg/` exactly as `scripts/pkg.sh` builds it (release: opt-level 3,");
p("LTO, 1 codegen unit). Node and Chromium run the same cases (`bench/lib/suite.mjs`): each");
p("operation is repeated in batches of about 60 ms, 7 rounds (5 for the 16 MiB and Argon2id");
p("rows), contenders interleaved, and the table gives the median per operation. Chromium loads");
p(`the bench page from a loopback server, cross-origin isolated (${chromium?.crossOriginIsolated ? "yes" : "no"}), so its timer is fine-grained.`);
p("Native figures are criterion medians (10 samples, 2-4 s each) of the same operations through");
p("the Rust API, release profile. MB = 10⁶ bytes. \"Ratio\" is ours/peer: of speeds (above 1,");
p("ours is faster), except rows marked \"time\" (below 1, ours is faster).");
p();

// Targets.
const both = (f) => envs.map((e) => (e ? f(e) : null));
const targetRows = [];
const verdict = (vals, ok) => (vals.every((v) => v != null && ok(v)) ? "**met**" : "**missed**");
const tSpeed = (label, goal, gid, ours, peer, min) => {
  const vals = both((e) => speedRatio(e, gid, ours, peer));
  targetRows.push([label, goal, ...vals.map(x), verdict(vals, (v) => v >= min)]);
  return vals;
};
tSpeed("AEAD throughput, 64 KiB (STREAM only)", "≥ 1.0× libsodium-wrappers", "aead-64KiB", "ours-stream", "sodium-chacha", 1.0);
tSpeed("AEAD throughput, 16 MiB (STREAM only)", "≥ 1.0× libsodium-wrappers", "aead-16MiB", "ours-stream", "sodium-chacha", 1.0);
tSpeed("X25519 shared secrets/s", "≥ 1.0× libsodium-wrappers", "x25519", "ours", "sodium", 1.0);
for (const a of ["m19t2", "m64t3"]) {
  const vals = both((e) => timeRatio(e, `argon2id-${a}`, "ours", "sumo"));
  targetRows.push([`Argon2id time, ${a === "m19t2" ? "m=19 MiB t=2" : "m=64 MiB t=3"}`, "≤ 1.1× libsodium-wrappers-sumo", ...vals.map(x), verdict(vals, (v) => v <= 1.1)]);
}
tSpeed("typical invoice: seal", "≥ 5× as fast as typage", "invoice-seal", "ours", "typage", 5);
tSpeed("typical invoice: open", "≥ 5× as fast as typage", "invoice-open", "ours", "typage", 5);
targetRows.push(["crypto module (.wasm + JS glue), gzip", "≤ 60 KiB", kib(sz.crypto.gzip), "(same)", sz.crypto.gzip <= 60 * 1024 ? "**met**" : "**missed**"]);
targetRows.push(["download to open a link (page + module), gzip", "≤ 250 KiB", kib(sz.client.gzip), "(same)", sz.client.gzip <= 250 * 1024 ? "**met**" : "**missed**"]);
const memTotal = (e) => (e?.memory ? e.memory.gc.wasmGrowth + Math.max(0, e.memory.gc.extraGrowth) : null);
{
  const vals = both(memTotal);
  targetRows.push(["peak memory above baseline, 100 MB streamed (wasm memory + live JS)", "< 8 MiB", ...vals.map((v) => (v == null ? "—" : mib(v))), verdict(vals, (v) => v < 8 * 1048576)]);
}
p("### Targets");
p();
table(["measure", "target", "Node", "Chromium", "result"], targetRows, ["l", "l", "r", "r", "l"]);
p();
p("A target is met only if it is met in both Node and Chromium. Speed ratios are ours/peer (×).");
p();

// Medians.
p("### Medians");
p();
p("Per row: MB/s for AEAD rows, shared secrets per second for X25519, milliseconds for the rest.");
p("\"—\": not measured in that environment. Aux rows are the measurements a derived row is made of.");
p();
const medianRows = [];
for (const g of node?.groups ?? chromium?.groups ?? []) {
  for (const r of g.results) {
    const key = `${g.id}/${r.id}`;
    const n = nativeOf[key]?.();
    const vals = envs.map((e) => rate(g.unit, g.bytes, ms(e, g.id, r.id)));
    const label = r.role === "aux" ? `(aux) ${r.label}` : r.role === "ours" ? `**${r.label}**` : r.label;
    medianRows.push([`${g.title} (${g.unit})`, label, ...vals.map(fmt), fmt(rate(g.unit, g.bytes, n))]);
  }
  for (const [label, id] of nativeExtra[g.id] ?? []) {
    medianRows.push([`${g.title} (${g.unit})`, label, "—", "—", fmt(rate(g.unit, g.bytes, nat(id)))]);
  }
}
table(["measure", "implementation", "Node", "Chromium", "native"], medianRows, ["l", "l", "r", "r", "r"]);
p();

// Ratios.
p("### Ratios ours/peer, same run");
p();
const ratioRows = [];
const addRatio = (gid, ours, peer, kind = "speed") => {
  const g = group(node, gid) ?? group(chromium, gid);
  if (!g) return;
  const o = g.results.find((r) => r.id === ours), q = g.results.find((r) => r.id === peer);
  if (!o || !q) return;
  const f = kind === "speed" ? speedRatio : timeRatio;
  ratioRows.push([g.title, o.label.replace(/ \(.*\)$/, ""), q.label, kind, ...envs.map((e) => x(f(e, gid, ours, peer)))]);
};
for (const s of ["1KiB", "64KiB", "16MiB"]) {
  for (const peer of ["sodium-chacha", "sodium-xchacha", "noble-chacha", "noble-xchacha"]) addRatio(`aead-${s}`, "ours-stream", peer);
  addRatio(`aead-${s}`, "ours", "sodium-chacha");
  addRatio(`aead-${s}`, "ours", "typage");
}
for (const peer of ["sodium", "noble", "webcrypto"]) addRatio("x25519", "ours", peer);
for (const a of ["m19t2", "m64t3"]) for (const peer of ["sumo", "hash-wasm", "noble"]) addRatio(`argon2id-${a}`, "ours", peer, "time");
for (const gid of ["invoice-seal", "invoice-open", "attachment-16MiB-seal", "attachment-16MiB-open"]) {
  addRatio(gid, "ours", "typage");
  addRatio(gid, "ours", "typage-signed");
}
table(["measure", "ours", "peer", "ratio of", "Node", "Chromium"], ratioRows, ["l", "l", "l", "l", "r", "r"]);
p();

// Native / wasm.
p("### Native and wasm");
p();
p("The same operation through the Rust API natively and through the wasm module; \"native ÷ X\"");
p("is how many times faster native runs.");
p();
const nwRows = [];
for (const [key, f] of Object.entries(nativeOf)) {
  const [gid, rid] = key.split("/");
  const g = group(node, gid) ?? group(chromium, gid);
  if (!g || rid === "ours-empty" || rid === "ours-1" || rid === "ours-17") continue;
  const r = g.results.find((q) => q.id === rid);
  const n = f();
  const vals = envs.map((e) => ms(e, gid, rid));
  nwRows.push([g.title, r?.label.replace(/ \(.*\)$/, "") ?? rid, fmt(n), ...vals.map(fmt), ...vals.map((v) => x(v && n ? v / n : null))]);
}
table(["measure", "operation", "native ms", "Node ms", "Chromium ms", "native ÷ Node", "native ÷ Chromium"], nwRows, ["l", "l", "r", "r", "r", "r", "r"]);
p();

// Memory.
p("### Streaming memory: 100 MB through SealStream piped into OpenStream");
p();
p("100,000,000 bytes in 64 KiB pieces, sealed and opened at once (an invoice plus the attachment,");
p("2 recipients, `expectSender` pinned). Baseline: after the module is initialised and both");
p("identities exist. Wasm linear memory never shrinks, so its final size is its peak. The JS");
p("figure is the process RSS in Node and `performance.memory.usedJSHeapSize` in Chromium, sampled");
p("every 16 pieces, with a full GC forced before each sample (live memory), or without.");
p("The opener stages what it decrypts (encrypted, about the envelope's size) until the envelope");
p("verified. With `pushStaged` the caller keeps those bytes (here a temporary file in Node and an");
p("OPFS file in Chromium, read back 64 KiB at a time into a `Revealer`); with `push` the opener");
p("keeps them in JS memory, which the last column measures. The target row counts the first.");
p();
const memRows = [];
for (const e of envs) {
  if (!e?.memory) continue;
  const { gc, lazy, inside } = e.memory;
  memRows.push([e.env === "node" ? "Node" : "Chromium", bytes(gc.wasmGrowth), mib(gc.extraGrowth), mib(lazy.extraGrowth), `${fmt(gc.mbPerS)} MB/s`, inside ? mib(inside.extraGrowth) : "—"]);
}
if (native?.memory) memRows.push(["native (Rust API, counting allocator)", bytes(native.memory.peakHeapAboveBaseline) + " (heap)", "—", "—", "—", "—"]);
table(["environment", "wasm memory growth", "JS growth, staged by the caller, forced GC", "same, no forced GC", "seal+open throughput", "JS growth, staged in the opener (push), forced GC"], memRows, ["l", "r", "r", "r", "r", "r"]);
p();
p("Without forced collections the engines let the 64 KiB `Uint8Array`s that `pushStaged`, the");
p("staging reads and `onData` hand out pile up as garbage (collected later, not retained).");
p();

// Sizes.
p("### Sizes (gzip -9 of each file, summed)");
p();
const sizeRows = [
  ["**crypto module** (`pkg/sealbill_bg.wasm` + `pkg/sealbill.js`)", sz.crypto.files.map((f) => f.file).join(", "), bytes(sz.crypto.raw), bytes(sz.crypto.gzip)],
  ["**download to open a link** (index.html, its CSS, the link path's modules, the crypto module)", `${sz.client.files.length} files`, bytes(sz.client.raw), bytes(sz.client.gzip)],
  ["then, after the invoice is shown: the e-invoice module, for the EN 16931 rule check", "2 files", bytes(sz.client.afterShown.raw), bytes(sz.client.afterShown.gzip)],
  ...Object.entries(sz.peers).map(([k, v]) => [`peer, for scale: ${k}`, v.files.map((f) => f.file.replace("bench/node_modules/", "")).join(", "), bytes(v.raw), bytes(v.gzip)]),
];
table(["what", "files", "raw", "gzip"], sizeRows, ["l", "l", "r", "r"]);
p();
p(`The download list: ${sz.client.files.map((f) => `\`${f.file}\` ${kib(f.gzip)}`).join(", ")}.`);
p();

// What the module is made of: wasm-bindgen's output with the names kept.
const cargoWasm = resolve(root, "target/wasm32-unknown-unknown/release/sealbill.wasm");
if (existsSync(cargoWasm)) {
  const named = resolve(outDir, "named");
  cmd("wasm-bindgen", ["--target", "web", "--out-dir", named, "--out-name", "sealbill", cargoWasm]);
  if (existsSync(resolve(named, "sealbill_bg.wasm"))) {
    const b = breakdown(resolve(named, "sealbill_bg.wasm"));
    const total = b.code + b.data;
    const top = b.crates.slice(0, 14);
    const rest = b.code - top.reduce((a, [, v]) => a + v, 0);
    p(`What the ${kib(total)} of code and data are (raw bytes, before gzip; after LTO, code inlined into`);
    p("sealbill's functions counts as sealbill's, and `core` is mostly formatting and panics):");
    p();
    p([...top.map(([c, v]) => `${c} ${kib(v)}`), `the rest ${kib(rest)}`, `**data** (tables, strings) ${kib(b.data)}`].join(" · ") + ".");
    p();
  }
}

// How rows are measured.
p("### How each row is measured");
p();
p("The module exports no raw AEAD or X25519 call, so its rows time the closest thing it does:");
p();
p("- **AEAD, ours**: `decryptAge(identity, file)` on a one-stanza age file of N bytes (made by");
p("  typage): header parse, one X25519, HKDF and HMAC, then STREAM ChaCha20-Poly1305 over 64 KiB");
p("  chunks, and the copies in and out of wasm memory. **STREAM only** subtracts the same call on");
p("  an empty file, timed in the same rounds; it is the figure held against the target. Peers");
p("  decrypt one AEAD message of N bytes (libsodium `*_ietf_decrypt`, noble `.decrypt`); typage");
p("  decrypts an age file of the same shape as ours. Encryption costs the same as decryption in");
p("  these ciphers.");
p("- **X25519, ours**: `decryptAge` of an empty age file with 17 X25519 stanzas, ours last, minus");
p("  the same with 1 stanza, divided by 16. The reader stops at the first stanza that opens, so each");
p("  of the 16 before ours is one X25519");
p("  shared secret plus an HKDF-SHA-256 and a failed 32-byte ChaCha20-Poly1305 open (a few µs).");
p("  Peers: libsodium `crypto_scalarmult`, noble `x25519.getSharedSecret`, and, for scale, native");
p("  WebCrypto `deriveBits` (asynchronous; typage uses it when it exists).");
p("- **Argon2id, ours**: `Identity.lock(passphrase, {memoryKib, iterations, parallelism: 1})`:");
p("  Argon2id, then a 100-byte XChaCha20-Poly1305 seal. Peers derive 32 bytes with the same");
p("  parameters: libsodium-sumo `crypto_pwhash` (ALG_ARGON2ID13), hash-wasm `argon2id`, noble `argon2id`.");
p("- **Typical invoice**: `seal(sender, [5 KB document], {recipients: [client age1…]})`: 2 recipients");
p("  (the client and, always, the sender), Ed25519-signed manifest with the document's SHA-256;");
p("  `open(client, envelope)` checks everything. typage encrypts the same 5 KB to 2 X25519");
p("  recipients and decrypts it (no signature); \"typage + Ed25519\" adds a noble Ed25519");
p("  signature and SHA-256 over the document, the same work as ours. The 16 MiB rows add a");
p("  16 MiB attachment to the same envelope.");
p();

// Missed targets.
const missed = targetRows.filter((r) => r[4].includes("missed")).map((r) => r[0]);
if (missed.length) {
  p("### Missed targets: gap and cause");
  p();
  const n = (gid, rid) => ms(node, gid, rid);
  const c = (gid, rid) => ms(chromium, gid, rid);
  const mbs = (gid, rid, env, b) => fmt(rate("MB/s", b, ms(env, gid, rid)));
  const lraw = (gid, rid) => levers?.raw?.find((g) => g.id === gid)?.results.find((r) => r.id === rid)?.ms;
  const lres = (vid, op) => levers?.results?.[vid]?.[op];
  if (missed.some((m) => m.startsWith("AEAD"))) {
    const rawN = nat("aead_16MiB/chacha20poly1305_raw"), ageN = nat("aead_16MiB/age_decrypt");
    p(`- **AEAD.** At 16 MiB the STREAM layer runs at ${mbs("aead-16MiB", "ours-stream", node, 16 * 1048576)} MB/s in Node and`);
    p(`  ${mbs("aead-16MiB", "ours-stream", chromium, 16 * 1048576)} in Chromium, against libsodium's ${mbs("aead-16MiB", "sodium-chacha", node, 16 * 1048576)} / ${mbs("aead-16MiB", "sodium-chacha", chromium, 16 * 1048576)}. Two causes:`);
    if (lraw("raw-aead-16 MiB", "scratch-base")) {
      const r64 = lraw("raw-aead-64 KiB", "sodium") / lraw("raw-aead-64 KiB", "scratch-base");
      const r16 = lraw("raw-aead-16 MiB", "sodium") / lraw("raw-aead-16 MiB", "scratch-base");
      p(`  (1) the cipher itself: RustCrypto's ChaCha20-Poly1305 compiled to wasm, called raw through a`);
      p(`  bench-only export, runs at ${x(r64)} libsodium's speed at 64 KiB and ${x(r16)} at 16 MiB (levers below);`);
      const s64 = lraw("raw-aead-64 KiB", "scratch-simd128"), s16 = lraw("raw-aead-16 MiB", "scratch-simd128");
      if (s64 && s16) {
        p(`  built with +simd128, ${x(lraw("raw-aead-64 KiB", "sodium") / s64)} and ${x(lraw("raw-aead-16 MiB", "sodium") / s16)}.`);
      }
    } else {
      p("  (1) the cipher itself:");
    }
    p("  Both are scalar code; chacha20 0.9 has SSE2, AVX2 and NEON backends but none for wasm");
    p("  simd128 (nor has poly1305 0.8), so +simd128 alone only lets LLVM autovectorise.");
    if (lres("simd-chacha", "aead16m") && lres("baseline", "aead16m")) {
      p(`  The module now ships its own four-block simd128 ChaCha20 (\`src/age/chacha20_simd.rs\`, RFC 8439`);
      p(`  and Wycheproof vectors pass): \`decryptAge\` runs ${x(lres("baseline", "aead64") / lres("simd-chacha", "aead64"))} as fast as the compat build at 64 KiB and`);
      p(`  ${x(lres("baseline", "aead16m") / lres("simd-chacha", "aead16m"))} at 16 MiB (levers below). What remains is Poly1305, still scalar (poly1305 0.8`);
      p("  has no wasm backend), and the plumbing: (2) the one-call decrypt path copies the payload");
    } else {
      p("  (2) Plumbing: the one-call decrypt path copies the payload");
    }
    p("  several times (the framing buffer, the header buffer, each chunk buffer, the output,");
    p("  `to_vec` out of wasm) and zeroizes the plaintext byte by byte.");
    p(`  Natively that path takes ${fmt(ageN)} ms for 16 MiB where the raw AEAD takes ${fmt(rawN)} ms (${x(ageN / rawN)}).`);
    if (lres("baseline", "aead16m") && lraw("raw-aead-16 MiB", "scratch-base")) {
      p(`  In wasm (lever run, Node, compat build) \`decryptAge\` of 16 MiB took ${fmt(lres("baseline", "aead16m"))} ms and the raw AEAD ${fmt(lraw("raw-aead-16 MiB", "scratch-base"))} ms.`);
    }
  }
  if (missed.some((m) => m.startsWith("X25519"))) {
    p(`- **X25519.** Per stanza the module spends ${fmt(n("x25519", "ours") * 1000)} µs in Node and ${fmt(c("x25519", "ours") * 1000)} µs in Chromium against`);
    p(`  libsodium's ${fmt(n("x25519", "sodium") * 1000)} / ${fmt(c("x25519", "sodium") * 1000)} µs per shared secret.`);
    if (lraw("raw-x25519", "scratch-base")) {
      p(`  x25519-dalek's shared secret in wasm, called raw, takes`);
      p(`  ${fmt(lraw("raw-x25519", "scratch-base") * 1000)} µs against libsodium's ${fmt(lraw("raw-x25519", "sodium") * 1000)} µs in the same process (${x(lraw("raw-x25519", "sodium") / lraw("raw-x25519", "scratch-base"))}).`);
      p("  So most of the gap is the curve arithmetic itself: curve25519-dalek's 32-bit serial backend");
      p("  against libsodium's ref10 (the 64-bit backend is slower in wasm, lever `dalek64`). The rest of");
      p("  a stanza is an HKDF-SHA-256 and a 32-byte AEAD open. The reader computes each identity's");
      p("  public key once per header and stops at the first stanza that opens, as rage does.");
    }
  }
  if (missed.some((m) => m.startsWith("Argon2id"))) {
    const spread = (env, gid) => {
      const r = row(env, gid, "ours");
      return r ? (Math.max(...r.samples) - Math.min(...r.samples)) / r.ms : null;
    };
    p(`- **Argon2id.** ours/libsodium-sumo time: ${x(timeRatio(node, "argon2id-m19t2", "ours", "sumo"))} (Node) and ${x(timeRatio(chromium, "argon2id-m19t2", "ours", "sumo"))} (Chromium) at 19 MiB,`);
    p(`  ${x(timeRatio(node, "argon2id-m64t3", "ours", "sumo"))} and ${x(timeRatio(chromium, "argon2id-m64t3", "ours", "sumo"))} at 64 MiB, against a 1.10× bound; our own samples spread by`);
    p(`  ${fmt(100 * spread(node, "argon2id-m64t3"))}% (Node) and ${fmt(100 * spread(chromium, "argon2id-m64t3"))}% (Chromium) of their median at 64 MiB on this busy machine: ours is`);
    p("  consistently a little slower, and whether a run lands under 1.10× is partly noise, so this");
    p("  target is borderline. libsodium.js ships no SIMD build; ours is RustCrypto");
    p(`  \`argon2\` 0.5. No build lever closed it${lres("simd128", "argon") ? ` (+simd128 ${x(lres("baseline", "argon") / lres("simd128", "argon"))}, wasm-opt -O3 ${x(lres("baseline", "argon") / lres("wasm-opt-O3", "argon"))}, opt-level s ${x(lres("baseline", "argon") / lres("opt-s", "argon"))} in speed)` : ""}; the`);
    p("  cause inside the compression function is not isolated yet.");
    if (lres("simd-chacha", "argon")) {
      p(`  The shipped build is the simd128 one, which runs Argon2id at ${x(lres("baseline", "argon") / lres("simd-chacha", "argon"))} the compat build's speed: built`);
      p("  with +simd128, LLVM autovectorises Argon2's 64-bit multiply-adds into i64x2 operations that");
      p("  the engines run slower. Enabling simd128 only on the ChaCha20 functions (`#[target_feature]`)");
      p("  avoids that, but then the payload gains about 11% instead of 30-40% (Poly1305 and the");
      p("  keystream XOR are no longer vectorised; one Node run, 2026-11-25). We kept the global flag:");
      p("  attachments gain more than a keystore unlock (about 200 ms) loses.");
    }
  }
  if (missed.some((m) => m.startsWith("typical invoice"))) {
    const dh = lraw("raw-x25519", "scratch-base"), pub = lraw("raw-x25519", "scratch-base:pubkey");
    p("- **Typical invoice vs typage.** typage signs nothing and does its X25519 in native WebCrypto");
    p(`  (${fmt(n("x25519", "webcrypto") * 1000)} µs per shared secret in Node, ${fmt(c("x25519", "webcrypto") * 1000)} µs in Chromium); ours does all curve work in wasm.`);
    p("  Ours, per seal: a basepoint multiplication and a shared secret per recipient stanza (2 here),");
    p("  an Ed25519 signature and SHA-256; per open: a basepoint multiplication (the reader's public");
    p("  key), a shared secret for each stanza up to the one that opens (one here), and two Ed25519");
    p("  verifications (the manifest and the sender's card).");
    if (dh && pub) {
      const sealFloor = 2 * (dh + pub);
      p(`  The curve work alone sets a floor: sealing needs 2 × (${fmt(pub * 1000)} + ${fmt(dh * 1000)}) = ${fmt(sealFloor * 1000)} µs in wasm (raw, Node), while 5× typage`);
      p(`  means at most ${fmt((n("invoice-seal", "typage") / 5) * 1000)} µs in Node and ${fmt((c("invoice-seal", "typage") / 5) * 1000)} µs in Chromium; opening needs at least one shared secret`);
      p(`  (${fmt(dh * 1000)} µs), against ${fmt((n("invoice-open", "typage") / 5) * 1000)} / ${fmt((c("invoice-open", "typage") / 5) * 1000)} µs. So 5× is out of reach in Chromium whatever the rest`);
      p("  costs, unless the X25519 moves to WebCrypto (asynchronous, which the synchronous API cannot");
      p("  do); in Node, seal meets it and open could approach it.");
    }
    p(`  Against typage doing the same work (\"typage + Ed25519\" in the ratios) ours is ${x(speedRatio(node, "invoice-seal", "ours", "typage-signed"))} / ${x(speedRatio(chromium, "invoice-seal", "ours", "typage-signed"))} as`);
    p(`  fast to seal and ${x(speedRatio(node, "invoice-open", "ours", "typage-signed"))} / ${x(speedRatio(chromium, "invoice-open", "ours", "typage-signed"))} to open (Node / Chromium).`);
  }
  if (missed.some((m) => m.startsWith("crypto module") || m.startsWith("download"))) {
    const v = (id) => levers?.variants.find((q) => q.id === id);
    p(`- **Sizes.** The crypto module is ${kib(sz.crypto.gzip)} gzip (${kib(sz.crypto.files[0].gzip)} of it the .wasm), ${x(sz.crypto.gzip / (60 * 1024))} the`);
    p("  60 KiB bound. It links Ed25519, X25519, SHA-256/512, HKDF, HMAC, ChaCha20-Poly1305 and");
    p("  XChaCha20-Poly1305, Argon2id (with BLAKE2b), base64, bech32, armor, the manifest and card");
    p("  codecs and the JS bindings; the breakdown above shows no single part that could go.");
    if (v("opt-z") && v("no-tables")) {
      p(`  Measured levers: opt-level z gives ${kib(v("opt-z").gzip)} gzip but runs the AEAD ${x(lres("baseline", "aead16m") / lres("opt-z", "aead16m"))} as fast;`);
      p(`  dropping the precomputed curve tables gives ${kib(v("no-tables").gzip)} (data ${kib(v("baseline").data)} → ${kib(v("no-tables").data)}); wasm-opt`);
      p(`  (before wasm-bindgen) gives ${kib(v("wasm-opt-Oz")?.gzip ?? 0)}. None comes near 60 KiB; that bound would need the module split`);
      p("  (Argon2id and the keystore, needed only by business users, in a second module), a leaner");
      p("  JS boundary and fewer formatting paths (`core` above), not a build setting.");
    }
    p(`  The download to open a link and show the invoice is ${kib(sz.client.gzip)}; the page renders the signed UBL`);
    p(`  with the browser's XML parser and fetches the e-invoice module (${kib(sz.client.afterShown.gzip)} gzip) only after the`);
    p("  invoice is on screen, to run the EN 16931 rule check.");
  }
  p();
}

// Levers.
if (levers) {
  p("### Levers (measured without changing the shared build)");
  p();
  p(`Each variant is the crypto module built in its own target dir (\`target/bench-levers/\`) and`);
  p(`passed through wasm-bindgen like \`pkg/\`; all variants are timed in one Node process,`);
  p(`interleaved round by round (${levers.date?.slice(0, 10) ?? ""}). Speed columns are relative to the baseline`);
  p("(the compat build, `pkg/sealbill_compat_bg.wasm`'s settings): above 1.00× is faster.");
  p();
  const base = levers.variants[0];
  const lr = levers.variants.map((v) => [
    `\`${v.id}\``,
    v.description,
    v.raw ? bytes(v.raw) : "—",
    v.gzip ? bytes(v.gzip) : "—",
    v.data ? bytes(v.data) : "—",
    ...levers.ops.map((op) => {
      const a = levers.results[base.id]?.[op.id], b = levers.results[v.id]?.[op.id];
      return a && b ? x(a / b) : "—";
    }),
  ]);
  table(["variant", "how", "wasm raw", "wasm gzip", "of which data", ...levers.ops.map((o) => o.title)], lr, ["l", "l", "r", "r", "r", ...levers.ops.map(() => "r")]);
  p();
  p("Differences within about ±8% are this machine's noise: compare `dalek64` on Argon2id,");
  p("which they cannot change.");
  p();
  p("Baseline medians (Node): " + levers.ops.map((op) => `${op.title} ${fmt(levers.results[base.id]?.[op.id])} ms`).join(", ") + ".");
  p();
  if (levers.raw?.length) {
    p("The raw primitives in wasm, through bench-only exports of a scratch copy of the crate");
    p("(`target/bench-levers/scratch`, never in `src/`), against libsodium in the same process:");
    p();
    const rr = [];
    for (const g of levers.raw) {
      const sod = g.results.find((r) => r.id === "sodium");
      const sodPub = g.results.find((r) => r.id === "sodium:pubkey");
      for (const r of g.results) {
        const ref = r.id.startsWith("sodium") ? null : r.id.endsWith(":pubkey") ? sodPub : sod;
        rr.push([g.title, r.label, `${fmt(rate(g.unit, g.bytes, r.ms))} ${g.unit}`, ref ? x(ref.ms / r.ms) : "—"]);
      }
    }
    table(["measure", "implementation", "Node", "vs libsodium (speed)"], rr, ["l", "l", "r", "r"]);
    p();
  }
  for (const note of levers.notes ?? []) p(`- ${note}`);
  p();
}
p("<!-- /crypto-bench -->");

const section = lines.join("\n");
const doc = resolve(root, "docs/BENCHMARKS.md");
let text = existsSync(doc) ? readFileSync(doc, "utf8") : "# Benchmarks\n";
const re = /<!-- crypto-bench:[\s\S]*?<!-- \/crypto-bench -->/;
text = re.test(text) ? text.replace(re, () => section) : text.replace(/\s*$/, "\n\n") + section + "\n";
writeFileSync(doc, text);
console.error(`[report] wrote the crypto-bench section of ${doc}`);
