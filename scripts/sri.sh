#!/usr/bin/env bash
# The Subresource Integrity hash of every script, wasm module and stylesheet the relay serves
# from www/ and pkg/: SHA-384 in base64, as SRI and the page's import map write it. The relay
# pins the same hashes in the page it serves; a user compares the two (README, "Release
# hashes"). Computed with openssl, independently of the relay's own code.
#
#   scripts/sri.sh           prints both tables (www/, then pkg/) as Markdown rows
#   scripts/sri.sh --readme  writes them into README.md, between the release-hashes markers
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Rows `| /path | sha384-… |` for the files under directory $1, served under URL prefix $2.
# Hidden files and folders are left out, as the relay never serves them.
rows() {
  (cd "$1" && find . -maxdepth 8 -name '.?*' -prune -o -type f \
      \( -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -print | LC_ALL=C sort |
    while read -r file; do
      printf '| `%s%s` | `sha384-%s` |\n' "$2" "${file#.}" \
        "$(openssl dgst -sha384 -binary "$file" | openssl base64 -A)"
    done)
}

# A Markdown table of rows $1.
table() {
  printf '| file | SHA-384 (as SRI writes it) |\n| --- | --- |\n%s\n' "$1"
}

www="$(rows "$ROOT/www" "")"
pkg="$(rows "$ROOT/pkg" "/pkg")"

if [ "${1:-}" != "--readme" ]; then
  printf '%s\n%s\n' "$www" "$pkg"
  exit 0
fi

# The pkg/ table says which toolchain built it: its bytes depend on the build.
built="Built with $(rustc --version) and $(wasm-bindgen --version)."
export WWW_TABLE PKG_TABLE
WWW_TABLE="$(table "$www")"
PKG_TABLE="$(printf '%s\n\n%s' "$built" "$(table "$pkg")")"
readme="$ROOT/README.md"
awk '
  /^<!-- release-hashes:www -->$/ { print; print ENVIRON["WWW_TABLE"]; skip = 1; next }
  /^<!-- release-hashes:pkg -->$/ { print; print ENVIRON["PKG_TABLE"]; skip = 1; next }
  /^<!-- \/release-hashes -->$/ { skip = 0 }
  !skip { print }
' "$readme" > "$readme.tmp"
if cmp -s "$readme" "$readme.tmp"; then
  rm "$readme.tmp"
  echo "README.md: the release hashes are current"
else
  mv "$readme.tmp" "$readme"
  echo "README.md: release hashes written"
fi
