#!/usr/bin/env bash
# Release step: `cargo audit` over Cargo.lock against the RustSec advisory database. Any
# advisory fails it: a vulnerable crate, and (with --deny warnings) an unsound, unmaintained or
# yanked one. The database comes from GitHub; where that cannot be reached, the audit is
# skipped with a "SKIPPED: …" line and exit 0, which is not a pass. SEALBILL_ADVISORY_DB
# names a local copy of the database (a clone of the advisory-db repository) to use instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '==> %s\n' "$*" >&2; }

audit_version="0.22.2"
# (cargo-audit 0.22 names itself "cargo-audit-audit" in --version.)
if ! cargo audit --version 2>/dev/null | grep -q " $audit_version\$"; then
  say "installing cargo-audit $audit_version (takes a few minutes, once)"
  cargo install cargo-audit --locked --version "$audit_version"
fi

cd "$ROOT"
DB_URL="https://github.com/RustSec/advisory-db.git"
if [ -n "${SEALBILL_ADVISORY_DB:-}" ]; then
  say "cargo audit against the advisory database in $SEALBILL_ADVISORY_DB"
  cargo audit --db "$SEALBILL_ADVISORY_DB" --no-fetch --deny warnings
elif timeout 30 git ls-remote --quiet "$DB_URL" HEAD >/dev/null 2>&1; then
  say "cargo audit against the advisory database fetched from $DB_URL"
  cargo audit --deny warnings
else
  echo "SKIPPED: cargo audit: the RustSec advisory database ($DB_URL) cannot be reached" \
    "from this machine, so no advisory was checked. Run scripts/audit.sh where it can be," \
    "or with SEALBILL_ADVISORY_DB set to a current copy, before a release."
fi
