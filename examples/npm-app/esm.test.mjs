// The package imported with plain ES modules in Node (no bundler).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import init from "sealbill";
import { runDemo } from "./src/demo.js";

test("the sealbill package seals and opens an invoice under Node ES modules", async () => {
  const wasm = createRequire(import.meta.url).resolve("sealbill/sealbill_bg.wasm");
  await init({ module_or_path: await readFile(wasm) });
  assert.match(await runDemo(), /^sealed and opened INV-2026-0042 from (\d{5} ){7}\d{5}; streamed \d+ bytes, staged in memory$/);
});
