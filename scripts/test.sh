#!/usr/bin/env bash
# Quick start, command 2: every check that gates a change.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

say "cargo fmt --check"
cargo fmt --all --check

say "cargo deny: the dependency tree's licences, duplicate crates and sources (deny.toml)"
cargo deny --workspace --locked check licenses bans sources

say "cargo clippy -D warnings (native, and the wasm32 bindings with their tests)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p sealbill -p sealbill-wasm \
  -p sealbill-invoice --lib --tests -- -D warnings
# The simd128 build (the default wasm of pkg/) in its own target dir, since RUSTFLAGS differ.
simd=(env RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$ROOT/target/simd")
"${simd[@]}" cargo clippy --locked --target wasm32-unknown-unknown -p sealbill-wasm --features simd \
  --lib --tests -- -D warnings

# The wasm32 release build of the library, as the npm package pkg/.
source scripts/pkg.sh

say "the committed CCTV vectors equal the cctv-age npm package"
node tests/interop/cctv-export.mjs --check

# A throwaway PostgreSQL cluster for the relay's suite on its PostgreSQL store, removed on exit.
source scripts/postgres.sh

say "native tests: unit, CCTV, known answers, interop with the age crate, CLI, streaming"
cargo test --workspace --locked

# The official CEN, Peppol and KoSIT rules over every corpus invoice (UBL and CII).
source scripts/official-rules.sh

# The wasm suites: the JS API (wasm/src/tests.rs), the CCTV vectors, the known answers
# (RFC 8439 and Wycheproof included) and the sealbill test kit (tests/testkit.rs), for the
# compat and the simd128 builds; the invoice
# module's JS API (invoice/src/wasm/tests.rs).
wasm_suites=(--target wasm32-unknown-unknown -p sealbill-wasm --lib -p sealbill --test cctv --test kat --test testkit)
invoice_suite=(--target wasm32-unknown-unknown -p sealbill-invoice --lib)
say "wasm-bindgen-test suites in Node"
cargo test --locked "${wasm_suites[@]}"
"${simd[@]}" cargo test --locked "${wasm_suites[@]}" --features simd
cargo test --locked "${invoice_suite[@]}"
say "wasm-bindgen-test suites in headless Chromium"
in_chromium=(env WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)")
"${in_chromium[@]}" cargo test --locked "${wasm_suites[@]}"
"${in_chromium[@]}" "${simd[@]}" cargo test --locked "${wasm_suites[@]}" --features simd
"${in_chromium[@]}" cargo test --locked "${invoice_suite[@]}"

say "interop with typage (npm age-encryption) under Node: the CLI and the wasm module"
SEALBILL_BIN="$ROOT/target/debug/sealbill" node --test tests/interop/

say "the page end to end: headless Chromium against the relay binary (tests/e2e/)"
npm_ci "$ROOT/tests/e2e"
(cd tests/e2e && SEALBILL_RELAY="$ROOT/target/debug/sealbill-relay" node --test)

say "the npm package in an app: tsc --noEmit over the app and both .d.ts files, plain ES modules in Node, and a Vite build in headless Chromium"
npm_ci "$ROOT/examples/npm-app"
(cd examples/npm-app && npx tsc --noEmit -p . && npx vite build --logLevel warn && node --test)
