#!/usr/bin/env bash
# Crypto benchmarks: the sealbill wasm module against libsodium.js, noble, hash-wasm and typage,
# in Node and in headless Chromium, with native Rust (criterion) as the ceiling, plus the lever
# experiments. One run on this machine; not a CI test.
#
#   bash bench/crypto.sh [--no-levers]
#
# Builds what it needs (pkg/, the native bench, the lever variants under target/bench-levers/),
# installs bench/'s pinned npm packages, writes raw results to bench/out/, and rewrites the
# crypto-bench section of docs/BENCHMARKS.md (bench/report.mjs). About 10-15 minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
levers=1
for arg in "$@"; do
  case "$arg" in
    --no-levers) levers=0 ;;
    *) echo "usage: bash bench/crypto.sh [--no-levers]" >&2; exit 2 ;;
  esac
done

# Toolchain, Chromium, the wasm module (pkg/), and bench/'s npm packages.
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
npm_ci "$ROOT/bench"
source "$ROOT/scripts/pkg.sh"

OUT="$ROOT/bench/out"
mkdir -p "$OUT"
start=$(date +%s)

say "native: criterion (benches/crypto.rs)"
rm -rf "$OUT/criterion"
CRITERION_HOME="$OUT/criterion" timeout 1200 \
  cargo bench --locked --quiet --bench crypto -- --noplot > "$OUT/native.log"
node bench/native.mjs "$OUT/criterion" "$OUT/native.log" "$OUT/native.json"

say "Node $(node --version)"
timeout 900 node bench/node/run.mjs --out "$OUT/node.json"

say "headless Chromium"
timeout 1200 node bench/browser/run.mjs --out "$OUT/chromium.json"

if [ "$levers" = 1 ]; then
  say "levers"
  timeout 1800 bash bench/levers.sh
else
  rm -f "$OUT/levers.json"
fi

printf '{"seconds": %s, "loadEnd": "%s"}\n' "$(( $(date +%s) - start ))" \
  "$(cut -d' ' -f1-3 /proc/loadavg | sed 's| | / |g')" > "$OUT/run.json"
node bench/report.mjs
