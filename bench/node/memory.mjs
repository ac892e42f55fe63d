// The streaming memory probe in a fresh Node process: prints one JSON object (see streamMemory
// in bench/lib/suite.mjs). `extra` is the process RSS. With --gc (run node with --expose-gc),
// a full collection runs before each sample.
//
//   node [--expose-gc] bench/node/memory.mjs [--gc] [PKG_DIR]
import { readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { streamMemory } from "../lib/suite.mjs";

const args = process.argv.slice(2);
const forceGc = args.includes("--gc");
const dir = args.find((a) => !a.startsWith("--"));
const pkg = resolve(dir ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../pkg"));
const sb = await import(pathToFileURL(resolve(pkg, "sealbill.js")).href);
const exports = sb.initSync({ module: readFileSync(resolve(pkg, "sealbill_bg.wasm")) });
const result = streamMemory(sb, exports.memory, () => process.memoryUsage.rss(), { forceGc });
console.log(JSON.stringify({ ...result, extraKind: "process RSS" }));
