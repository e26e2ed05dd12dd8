#!/usr/bin/env bash
# Real PDFs for the PDF tests, from Debian packages, fetched with `apt-get download` and unpacked with
# `dpkg-deb -x`; nothing is installed. Into Tests/Fixtures/pdf (not committed):
#   debian-reference.en.pdf, .es.pdf, .id.pdf   the Debian Reference (2.100), 261+ pages in three of our languages
#   carroll-wonderland.pdf                       from python3-pattern's test corpora
# Tests that need them are skipped, saying so, when they are missing. .ci/run runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
target="Tests/Fixtures/pdf"
wanted=(debian-reference.en.pdf debian-reference.es.pdf debian-reference.id.pdf carroll-wonderland.pdf)
missing=0
for name in "${wanted[@]}"; do [ -s "$target/$name" ] || missing=1; done
[ "$missing" = 0 ] && exit 0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$target"
(
  cd "$work"
  # apt-get download writes into the current folder; the _apt user may not, which only warns.
  apt-get download debian-reference-en debian-reference-es debian-reference-id python3-pattern 2>&1 | grep -v "^W: Download is performed unsandboxed" || true
  for package in *.deb; do dpkg-deb -x "$package" unpacked; done
)
for language in en es id; do
  cp "$work/unpacked/usr/share/debian-reference/debian-reference.$language.pdf" "$target/"
done
cp "$work/unpacked/usr/share/doc/python3-pattern/test/corpora/carroll-wonderland.pdf" "$target/"
ls -l "$target"
