#!/usr/bin/env bash
# Builds the performance benchmark's corpus: real English text from Debian packages, as one JSONL file.
#
#   bench/fetch-corpus.sh [OUTPUT]        # default: bench/data/corpus.jsonl
#
# The packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x` (nothing is installed):
# dict-gcide (dictionary entries), dict-wn (WordNet glosses), linux-doc-6.1 (the kernel's rst/txt documentation);
# and the apt package descriptions (Translation-en lists, fetched by `apt-get update -o Acquire::Languages=en`).
# Prints the document and byte counts. About 343,000 documents and 130 MB of text.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
output="${1:-$here/data/corpus.jsonl}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$output")" "$work/x"

apt-get update -qq -o Acquire::Languages=en
(cd "$work" && apt-get download -qq dict-gcide dict-wn linux-doc-6.1 2>/dev/null)
for package in "$work"/*.deb; do dpkg-deb -x "$package" "$work/x"; done
python3 "$here/make_corpus.py" "$work/x" /var/lib/apt/lists/*Translation-en* > "$output"
echo "wrote $output ($(wc -c < "$output") bytes of JSONL)"
