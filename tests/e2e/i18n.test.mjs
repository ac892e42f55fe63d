// The page speaks German and English: every text the page's code can show has a German
// translation with the same placeholders, the page's own text is all translated, the language
// follows the browser and can be switched, and the choice is kept.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, startRelay, launch } from "./harness.mjs";
import { WAIT } from "./flows.mjs";

const WWW = join(ROOT, "www");
const CATALOGS = readdirSync(join(WWW, "i18n")).filter((f) => /^de-.*\.js$/.test(f));
const catalogs = await Promise.all(CATALOGS.map(async (f) =>
  [f, (await import(pathToFileURL(join(WWW, "i18n", f)))).default]));
const GERMAN = Object.assign({}, ...catalogs.map(([, c]) => c));

/** The English keys written as string literals in the page's code: `msg("…")` and `t("…")`. */
function literalKeys() {
  const keys = new Map();
  const literal = /\b(?:msg|t)\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\$]|\\.)*`)/g;
  for (const file of readdirSync(WWW).filter((f) => f.endsWith(".js"))) {
    for (const m of readFileSync(join(WWW, file), "utf8").matchAll(literal)) {
      const key = m[1].startsWith("`") ? m[1].slice(1, -1) : JSON.parse(m[1].startsWith("'")
        ? `"${m[1].slice(1, -1).replace(/"/g, '\\"')}"` : m[1]);
      keys.set(key, file);
    }
  }
  return keys;
}

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("German catalogues", () => {
  it("translate every message written in the page's code", () => {
    const keys = literalKeys();
    assert.ok(keys.size > 0, "the page's code names its messages");
    const untranslated = [...keys].filter(([key]) => !Object.hasOwn(GERMAN, key)).map(([k, f]) => `${f}: ${k}`);
    assert.deepEqual(untranslated, []);
  });

  it("keep the placeholders of the English text, and agree where two catalogues share a key", () => {
    for (const [file, catalog] of catalogs) {
      for (const [key, german] of Object.entries(catalog)) {
        assert.deepEqual(placeholders(german), placeholders(key), `${file}: ${key}`);
        assert.ok(german.trim(), `${file}: ${key} has a translation`);
        assert.equal(GERMAN[key], german, `${file}: ${key} is translated alike everywhere`);
      }
    }
  });
});

describe("the page's languages", () => {
  let relay;
  let browser;
  before(async () => {
    relay = await startRelay();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await relay?.stop();
  });

  const missing = (page) => page.evaluate(async () => [...(await import("/i18n.js")).missing]);

  it("speaks German to a German browser, with all of the page's own text translated", async () => {
    const ctx = await browser.newContext({ locale: "de-DE" });
    const page = await ctx.newPage();
    await page.goto(`${relay.origin}/`);
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    assert.equal(await page.getAttribute("html", "lang"), "de");
    assert.equal(await page.inputValue("#language"), "de");
    assert.match(await page.textContent(".tagline"), /Rechnungen, versiegelt in Ihrem Browser/);
    assert.deepEqual(await missing(page), []);
    await ctx.close();
  });

  it("speaks English to an English browser, switches to German and back, and keeps the choice", async () => {
    const ctx = await browser.newContext({ locale: "en-US" });
    const page = await ctx.newPage();
    await page.goto(`${relay.origin}/`);
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    const tagline = "Invoices sealed in your browser. The server stores only ciphertext.";
    assert.equal(await page.textContent(".tagline"), tagline);
    await page.selectOption("#language", "de");
    assert.match(await page.textContent(".tagline"), /^Rechnungen/);
    assert.equal(await page.getAttribute("html", "lang"), "de");
    await page.reload();
    await page.waitForSelector("#setup:not([hidden])", WAIT);
    assert.match(await page.textContent(".tagline"), /^Rechnungen/);
    await page.selectOption("#language", "en");
    assert.equal(await page.textContent(".tagline"), tagline);
    await ctx.close();
  });
});
