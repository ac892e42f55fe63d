// Subresource Integrity: the relay serves the page with the hash of every script, wasm module
// and stylesheet pinned (an import map with an "integrity" section, an integrity attribute on
// the page's own tags), and the page fetches the wasm modules with theirs. The hashes equal
// what scripts/sri.sh computes with openssl, and README's table for www/ is current. Then files
// are altered after the relay started, as a cache or a CDN on the way could: headless Chromium
// and Firefox refuse each one, run none of it, and the page says that its files do not match.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, launch, context, startRelay } from "./harness.mjs";
import { WAIT } from "./flows.mjs";
import { launchFirefox } from "./marionette.mjs";

/**
 * The relay over copies of www/ and pkg/ (without pkg/'s precompressed .gz files, so that an
 * altered file is the one served), on a loopback port.
 */
async function startOnCopies() {
  const dir = mkdtempSync(join(tmpdir(), "sealbill-sri-"));
  const [www, pkg] = [join(dir, "www"), join(dir, "pkg")];
  cpSync(join(ROOT, "www"), www, { recursive: true });
  cpSync(join(ROOT, "pkg"), pkg, { recursive: true, filter: (f) => !f.endsWith(".gz") });
  const relay = await startRelay({ www, pkg, flags: ["--open-uploads"] });
  return {
    origin: relay.origin,
    /** Replaces a served file (`/dom.js`, `/pkg/…`) with `change(bytes)`; returns the undo. */
    alter(path, change) {
      const file = path.startsWith("/pkg/") ? join(pkg, path.slice(5)) : join(www, path);
      const original = readFileSync(file);
      writeFileSync(file, change(original));
      return () => writeFileSync(file, original);
    },
    stop: async () => {
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The import map's text in a page. */
const importMap = (html) => /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1];
/** `| \`/path\` | \`sha384-…\` |` rows as a Map. */
const rows = (text) => new Map([...text.matchAll(/^\| `([^`]+)` \| `(sha384-[^`]+)` \|$/gm)].map((m) => [m[1], m[2]]));
const www = (map) => new Map([...map].filter(([path]) => !path.startsWith("/pkg/")));

/** A script that marks, when run, that the altered file ran. */
const marks = (path) => (bytes) => Buffer.concat([bytes, Buffer.from(`\n;(globalThis.altered ??= []).push(${JSON.stringify(path)});\n`)]);
/** A wasm module with one more custom section: still valid, and it would run as well as before. */
const extended = (bytes) => Buffer.concat([bytes, Buffer.from([0, 4, 3, 0x73, 0x72, 0x69])]);

/** Each altered file; `said`: the page can still say so (not where the entry itself is refused). */
const ALTERED = [
  { path: "/app.js", change: marks("/app.js"), said: false },
  { path: "/dom.js", change: marks("/dom.js"), said: true },
  { path: "/iban.js", change: marks("/iban.js"), said: true },
  { path: "/i18n/de-form.js", change: marks("/i18n/de-form.js"), said: true },
  { path: "/pkg/sealbill.js", change: marks("/pkg/sealbill.js"), said: true },
  { path: "/pkg/invoice/sealbill_invoice.js", change: marks("/pkg/invoice/sealbill_invoice.js"), said: true },
  { path: "/pkg/sealbill_bg.wasm", change: extended, said: true },
  { path: "/pkg/invoice/sealbill_invoice_bg.wasm", change: extended, said: true },
];

/**
 * Loads the page in `p` (a Playwright page, or marionette.mjs's stand-in) and waits, bounded,
 * until it has started or failed; returns what it shows.
 */
async function load(p, origin) {
  await p.goto(`${origin}/`);
  // Started, failed, or (where the entry itself is refused, and nothing runs) 5 s gone by.
  await p.waitForFunction(() => document.readyState === "complete" && (document.body.dataset.ready === "true"
    || document.getElementById("status").dataset.kind === "error" || performance.now() > 5000), null, WAIT);
  return p.evaluate(() => ({
    ready: document.body.dataset.ready === "true",
    status: document.getElementById("status").textContent,
    altered: globalThis.altered ?? [],
    pinned: Object.keys(JSON.parse(document.querySelector("script[type=importmap]")?.textContent || "{}").integrity ?? {}).length,
  }));
}

/** The page starts intact, then refuses each altered file in turn. */
async function refusesEachAlteredFile(relay, pageFor) {
  const intact = await load(await pageFor(), relay.origin);
  assert.equal(intact.ready, true, `the intact page starts: ${intact.status}`);
  assert.ok(intact.pinned >= 40, `the page pins its files (${intact.pinned})`);
  for (const { path, change, said } of ALTERED) {
    const undo = relay.alter(path, change);
    try {
      const shown = await load(await pageFor(), relay.origin);
      assert.deepEqual(shown.altered, [], `${path}: the altered file did not run`);
      assert.equal(shown.ready, false, `${path}: the page did not start`);
      if (said) assert.match(shown.status, /files do not match/, `${path}: the page says so`);
    } finally {
      undo();
    }
  }
}

describe("Subresource Integrity", () => {
  let relay;
  before(async () => { relay = await startOnCopies(); });
  after(async () => { await relay?.stop(); });

  it("pins every served script, wasm module and stylesheet, as scripts/sri.sh and README's release hashes say", async () => {
    const response = await fetch(`${relay.origin}/`);
    const map = importMap(await response.text());
    assert.ok(map, "the page carries an import map");
    const hash = `sha384-${createHash("sha384").update(map).digest("base64")}`;
    assert.match(response.headers.get("content-security-policy"), new RegExp(`script-src 'self' 'wasm-unsafe-eval' '${hash.replace(/[+/]/g, "\\$&")}';`));
    const pinned = new Map(Object.entries(JSON.parse(map).integrity));
    const computed = rows(execFileSync("bash", [join(ROOT, "scripts/sri.sh")], { encoding: "utf8" }));
    assert.deepEqual(pinned, computed, "the relay pins what openssl computes, for each file");
    for (const path of ["/app.js", "/pkg/sealbill.js", "/pkg/sealbill_bg.wasm", "/pkg/sealbill_compat_bg.wasm",
      "/pkg/invoice/sealbill_invoice.js", "/pkg/invoice/sealbill_invoice_bg.wasm", "/style.css"]) {
      assert.ok(pinned.has(path), path);
    }
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const published = /<!-- release-hashes:www -->\n([\s\S]*?)<!-- \/release-hashes -->/.exec(readme)?.[1] ?? "";
    assert.deepEqual(rows(published), www(pinned), "README's release hashes of www/ are current (scripts/sri.sh --readme)");
  });

  it("Chromium refuses each file altered after the page was pinned", async () => {
    const browser = await launch();
    const contexts = [];
    try {
      await refusesEachAlteredFile(relay, async () => {
        const ctx = await context(browser);
        contexts.push(ctx);
        return ctx.newPage();
      });
    } finally {
      for (const ctx of contexts) await ctx.close();
      await browser.close();
    }
  });

  it("Firefox refuses each file altered after the page was pinned", async () => {
    const ff = await launchFirefox();
    try {
      await refusesEachAlteredFile(relay, async () => ff.page);
    } finally {
      await ff.close();
    }
  });
});
