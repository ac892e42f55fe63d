// The Chromium harness: bundles entry.mjs and the peers with esbuild, serves the bench page,
// pkg/ and the bundle from a loopback-only HTTP server, drives Debian's headless Chromium with
// playwright-core, and writes one JSON file. Everything is bounded in time.
//
//   node bench/browser/run.mjs [--out FILE] [--only PREFIX,PREFIX] [--no-memory]
import { createServer } from "node:http";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { root, opt, flag, only as onlyFilter } from "../lib/args.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(opt("--out", resolve(root, "bench/out/chromium.json")));
const only = onlyFilter();
const SUITE_TIMEOUT_MS = 10 * 60 * 1000;
const MEMORY_TIMEOUT_MS = 3 * 60 * 1000;

// Whatever happens, the process ends: a hung browser must not hang the benchmark.
const watchdog = setTimeout(() => {
  console.error("[chromium] timed out");
  process.exit(2);
}, SUITE_TIMEOUT_MS + MEMORY_TIMEOUT_MS + 60000);
watchdog.unref();

const bundle = resolve(root, "bench/out/browser/bench.js");
await build({
  entryPoints: [resolve(here, "entry.mjs")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: bundle,
  logLevel: "warning",
  // libsodium's emscripten glue names Node's crypto module in a branch browsers never take.
  external: ["crypto"],
});

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const routes = (path) => {
  if (path === "/") return resolve(here, "index.html");
  if (path === "/bench.js") return bundle;
  if (path.startsWith("/pkg/")) {
    const file = resolve(root, "pkg", "." + path.slice(4));
    return file.startsWith(resolve(root, "pkg") + sep) ? file : null;
  }
  return null;
};
const server = createServer(async (req, res) => {
  const file = routes(new URL(req.url, "http://x").pathname);
  try {
    if (!file) throw new Error("not found");
    const body = await readFile(file);
    // Cross-origin isolation gives performance.now() its finer resolution.
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cache-control": "no-store",
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-precise-memory-info", "--js-flags=--expose-gc",
  ],
  timeout: 60000,
});
const bounded = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, no) => setTimeout(() => no(new Error(`${what} timed out`)), ms).unref())]);

let result;
try {
  const version = browser.version();
  const open = async () => {
    const page = await browser.newPage();
    page.on("console", (m) => m.text().startsWith("[chromium]") && console.error(m.text()));
    page.on("pageerror", (e) => console.error(`[chromium] page error: ${e.message}`));
    await page.goto(base, { timeout: 30000 });
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30000 });
    return page;
  };
  const t0 = performance.now();
  const cfg = { batchMs: 60, samples: 7, groupBudgetMs: 30000, only };
  const page = await open();
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const groups = await bounded(page.evaluate((c) => window.runBench(c), cfg), SUITE_TIMEOUT_MS, "suite");
  await page.close();
  let memory = null;
  if (!flag("--no-memory")) {
    memory = {};
    for (const [k, forceGc, inside] of [["lazy", false, false], ["gc", true, false], ["inside", true, true]]) {
      const fresh = await open();
      const m = await bounded(fresh.evaluate(([g, i]) => window.runMemory(g, i), [forceGc, inside]), MEMORY_TIMEOUT_MS, "memory probe");
      console.error(`[chromium] memory (${k}): wasm +${m.wasmGrowth} B, JS heap +${m.extraGrowth} B, ${m.mbPerS.toFixed(0)} MB/s`);
      await fresh.close();
      memory[k] = m;
    }
  }
  result = { env: "chromium", version, crossOriginIsolated: isolated, date: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, cfg, groups, memory };
} finally {
  await browser.close().catch(() => {});
  server.close();
}
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(result, null, 1));
console.error(`[chromium] wrote ${out} in ${result.seconds.toFixed(0)} s`);
clearTimeout(watchdog);
