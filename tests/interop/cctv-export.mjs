// Copies the CCTV age vectors that apply to sealbill (X25519 identities and ASCII armor;
// not scrypt or hybrid post-quantum) from the npm package `cctv-age` into
// tests/vectors/cctv/, one file per vector, byte for byte.
// `node cctv-export.mjs --check` fails if the committed copy differs from the package.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as cctv from "cctv-age";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "vectors", "cctv");
const check = process.argv.includes("--check");

function applies(bytes) {
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).split("\n\n")[0];
  const lines = head.split("\n");
  const identities = lines.filter((l) => l.startsWith("identity: "));
  const passphrases = lines.filter((l) => l.startsWith("passphrase: "));
  return passphrases.length === 0 && identities.every((l) => l.startsWith("identity: AGE-SECRET-KEY-1"));
}

const wanted = Object.entries(cctv).filter(([name, bytes]) => name !== "default" && applies(bytes));
if (check) {
  const have = new Set(readdirSync(dir));
  let bad = 0;
  for (const [name, bytes] of wanted) {
    if (!have.delete(name) || Buffer.compare(readFileSync(join(dir, name)), Buffer.from(bytes)) !== 0) {
      console.error(`differs from cctv-age: ${name}`);
      bad++;
    }
  }
  for (const extra of have) {
    console.error(`not in cctv-age: ${extra}`);
    bad++;
  }
  if (bad) process.exit(1);
  console.log(`cctv: ${wanted.length} vectors match the cctv-age package`);
} else {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of wanted) writeFileSync(join(dir, name), bytes);
  console.log(`cctv: wrote ${wanted.length} vectors to ${dir}`);
}
