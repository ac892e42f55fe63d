#!/usr/bin/env bash
# Lever experiments for the crypto module, without touching the shared build: each variant is
# built in its own target dir under target/bench-levers/, passed through wasm-bindgen as
# scripts/pkg.sh does, and timed against pkg/ (the baseline) in one Node process
# (bench/node/levers.mjs), which writes bench/out/levers.json for bench/report.mjs.
#
#   bash bench/levers.sh        (run by bench/crypto.sh; expects pkg/ built and bench/node_modules)
#
# Variants: opt-level s and z (CARGO_PROFILE_RELEASE_OPT_LEVEL), +simd128 (RUSTFLAGS),
# curve25519-dalek's 64-bit backend (RUSTFLAGS --cfg), Debian binaryen's wasm-opt -O3/-Oz, and
# a scratch copy of the crate with bench-only exports of the raw primitives (never in src/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
LEVERS="$ROOT/target/bench-levers"
OUT="$ROOT/bench/out"
mkdir -p "$LEVERS" "$OUT"
say() { printf '==> %s\n' "$*" >&2; }
notes="$OUT/levers-notes.txt"
: > "$notes"

bindgen() { # bindgen WASM DIR
  rm -rf "$2"
  wasm-bindgen --target web --out-dir "$2" --out-name sealbill --remove-name-section \
    --remove-producers-section "$1"
}

build() { # build NAME [ENV=VALUE...]: cargo build of the wasm module in target/bench-levers/NAME
  local name="$1"; shift
  say "levers: building $name"
  env "$@" CARGO_TARGET_DIR="$LEVERS/cargo-$name" \
    cargo build --locked --quiet --release --target wasm32-unknown-unknown -p sealbill-wasm --lib
  bindgen "$LEVERS/cargo-$name/wasm32-unknown-unknown/release/sealbill_wasm.wasm" "$LEVERS/pkg-$name"
}

build baseline
build opt-s CARGO_PROFILE_RELEASE_OPT_LEVEL=s
build opt-z CARGO_PROFILE_RELEASE_OPT_LEVEL=z
build simd128 RUSTFLAGS="-C target-feature=+simd128"
build dalek64 RUSTFLAGS='--cfg curve25519_dalek_bits="64"'

# wasm-opt (Debian binaryen). It runs on cargo's output, before wasm-bindgen: binaryen 108
# cannot parse what wasm-bindgen 0.2.130 emits (table.fill, from the externref table).
base_wasm="$ROOT/target/wasm32-unknown-unknown/release/sealbill_wasm.wasm"
if command -v wasm-opt >/dev/null; then
  wo_version="$(wasm-opt --version)"
  if err="$(wasm-opt -O3 "$ROOT/pkg/sealbill_bg.wasm" -o "$LEVERS/after-bindgen.wasm" 2>&1)"; then
    echo "$wo_version parses pkg/sealbill_bg.wasm (after wasm-bindgen)." >> "$notes"
  else
    echo "$wo_version cannot parse pkg/sealbill_bg.wasm (after wasm-bindgen): \`$(echo "$err" | head -1)\` (opcode 0xFC 17 is table.fill, which wasm-bindgen's externref table uses); it is run on cargo's output before wasm-bindgen instead." >> "$notes"
  fi
  features=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
    --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types)
  for level in O3 Oz; do
    say "levers: wasm-opt -$level"
    wasm-opt "-$level" "${features[@]}" "$base_wasm" -o "$LEVERS/wasm-opt-$level.wasm"
    bindgen "$LEVERS/wasm-opt-$level.wasm" "$LEVERS/pkg-wasm-opt-$level"
  done
  say "levers: opt-level z + wasm-opt -Oz"
  wasm-opt -Oz "${features[@]}" "$LEVERS/cargo-opt-z/wasm32-unknown-unknown/release/sealbill_wasm.wasm" \
    -o "$LEVERS/opt-z-wasm-opt-Oz.wasm"
  bindgen "$LEVERS/opt-z-wasm-opt-Oz.wasm" "$LEVERS/pkg-opt-z-wasm-opt-Oz"
else
  echo "wasm-opt is not installed (Debian package binaryen): its rows are missing." >> "$notes"
fi

