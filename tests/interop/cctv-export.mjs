// Copies the CCTV age vectors that apply to sealbill (X25519 identities and ASCII armor;
// not scrypt or hybrid post-quantum) from the npm package `cctv-age` into one bundle file,
// tests/vectors/cctv-age.bundle, byte for byte. The bundle lets the same test suite embed the
// vectors natively and in wasm, where there is no file system. Each vector is written as
//   <name>\n<length in decimal>\n<bytes>\n
// in name order. `node cctv-export.mjs --check` fails if the bundle differs from the package.
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as cctv from "cctv-age";

const bundlePath = join(dirname(fileURLToPath(import.meta.url)), "..", "vectors", "cctv-age.bundle");
const check = process.argv.includes("--check");

function applies(bytes) {
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).split("\n\n")[0];
  const lines = head.split("\n");
  const identities = lines.filter((l) => l.startsWith("identity: "));
  const passphrases = lines.filter((l) => l.startsWith("passphrase: "));
  return passphrases.length === 0 && identities.every((l) => l.startsWith("identity: AGE-SECRET-KEY-1"));
}

const wanted = Object.entries(cctv)
  .filter(([name, bytes]) => name !== "default" && applies(bytes))
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const parts = [];
for (const [name, bytes] of wanted) {
  parts.push(Buffer.from(`${name}\n${bytes.length}\n`), Buffer.from(bytes), Buffer.from("\n"));
}
const bundle = Buffer.concat(parts);
if (check) {
  let committed;
  try {
    committed = readFileSync(bundlePath);
  } catch {
    committed = Buffer.alloc(0);
  }
  if (Buffer.compare(committed, bundle) !== 0) {
    console.error(`${bundlePath} differs from cctv-age: run node tests/interop/cctv-export.mjs`);
    process.exit(1);
  }
  console.log(`cctv: ${wanted.length} vectors match the cctv-age package`);
} else {
  writeFileSync(bundlePath, bundle);
  console.log(`cctv: wrote ${wanted.length} vectors to ${bundlePath}`);
}
