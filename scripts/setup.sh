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

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
# (No --locked: the registry mirror lacks some versions that the CLI's own lock file pins.)
wb_version="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_version" ] ||
   ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $wb_version (takes a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# cargo-deny, pinned, for the dependency tree's licences, duplicates and sources (deny.toml).
deny_version="0.20.2"
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $deny_version" ]; then
  say "installing cargo-deny $deny_version (takes a few minutes, once)"
  cargo install cargo-deny --locked --version "$deny_version"
fi

# Headless Chromium and its driver, for the browser test suites (Debian packages).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# PostgreSQL, for the relay's tests on its PostgreSQL store (scripts/postgres.sh starts a
# throwaway cluster with Debian's initdb and pg_ctl).
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  say "installing postgresql"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq postgresql >/dev/null
fi

# Firefox ESR, for the page's tests in a second engine (tests/e2e/firefox.test.mjs drives it over
# its own Marionette protocol, so no geckodriver is needed).
if ! command -v firefox-esr >/dev/null; then
  say "installing firefox-esr"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq firefox-esr >/dev/null
fi

# npm packages, pinned by each lock file, reinstalled only when the lock file changes.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.sealbill-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
    say "installing npm packages in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
# The interop peers (typage) and the CCTV age vectors.
npm_ci "$ROOT/tests/interop"

# Saxon-HE for Python (PyPI saxonche, pinned), in a virtual environment under target/, for the
# official e-invoice rule sets in ../shared/validation (scripts/official-rules.sh). Only where
# that folder is; reinstalled only when the pinned version is missing.
VALIDATION_PYTHON="$ROOT/target/venv/bin/python"
saxonche_version="13.1.1"
if [ -d "$ROOT/../shared/validation" ] && ! "$VALIDATION_PYTHON" -c \
    "import importlib.metadata as m, sys; sys.exit(m.version('saxonche') != '$saxonche_version')" 2>/dev/null; then
  python=python3
  # Debian's python3 needs python3-venv (ensurepip) for `-m venv`.
  if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing python3-venv"
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq python3-venv >/dev/null
    python=/usr/bin/python3
  fi
  say "installing saxonche $saxonche_version in target/venv (the official e-invoice rules)"
  "$python" -m venv --clear "$ROOT/target/venv"
  "$ROOT/target/venv/bin/pip" install --quiet --disable-pip-version-check "saxonche==$saxonche_version"
fi
