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

export async function sizes(root) {
  const pkg = resolve(root, "pkg");
  const www = resolve(root, "www");
  const crypto = sum(root, [join(pkg, "sealbill_bg.wasm"), join(pkg, "sealbill.js")]);
  // Everything a browser downloads to open a link: the page's HTML, JS and CSS, and the
  // module; the e-invoice module too if the page imports it.
  const page = walk(www, (p) => /\.(html|js|mjs|css)$/.test(p));
  const importsInvoice = page.some((p) => /\.m?js$|\.html$/.test(p) && readFileSync(p, "utf8").includes("/pkg/invoice/"));
  const invoice = importsInvoice ? walk(join(pkg, "invoice"), (p) => /\.(js|wasm)$/.test(p) && !p.endsWith(".d.ts")) : [];
  const client = sum(root, [...page, join(pkg, "sealbill_bg.wasm"), join(pkg, "sealbill.js"), ...invoice]);
  client.importsInvoice = importsInvoice;

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
