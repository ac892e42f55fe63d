// The Vite build of this app (dist/, made by `npm run build`) opened in headless Chromium.
// A small static server on loopback serves it; the test is bounded to 60 seconds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const dist = join(fileURLToPath(new URL(".", import.meta.url)), "dist");
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

test("the Vite build seals and opens an invoice in headless Chromium", { timeout: 60_000 }, async () => {
  const server = createServer(async (req, res) => {
    const path = normalize(new URL(req.url, "http://x").pathname).replace(/^\/+$/, "/index.html");
    try {
      const body = await readFile(join(dist, path));
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const status = page.locator("#status");
    await page.waitForFunction(() => !document.getElementById("status").textContent.startsWith("working"), null, { timeout: 45_000 });
    assert.deepEqual(errors, []);
    assert.match(await status.textContent(), /^ok: sealed and opened INV-2026-0042 from .*, staged in OPFS$/);
  } finally {
    await browser.close();
    server.close();
  }
});
