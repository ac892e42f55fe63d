// Collects the native criterion results (benches/crypto.rs) into one JSON file: the median
// time per iteration of each benchmark, in milliseconds, and the memory probe's line.
//
//   node bench/native.mjs CRITERION_HOME BENCH_LOG OUT
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [home, logFile, out] = process.argv.slice(2);
const results = {};
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (e.name === "new" && existsSync(join(p, "estimates.json"))) {
      const id = JSON.parse(readFileSync(join(p, "benchmark.json"), "utf8")).full_id;
      const est = JSON.parse(readFileSync(join(p, "estimates.json"), "utf8"));
      results[id] = est.median.point_estimate / 1e6;
    } else if (e.name !== "base" && e.name !== "report") {
      walk(p);
    }
  }
};
walk(home);
const line = readFileSync(logFile, "utf8").split("\n").find((l) => l.startsWith("native-memory: "));
const memory = line ? JSON.parse(line.slice("native-memory: ".length)) : null;
writeFileSync(out, JSON.stringify({ env: "native", results, memory }, null, 1));
console.error(`[native] ${Object.keys(results).length} results`);
