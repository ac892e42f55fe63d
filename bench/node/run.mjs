// The Node harness: runs bench/lib/suite.mjs against pkg/ (or another wasm-bindgen --target web
// build given with --pkg), then the 100 MB streaming probe in a fresh child process, and writes
// one JSON file.
//
//   node bench/node/run.mjs [--out FILE] [--pkg DIR] [--only PREFIX,PREFIX] [--no-memory]
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { runSuite } from "../lib/suite.mjs";
import { root, opt, flag, only as onlyFilter } from "../lib/args.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(opt("--out", resolve(root, "bench/out/node.json")));
const pkg = resolve(opt("--pkg", resolve(root, "pkg")));
const only = onlyFilter();

const sb = await import(pathToFileURL(resolve(pkg, "sealbill.js")).href);
sb.initSync({ module: readFileSync(resolve(pkg, "sealbill_bg.wasm")) });

const cfg = { batchMs: 60, samples: 7, groupBudgetMs: 30000, only };
const log = (m) => console.error(`[node] ${m}`);
const t0 = performance.now();
const groups = await runSuite(sb, cfg, log);
let memory = null;
if (!flag("--no-memory")) {
  const probe = (flags, extra = []) =>
    JSON.parse(execFileSync(process.execPath, [...flags, resolve(here, "memory.mjs"), ...flags.map(() => "--gc"), ...extra, pkg], { encoding: "utf8", timeout: 300000 }));
  memory = { lazy: probe([]), gc: probe(["--expose-gc"]), inside: probe(["--expose-gc"], ["--inside"]) };
  for (const [k, m] of Object.entries(memory)) {
    log(`memory (${k}): wasm +${m.wasmGrowth} B, rss +${m.extraGrowth} B, ${m.mbPerS.toFixed(0)} MB/s`);
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ env: "node", version: process.version, date: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, cfg, groups, memory }, null, 1),
);
log(`wrote ${out} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
