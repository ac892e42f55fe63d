# Builds pkg/, the npm package of the wasm module: wasm-bindgen --target web output plus
# package.json and README from npm/. Sourced after scripts/setup.sh; cargo skips the build
# when nothing changed.

# Two builds share one JS glue: sealbill_bg.wasm with wasm simd128 (every current browser and
# Node; the STREAM cipher computes four ChaCha20 blocks per pass) and sealbill_compat_bg.wasm
# without, for runtimes that lack it. The simd build has its own target dir, since RUSTFLAGS
# differ.
say "building pkg/ (the wasm module as an npm package: simd128 and compat builds)"
cargo build --locked --quiet --release --target wasm32-unknown-unknown -p sealbill-wasm --lib
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$ROOT/target/simd" \
  cargo build --locked --quiet --release --target wasm32-unknown-unknown -p sealbill-wasm --lib \
  --features simd
bindgen_crypto() {
  wasm-bindgen --target web --out-dir "$2" --out-name sealbill --remove-name-section \
    --remove-producers-section "$1"
}
bindgen_crypto "$ROOT/target/wasm32-unknown-unknown/release/sealbill_wasm.wasm" "$ROOT/target/pkg-compat"
bindgen_crypto "$ROOT/target/simd/wasm32-unknown-unknown/release/sealbill_wasm.wasm" "$ROOT/pkg"
if ! cmp -s "$ROOT/target/pkg-compat/sealbill.js" "$ROOT/pkg/sealbill.js"; then
  echo "the simd and compat builds need different JS glue; they must not" >&2
  exit 1
fi
cp "$ROOT/target/pkg-compat/sealbill_bg.wasm" "$ROOT/pkg/sealbill_compat_bg.wasm"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -1)"
sed "s/@VERSION@/$version/" "$ROOT/npm/package.json" > "$ROOT/pkg/package.json"
cp "$ROOT/npm/README.md" "$ROOT/pkg/README.md"

say "building pkg/invoice/ (the e-invoice module, its own npm package)"
cargo build --locked --quiet --release --target wasm32-unknown-unknown -p sealbill-invoice --lib
wasm-bindgen --target web --out-dir "$ROOT/pkg/invoice" --out-name sealbill_invoice \
  --remove-name-section --remove-producers-section \
  "$ROOT/target/wasm32-unknown-unknown/release/sealbill_invoice.wasm"
sed "s/@VERSION@/$version/" "$ROOT/npm/invoice/package.json" > "$ROOT/pkg/invoice/package.json"
cp "$ROOT/npm/invoice/README.md" "$ROOT/pkg/invoice/README.md"

# Precompressed copies for the relay (served to clients that accept gzip).
for f in "$ROOT"/pkg/*.wasm "$ROOT"/pkg/*.js "$ROOT"/pkg/invoice/*.wasm "$ROOT"/pkg/invoice/*.js; do
  [ "$f.gz" -nt "$f" ] || gzip -9 -n -k -f "$f"
done
