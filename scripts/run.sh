#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build the wasm module and the relay, and
# run the relay serving the page on http://127.0.0.1:8080, with its SQLite store in ./data.
#
# Uploads are open here (--open-uploads) so that the local page works at once; a deployment
# leaves that flag off and registers its senders (see README, "Deployment").
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
source scripts/pkg.sh

say "building the relay and the CLI (release)"
cargo build --locked --release --quiet -p sealbill-relay -p sealbill-cli

say "starting the relay on http://127.0.0.1:8080 (Ctrl-C stops it)"
exec "$ROOT/target/release/sealbill-relay" --listen 127.0.0.1:8080 --data-dir "$ROOT/data" \
  --www-dir "$ROOT/www" --pkg-dir "$ROOT/pkg" --open-uploads "$@"
