# Builds pkg/, the npm package of the wasm module: wasm-bindgen --target web output plus
# package.json and README from npm/. Sourced after scripts/setup.sh; cargo skips the build
# when nothing changed.

say "building pkg/ (the wasm module as an npm package)"
cargo build --locked --quiet --release --target wasm32-unknown-unknown -p sealbill --lib
wasm-bindgen --target web --out-dir "$ROOT/pkg" --out-name sealbill --remove-name-section \
  --remove-producers-section "$ROOT/target/wasm32-unknown-unknown/release/sealbill.wasm"
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
