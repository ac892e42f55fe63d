// The real relay binary on a loopback port and headless Chromium, for the page's tests.
// Both are started here and stopped by the caller; every wait is bounded.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const OUTPUT = join(ROOT, "tests/e2e/output");
const RELAY = process.env.SEALBILL_RELAY ?? join(ROOT, "target/debug/sealbill-relay");

/**
 * Starts `sealbill-relay` (uploads need a registered sender, or a biller of its team) on 127.0.0.1 with a fresh
 * store, serving `www` and `pkg` (the checkout's by default), with `flags` added.
 */
export async function startRelay({ www = join(ROOT, "www"), pkg = join(ROOT, "pkg"), flags = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "sealbill-e2e-"));
  const data = join(dir, "data");
  const args = ["--listen", "127.0.0.1:0", "--data-dir", data,
    "--www-dir", www, "--pkg-dir", pkg, "--rate-limit", "100000", ...flags];
  const child = spawn(RELAY, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => { log += d; });
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start in 20 s:\n${log}`)), 20_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /sealbill-relay listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => reject(new Error(`relay exited with ${code}:\n${log}`)));
  });
  return {
    origin,
    db: join(data, "relay.sqlite3"),
    /** Registers a sender's card, as an operator would, with the relay running. */
    addSender: (card) => execFileSync(RELAY, ["--data-dir", data, "senders", "add", card]),
    /**
     * Runs one SQL statement on the store (simulating a hostile or aged relay, or an edit by
     * hand), then waits a second, by which the running relay has seen it.
     */
    sql: (statement, ...params) => {
      execFileSync("python3", ["-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2], sys.argv[3:]); c.commit()",
        join(data, "relay.sqlite3"), statement, ...params.map(String)]);
      // The relay sees an edit by hand at its next checkpoint tick (every 250 ms): until then
      // it may serve a body it kept in memory.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    },
    /**
     * Flips one bit in the middle of a stored envelope, as a hostile relay could. A relay
     * started without `--hot-bodies 0` may still serve the body it kept from an earlier fetch.
     */
    tamper: (id) => execFileSync("python3", ["-c", [
      "import sqlite3,sys",
      "c=sqlite3.connect(sys.argv[1])",
      "b=bytearray(c.execute('SELECT body FROM envelopes WHERE id=?',(sys.argv[2],)).fetchone()[0])",
      "b[len(b)//2]^=1",
      "c.execute('UPDATE envelopes SET body=? WHERE id=?',(bytes(b),sys.argv[2]))",
      "c.commit()"].join("\n"), join(data, "relay.sqlite3"), id]),
    /** The relay's stderr so far, once the lines it buffers (at most 100 ms) have been written. */
    log: async () => { await new Promise((resolve) => setTimeout(resolve, 300)); return log; },
    stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }),
  };
}

/** Headless Debian Chromium with the flags this machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A fresh browser context (its own IndexedDB) with downloads allowed, and `options` such as a
 * `locale`; page errors fail tests.
 */
export async function context(browser, options = {}) {
  const ctx = await browser.newContext({ acceptDownloads: true, ...options });
  ctx.errors = [];
  ctx.requests = [];
  ctx.on("page", (page) => {
    page.on("pageerror", (e) => ctx.errors.push(e.message));
    page.on("request", (r) => ctx.requests.push(r.url()));
  });
  return ctx;
}

/** Saves a screenshot of the page under tests/e2e/output/. */
export async function shot(page, name) {
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
}

/** The bytes of a download. */
export async function downloaded(download) {
  return readFileSync(await download.path());
}