# The scratch copy: the core and the binding crate as they are, plus bench-only exports of the
# raw primitives, so that the cipher and the curve can be told apart from the module's
# plumbing. Never in src/ or wasm/.
say "levers: scratch copy with raw-primitive exports"
scratch="$LEVERS/scratch"
rm -rf "$scratch/src" "$scratch/wasm"
mkdir -p "$scratch"
cp -r "$ROOT/src" "$scratch/src"
cp -r "$ROOT/wasm" "$scratch/wasm"
cp "$ROOT/Cargo.lock" "$scratch/Cargo.lock"
python3 - "$ROOT/Cargo.toml" "$scratch/Cargo.toml" "$scratch/wasm/Cargo.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'members = \[[^\]]*\]\ndefault-members = \[[^\]]*\]', 'members = ["wasm"]', text)
text = re.sub(r'\[\[bench\]\]\nname = "crypto"\nharness = false\n', '', text)
text = re.sub(r'\[profile\.release\.package\.(en16931|en16931-formats|roxmltree|rust_decimal|sealbill-invoice)\]\nopt-level = "z"\n', '', text)
open(sys.argv[2], "w").write(text)
wasm = open(sys.argv[3]).read()
marker = "[target.'cfg(all(target_arch = \"wasm32\", target_os = \"unknown\"))'.dependencies]\n"
assert marker in wasm
wasm = wasm.replace(marker, marker + 'chacha20poly1305 = "0.10.1"\nx25519-dalek = { version = "2.0.1", default-features = false, features = ["static_secrets"] }\n', 1)
open(sys.argv[3], "w").write(wasm)
PY
cat >> "$scratch/wasm/src/lib.rs" <<'RS'

use wasm_bindgen::prelude::*;
type JsResult<T> = Result<T, JsValue>;

/// Bench-only (bench/levers.sh scratch build): one raw ChaCha20-Poly1305 decryption.
#[wasm_bindgen(js_name = benchAeadDecrypt)]
pub fn bench_aead_decrypt(key: &[u8], nonce: &[u8], sealed: &[u8]) -> JsResult<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let cipher = chacha20poly1305::ChaCha20Poly1305::new_from_slice(key).map_err(|_| JsValue::NULL)?;
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| JsValue::NULL)?;
    cipher.decrypt(&nonce.into(), sealed).map_err(|_| JsValue::NULL)
}

/// Bench-only: one raw X25519 shared secret (x25519-dalek).
#[wasm_bindgen(js_name = benchX25519)]
pub fn bench_x25519(secret: &[u8], public: &[u8]) -> JsResult<Vec<u8>> {
    let s: [u8; 32] = secret.try_into().map_err(|_| JsValue::NULL)?;
    let p: [u8; 32] = public.try_into().map_err(|_| JsValue::NULL)?;
    let shared = x25519_dalek::StaticSecret::from(s).diffie_hellman(&x25519_dalek::PublicKey::from(p));
    Ok(shared.as_bytes().to_vec())
}

/// Bench-only: one X25519 public key from a secret (a basepoint multiplication).
#[wasm_bindgen(js_name = benchX25519Base)]
pub fn bench_x25519_base(secret: &[u8]) -> JsResult<Vec<u8>> {
    let s: [u8; 32] = secret.try_into().map_err(|_| JsValue::NULL)?;
    Ok(x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(s)).as_bytes().to_vec())
}
RS
for variant in base simd128; do
  flags=""
  [ "$variant" = simd128 ] && flags="-C target-feature=+simd128"
  say "levers: building scratch-$variant"
  (cd "$scratch" && RUSTFLAGS="$flags" CARGO_TARGET_DIR="$LEVERS/cargo-scratch-$variant" \
    cargo build --quiet --release --target wasm32-unknown-unknown -p sealbill-wasm --lib)
  bindgen "$LEVERS/cargo-scratch-$variant/wasm32-unknown-unknown/release/sealbill_wasm.wasm" \
    "$LEVERS/pkg-scratch-$variant"
done

# The scratch copy without curve25519-dalek's precomputed basepoint tables (ed25519-dalek
# without "fast", x25519-dalek without its default "precomputed-tables"): a size lever.
say "levers: building scratch-no-tables"
notables="$LEVERS/scratch-no-tables"
rm -rf "$notables"
mkdir -p "$notables"
cp -r "$scratch/src" "$scratch/wasm" "$scratch/Cargo.toml" "$scratch/Cargo.lock" "$notables/"
python3 - "$notables/Cargo.toml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
for old, new in [
    ('x25519-dalek = { version = "2.0.1", features = ["static_secrets", "zeroize"] }',
     'x25519-dalek = { version = "2.0.1", default-features = false, features = ["static_secrets", "zeroize"] }'),
    ('features = ["std", "zeroize", "fast"]', 'features = ["std", "zeroize"]'),
]:
    assert old in text, old
    text = text.replace(old, new)
open(path, "w").write(text)
PY
(cd "$notables" && CARGO_TARGET_DIR="$LEVERS/cargo-scratch-no-tables" \
  cargo build --quiet --release --target wasm32-unknown-unknown -p sealbill-wasm --lib)
bindgen "$LEVERS/cargo-scratch-no-tables/wasm32-unknown-unknown/release/sealbill_wasm.wasm" "$LEVERS/pkg-scratch-no-tables"

say "levers: timing the variants in Node"
node "$ROOT/bench/node/levers.mjs" "$LEVERS" "$OUT/levers.json" "$notes"
