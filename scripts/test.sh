#!/usr/bin/env bash
# Quick start, command 2: every check that gates a change.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "the library builds for wasm32-unknown-unknown"
cargo build --locked -p sealbill --lib --target wasm32-unknown-unknown

say "the committed CCTV vectors equal the cctv-age npm package"
node tests/interop/cctv-export.mjs --check

say "native tests: unit, CCTV, known answers, interop with the age crate, CLI, streaming"
cargo test --workspace --locked

say "interop with typage (npm age-encryption) under Node"
SEALBILL_BIN="$ROOT/target/debug/sealbill" node --test tests/interop/
