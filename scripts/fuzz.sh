#!/usr/bin/env bash
# Fuzzing with cargo-fuzz on the nightly toolchain (docs/SECURITY-TESTING.md).
#
#   scripts/fuzz.sh list              the targets
#   scripts/fuzz.sh seeds             (re)write the seed corpora into fuzz/corpus/TARGET
#   scripts/fuzz.sh TARGET SECONDS    run one target for SECONDS of wall clock
#
# The corpus grows in fuzz/corpus/TARGET (seeded from the test vectors on first use), crashes
# land in fuzz/artifacts/TARGET, and each run's log in fuzz/logs/. All three are gitignored.
# Builds go to fuzz/target, apart from the workspace's target/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/fuzz"
# The CEN, Peppol and XRechnung examples, used as invoice seeds where present.
examples="${SEALBILL_VALIDATION_EXAMPLES:-$root/../shared/validation/examples}"

usage() {
    echo "usage: scripts/fuzz.sh list | seeds | TARGET SECONDS" >&2
    exit 2
}

targets() {
    for f in "$fuzz"/fuzz_targets/*.rs; do basename "$f" .rs; done
}

# libFuzzer options per target: the longest input worth trying and the memory allowed
# (AddressSanitizer included). Inputs longer than these limits are refused by size checks
# that the unit tests already cover.
options() {
    case "$1" in
        age_header | armor | envelope) echo "-max_len=16384 -rss_limit_mb=1024" ;;
        manifest | backup) echo "-max_len=8192 -rss_limit_mb=1024" ;;
        keystore | link) echo "-max_len=1024 -rss_limit_mb=1024" ;;
        ubl | cii) echo "-max_len=131072 -rss_limit_mb=2048" ;;
        relay) echo "-max_len=8192 -rss_limit_mb=2048" ;;
        *) echo "unknown target: $1 (see scripts/fuzz.sh list)" >&2; exit 2 ;;
    esac
}

tools() {
    if ! rustup toolchain list | grep -q '^nightly'; then
        echo "fuzzing needs the nightly toolchain: rustup toolchain install nightly" >&2
        exit 1
    fi
    if ! command -v cargo-fuzz > /dev/null; then
        cargo install cargo-fuzz --locked
    fi
}

# cargo-fuzz builds with --cfg fuzzing (src/fuzzing.rs), AddressSanitizer, optimisations and
# debug assertions (-a), so that an overflow is a finding too.
build() {
    (cd "$root" && cargo +nightly fuzz build -a "$1")
}

seeds() {
    local target
    build seeds
    rm -rf "$fuzz/corpus.seeds"
    "$fuzz/target/x86_64-unknown-linux-gnu/release/seeds" "$root" "$fuzz/corpus.seeds" "$examples"
    for target in $(targets); do
        mkdir -p "$fuzz/corpus/$target"
        if [ -d "$fuzz/corpus.seeds/$target" ]; then
            cp "$fuzz/corpus.seeds/$target"/* "$fuzz/corpus/$target/"
        fi
    done
    rm -rf "$fuzz/corpus.seeds"
}

case "${1:-}" in
    list) targets; exit 0 ;;
    seeds) tools; seeds; exit 0 ;;
    "" ) usage ;;
esac
target=$1
seconds=${2:-}
[[ "$seconds" =~ ^[0-9]+$ ]] || usage
[ -f "$fuzz/fuzz_targets/$target.rs" ] || { echo "unknown target: $target" >&2; usage; }
opts=$(options "$target")
tools
if [ -z "$(ls -A "$fuzz/corpus/$target" 2> /dev/null)" ]; then
    seeds
fi
build "$target"

# The relay target keeps its store here; removed however the run ends.
SEALBILL_FUZZ_TMP=$(mktemp -d)
export SEALBILL_FUZZ_TMP
trap 'rm -rf "$SEALBILL_FUZZ_TMP"' EXIT

mkdir -p "$fuzz/logs"
log="$fuzz/logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "fuzzing $target for $seconds s ($opts); log: $log"
# shellcheck disable=SC2086 # $opts is a list of flags
(cd "$root" && cargo +nightly fuzz run -a "$target" "$fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 $opts) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "$target: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
echo "$target: $(grep -E '^Done [0-9]+ runs' "$log" | tail -1) corpus $(ls "$fuzz/corpus/$target" | wc -l) files"
exit "$status"
