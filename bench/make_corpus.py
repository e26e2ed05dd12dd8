#!/usr/bin/env python3
"""Turns the extracted Debian packages of bench/fetch-corpus.sh into one JSONL corpus.

Each line is {"id", "title", "body", "source"}:
- dict-gcide: one record per distinct entry of the GNU Collaborative International Dictionary of English
  (the dictd index lists an entry once per headword spelling; entries with the same text are kept once);
- dict-wn: one record per distinct WordNet entry (glosses, synonyms, examples);
- linux-doc-6.1: one record per .rst or .txt file under Documentation/;
- the apt package descriptions (Translation-en): one record per package description.

    python3 bench/make_corpus.py EXTRACTED_ROOT TRANSLATION_FILE... > corpus.jsonl

Prints the document and byte counts to stderr. Standard library only.
"""
import base64
import gzip
import json
import os
import subprocess
import sys

B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def dictd_number(text):
    value = 0
    for character in text:
        value = value * 64 + B64[character]
    return value


def dictd(root, name, out, counts):
    index = os.path.join(root, "usr/share/dictd", name + ".index")
    with gzip.open(os.path.join(root, "usr/share/dictd", name + ".dict.dz"), "rb") as handle:
        data = handle.read()
    seen = set()
    number = 0
    with open(index, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
                continue
            start, length = dictd_number(parts[1]), dictd_number(parts[2])
            if (start, length) in seen:
                continue
            seen.add((start, length))
            text = data[start:start + length].decode("utf-8", "replace").strip()
            if not text:
                continue
            number += 1
            emit(out, counts, f"{name}-{number}", parts[0], text, name)


def linux_doc(root, out, counts):
    base = os.path.join(root, "usr/share/doc/linux-doc-6.1/Documentation")
    for folder, _, files in sorted(os.walk(base)):
        for file in sorted(files):
            if not (file.endswith(".rst.gz") or file.endswith(".txt.gz") or file.endswith(".rst") or file.endswith(".txt")):
                continue
            path = os.path.join(folder, file)
            opener = gzip.open if file.endswith(".gz") else open
            with opener(path, "rb") as handle:
                text = handle.read().decode("utf-8", "replace")
            relative = os.path.relpath(path, base)
            if relative.endswith(".gz"):
                relative = relative[:-3]
            title = next((line.strip() for line in text.splitlines() if line.strip() and not set(line.strip()) <= set("=-~*#^.:")), relative)
            emit(out, counts, "linux-doc/" + relative, title[:200], text, "linux-doc-6.1")


def translations(files, out, counts):
    seen = set()
    for file in files:
        text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", file], check=True, capture_output=True).stdout.decode("utf-8", "replace")
        for record in text.split("\n\n"):
            package, description = None, []
            for line in record.split("\n"):
                if line.startswith("Package: "):
                    package = line[len("Package: "):]
                elif line.startswith("Description-en: "):
                    description.append(line[len("Description-en: "):])
                elif line.startswith(" ") and description:
                    description.append(" . " if line.strip() == "." else line.strip())
            if package and description and package not in seen:
                seen.add(package)
                emit(out, counts, "apt/" + package, package + ": " + description[0], "\n".join(description[1:]) or description[0], "apt Translation-en")


def emit(out, counts, identifier, title, body, source):
    line = json.dumps({"id": identifier, "title": title, "body": body, "source": source}, ensure_ascii=False)
    out.write(line + "\n")
    counts["documents"] += 1
    counts["bytes"] += len(title.encode("utf-8")) + len(body.encode("utf-8"))
    counts[source] = counts.get(source, 0) + 1


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root, files = sys.argv[1], sys.argv[2:]
    counts = {"documents": 0, "bytes": 0}
    out = sys.stdout
    dictd(root, "gcide", out, counts)
    dictd(root, "wn", out, counts)
    linux_doc(root, out, counts)
    translations(files, out, counts)
    sys.stderr.write(json.dumps(counts) + "\n")


if __name__ == "__main__":
    main()
