# Installs what the build and the tests need, skipping whatever is already there.
# Sourced by scripts/run.sh and scripts/test.sh; safe to run again and again.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The interop peers (typage) and the CCTV age vectors come from npm, pinned by the lock file.
interop="$ROOT/tests/interop"
stamp="$interop/node_modules/.sealbill-lock"
if ! cmp -s "$interop/package-lock.json" "$stamp" 2>/dev/null; then
  say "installing npm packages for the interop tests"
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$interop/package-lock.json" "$stamp"
fi
