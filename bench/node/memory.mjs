// The streaming memory probe in a fresh Node process: prints one JSON object (see streamMemory
// in bench/lib/suite.mjs). `extra` is the process RSS. With --gc (run node with --expose-gc),
// a full collection runs before each sample. With --inside the opener keeps its staged bytes
// in itself (`push`); else they go to a temporary file (`pushStaged`), read back 64 KiB at a time.
//
//   node [--expose-gc] bench/node/memory.mjs [--gc] [--inside] [PKG_DIR]
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { streamMemory } from "../lib/suite.mjs";

const args = process.argv.slice(2);
const forceGc = args.includes("--gc");
const dir = args.find((a) => !a.startsWith("--"));
const pkg = resolve(dir ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../pkg"));
const sb = await import(pathToFileURL(resolve(pkg, "sealbill.js")).href);
const exports = sb.initSync({ module: readFileSync(resolve(pkg, "sealbill_bg.wasm")) });

/** Staged bytes in a temporary file, written as they come and read back from the start. */
function fileStaging() {
  const folder = mkdtempSync(join(tmpdir(), "sealbill-staged-"));
  const fd = openSync(join(folder, "staged"), "w+");
  const buffer = new Uint8Array(64 * 1024);
  let readAt = 0;
  return {
    where: "a temporary file",
    write: (bytes) => void writeSync(fd, bytes),
    read: () => {
      const n = readSync(fd, buffer, 0, buffer.length, readAt);
      readAt += n;
      return n > 0 ? buffer.subarray(0, n) : null;
    },
    remove: () => {
      closeSync(fd);
      rmSync(folder, { recursive: true });
    },
  };
}

const staging = args.includes("--inside") ? null : fileStaging();
try {
  const result = await streamMemory(sb, exports.memory, () => process.memoryUsage.rss(), { forceGc, staging });
  console.log(JSON.stringify({ ...result, extraKind: "process RSS" }));
} finally {
  staging?.remove();
}
