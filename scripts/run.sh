#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the main job.
# Until the relay exists, the main job is a CLI demo: a business seals the sample invoice
# for a client, and the client opens and verifies it.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
source scripts/pkg.sh

say "building the sealbill CLI (release)"
cargo build --release -p sealbill-cli --quiet
bin="$ROOT/target/release/sealbill"

demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
cd "$demo"
say "demo in $demo"
"$bin" keygen --name "Acme GmbH" -o acme.key >/dev/null 2>&1
"$bin" keygen --name "Client SARL" -o client.key >/dev/null 2>&1
"$bin" card -i client.key > client.card
sender_fp="$("$bin" card -i acme.key | sed -n 's/^fingerprint: //p')"

say "Acme seals INV-2026-0042 for the client"
"$bin" seal -i acme.key --to client.card --armor "$ROOT/examples/INV-2026-0042.xml" -o invoice.age
head -c 200 invoice.age; printf '…\n'

say "the client opens it, pinning Acme's fingerprint ($sender_fp)"
"$bin" open -i client.key --expect-sender "$sender_fp" invoice.age -o inbox
cmp "$ROOT/examples/INV-2026-0042.xml" inbox/INV-2026-0042.xml
say "the opened invoice is byte-identical to what Acme signed"

say "any age tool can read the envelope too: sealbill decrypt works like age -d"
"$bin" decrypt -i client.key invoice.age | head -c 20 | od -c | head -2
