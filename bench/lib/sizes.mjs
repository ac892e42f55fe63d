// Download sizes, gzip -9 of each file (as the "Module sizes" table measures them), summed.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";

export function gzipSize(file) {
  return execFileSync("gzip", ["-9", "-n", "-c", file], { maxBuffer: 1 << 30 }).length;
}

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

function sum(root, files) {
  const list = files.filter(existsSync).map((f) => ({ file: relative(root, f), raw: statSync(f).size, gzip: gzipSize(f) }));
  return { files: list, raw: list.reduce((a, f) => a + f.raw, 0), gzip: list.reduce((a, f) => a + f.gzip, 0) };
}

/** The files a browser fetches on the link path, from index.html's references and imports. */
function linkPath(www, pkg) {
  const resolveUrl = (url) => (url.startsWith("/pkg/") ? join(pkg, url.slice(5)) : join(www, url.slice(1)));
  const html = readFileSync(join(www, "index.html"), "utf8");
  const files = new Set([join(www, "index.html")]);
  const queue = [...html.matchAll(/(?:href|src)="(\/[^"]+\.(?:css|js|wasm))"/g)].map((m) => resolveUrl(m[1]));
  queue.push(join(www, "open.js")); // the link path's dynamic import in app.js
  while (queue.length) {
    const file = queue.pop();
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith(".js")) continue;
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) {
      queue.push(m[1].startsWith("/") ? resolveUrl(m[1]) : resolve(file, "..", m[1]));
    }
    // A wasm-bindgen module fetches its .wasm next to itself.
    if (existsSync(file.replace(/\.js$/, "_bg.wasm"))) queue.push(file.replace(/\.js$/, "_bg.wasm"));
  }
  return [...files];
}

export async function sizes(root) {
  const pkg = resolve(root, "pkg");
  const www = resolve(root, "www");
  const crypto = sum(root, [join(pkg, "sealbill_bg.wasm"), join(pkg, "sealbill.js")]);
  // Everything a browser downloads to open a link and show the invoice: the HTML, its
  // stylesheet and preloads, and every module reachable by static import from the entry and
  // from the link path (open.js), with the wasm each imported wasm-bindgen module loads.
  // The e-invoice module, fetched only after the invoice is shown (for the rule check), is
  // counted apart.
  const client = sum(root, linkPath(www, pkg));
  const ruleCheck = sum(root, [join(pkg, "invoice/sealbill_invoice.js"), join(pkg, "invoice/sealbill_invoice_bg.wasm")]);
  client.afterShown = ruleCheck;

  // The peers, for scale: what an app would ship instead.
  const nm = resolve(root, "bench/node_modules");
  const typageBundle = resolve(root, "bench/out/typage.min.js");
  await build({ stdin: { contents: 'export * from "age-encryption";', resolveDir: resolve(root, "bench") }, bundle: true, minify: true, format: "esm", platform: "browser", outfile: typageBundle, logLevel: "warning" });
  const peers = {
    "libsodium-wrappers": sum(root, [join(nm, "libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs"), join(nm, "libsodium/dist/modules-esm/libsodium.mjs")]),
    "libsodium-wrappers-sumo": sum(root, [join(nm, "libsodium-wrappers-sumo/dist/modules-sumo-esm/libsodium-wrappers.mjs"), join(nm, "libsodium-sumo/dist/modules-sumo-esm/libsodium-sumo.mjs")]),
    "age-encryption (typage, with its noble deps, esbuild --minify)": sum(root, [typageBundle]),
  };
  return { crypto, client, peers };
}
