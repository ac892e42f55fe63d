# The official EN 16931 rule sets (CEN/TC 434, Peppol BIS 3, KoSIT XRechnung, compiled to XSLT in
# ../shared/validation) over every invoice the corpus builds, as UBL and as CII, each under the
# rules of the profile it claims (scripts/official_rules.py says which); then `sealbill invoice
# check` over the official examples, which must agree with their rules. Fails on any error.
#
# Sourced by scripts/test.sh after scripts/setup.sh; runs alone as `bash scripts/official-rules.sh`.
# ../shared is test data beside the checkout, not part of it: without it this step says so and
# is skipped, and nothing else is.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
  cd "$ROOT"
fi

official_rules() {
  local validation="$ROOT/../shared/validation" out="$ROOT/target/official-rules"
  local target="${CARGO_TARGET_DIR:-$ROOT/target}" start=$SECONDS
  if [ ! -f "$validation/validate.py" ]; then
    say "SKIPPED: the official e-invoice rules. ../shared/validation is missing, so the corpus was NOT checked against the CEN, Peppol and KoSIT rule sets"
    return 0
  fi
  say "the official CEN, Peppol and KoSIT rules over every corpus invoice, as UBL and as CII"
  # The corpus writer (invoice/examples/) and the CLI, as `cargo test --workspace` builds them
  # (the same features, so nothing is rebuilt after it; a `cargo build` would differ).
  cargo test --workspace --locked --quiet --no-run
  rm -rf "$out"
  "$target/debug/examples/corpus_documents" "$out/corpus"
  "$VALIDATION_PYTHON" scripts/official_rules.py "$validation/validate.py" "$out/corpus"
  say "sealbill invoice check agrees with the official rules on every official example"
  "$VALIDATION_PYTHON" scripts/official_rules.py "$validation/validate.py" "$validation/examples" \
    --check-with "$target/debug/sealbill"
  say "official rules: done in $((SECONDS - start)) s (the documents are in target/official-rules/)"
}
official_rules
