// The page's UBL reader (www/ubl.js) against the e-invoice module: over the whole corpus and
// the official UBL examples, both must read the same plain invoice object, field by field. The
// module's object is the reference: a key present on one side only fails, so a term the page
// drops cannot pass unseen, and neither can one it invents.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startRelay, launch, context, ROOT } from "./harness.mjs";

const CORPUS = join(ROOT, "invoice/tests/invoices/valid");
const EXAMPLES = join(ROOT, "../shared/validation/examples");
const UBL_ROOT = /<(?:\w+:)?(?:Invoice|CreditNote)\b[^>]*xmlns(?::\w+)?="urn:oasis:names:specification:ubl:schema:xsd:(?:Invoice|CreditNote)-2"/;

/** The UBL files of a folder (official examples mix UBL and CII). */
function ublFiles(dir) {
  return readdirSync(dir).filter((f) => /\.xml$/i.test(f)).sort()
    .map((f) => [f, readFileSync(join(dir, f))])
    .filter(([, bytes]) => UBL_ROOT.test(bytes.toString("utf8", 0, 4096)));
}

/**
 * Every difference between two plain objects, as `path: ours | theirs`: a key on one side
 * only, a different value, arrays of different length.
 */
export function differences(ours, theirs, path = "") {
  const kind = (v) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  if (kind(ours) !== kind(theirs)) return [`${path || "."}: ${JSON.stringify(ours)} | ${JSON.stringify(theirs)}`];
  if (kind(ours) === "array") {
    const out = ours.length === theirs.length ? [] : [`${path}.length: ${ours.length} | ${theirs.length}`];
    for (let i = 0; i < Math.min(ours.length, theirs.length); i++) out.push(...differences(ours[i], theirs[i], `${path}[${i}]`));
    return out;
  }
  if (kind(ours) === "object") {
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort();
    return keys.flatMap((k) => {
      if (!(k in theirs)) return [`${path}.${k}: only the page reads it (${JSON.stringify(ours[k])})`];
      if (!(k in ours)) return [`${path}.${k}: the page drops it (${JSON.stringify(theirs[k])})`];
      return differences(ours[k], theirs[k], `${path}.${k}`);
    });
  }
  return ours === theirs ? [] : [`${path}: ${JSON.stringify(ours)} | ${JSON.stringify(theirs)}`];
}

/** Every key path of an object, list indexes as `[]`: the fields a comparison covered. */
function paths(value, path = "", out = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => paths(v, `${path}[]`, out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, `${path}.${k}`, out);
  else out.add(path);
  return out;
}

let relay, browser, page;

/** Reads each file with both readers in the page: `{ name, ours, theirs, error }`. */
async function readBoth(files) {
  return page.evaluate(async (list) => {
    const { readUbl } = await import("/ubl.js");
    const module = await import("/pkg/invoice/sealbill_invoice.js");
    await module.default();
    // Both sides as JSON would carry them: absent and undefined are the same.
    const plain = (v) => JSON.parse(JSON.stringify(v));
    return list.map(([name, bytes]) => {
      const xml = new Uint8Array(bytes);
      let theirs;
      try {
        theirs = plain(module.readInvoice(xml).invoice);
      } catch (e) {
        return { name, skipped: `the e-invoice module does not read it (${e.code}: ${e.message})` };
      }
      try {
        return { name, ours: plain(readUbl(xml)), theirs };
      } catch (e) {
        return { name, error: `the page cannot read it: ${e.message}` };
      }
    });
  }, files.map(([name, bytes]) => [name, [...bytes]]));
}

/** Asserts that both readers agree on every file; returns how many were compared. */
async function assertSame(files) {
  const results = await readBoth(files);
  const failures = [];
  let compared = 0;
  const fields = new Set();
  for (const r of results) {
    if (r.skipped) continue;
    if (r.error) {
      failures.push(`${r.name}: ${r.error}`);
      continue;
    }
    compared++;
    paths(r.theirs, "", fields);
    const diff = differences(r.ours, r.theirs);
    if (diff.length) failures.push(`${r.name}:\n  ${diff.join("\n  ")}`);
  }
  assert.equal(failures.length, 0, `the page's reader differs from the e-invoice module:\n${failures.join("\n")}`);
  return { compared, fields, skipped: results.filter((r) => r.skipped).map((r) => `${r.name}: ${r.skipped}`) };
}

describe("the page's UBL reader reads what the e-invoice module reads", { timeout: 120_000 }, () => {
  before(async () => {
    relay = await startRelay();
    browser = await launch();
    const ctx = await context(browser);
    page = await ctx.newPage();
    await page.goto(`${relay.origin}/`);
  });
  after(async () => {
    await browser?.close();
    await relay?.stop();
  });

  it("the comparison itself fails on a key on one side only and on a changed value", () => {
    assert.deepEqual(differences({ a: "1", b: { c: "x" } }, { a: "1", b: { c: "x" } }), []);
    assert.equal(differences({ a: "1" }, { a: "1", d: "2" }).length, 1);
    assert.equal(differences({ a: "1", d: "2" }, { a: "1" }).length, 1);
    assert.equal(differences({ l: [{ a: "1" }] }, { l: [{ a: "2" }] }).length, 1);
    assert.equal(differences({ l: [] }, { l: [{}] }).length, 1);
  });

  it("every invoice of the corpus, field by field", async (t) => {
    const files = ublFiles(CORPUS);
    assert.ok(files.length >= 7, "the corpus is there");
    const { compared, skipped, fields } = await assertSame(files);
    assert.deepEqual(skipped, [], "the module reads every corpus invoice");
    assert.equal(compared, files.length);
    t.diagnostic(`${compared} corpus invoices compared, ${fields.size} distinct fields`);
  });

  it("every official UBL example (CEN, Peppol BIS 3, XRechnung), field by field", async (t) => {
    if (!existsSync(EXAMPLES)) {
      t.skip(`../shared/validation/examples is missing: the official examples are not compared (${EXAMPLES})`);
      return;
    }
    const files = readdirSync(EXAMPLES).sort().flatMap((d) => ublFiles(join(EXAMPLES, d)).map(([f, b]) => [`${d}/${f}`, b]));
    assert.ok(files.length > 50, `official UBL examples found: ${files.length}`);
    const { compared, skipped, fields } = await assertSame(files);
    t.diagnostic(`${compared} official UBL examples compared, ${fields.size} distinct fields; ${skipped.length} not read by the module${skipped.length ? `:\n${skipped.join("\n")}` : ""}`);
    assert.ok(compared >= files.length - skipped.length);
  });

  it("a DTD is refused before parsing", async () => {
    const refused = await page.evaluate(async () => {
      const { readUbl } = await import("/ubl.js");
      try {
        readUbl(new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'));
        return "accepted";
      } catch (e) {
        return e.message;
      }
    });
    assert.match(refused, /DTD/);
  });
});
