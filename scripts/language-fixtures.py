#!/usr/bin/env python3
"""Makes the per-language test fixtures from real text in Debian packages.

    python3 scripts/language-fixtures.py      # writes Tests/AllianceSearchTests/Support/Languages/*.jsonl

Sources (downloaded with `apt-get download`, unpacked with `dpkg-deb -x`, never installed):
- es: fortunes-es (Spanish fortunes, /usr/share/games/fortunes/es)
- id, km: libreoffice-help-id, libreoffice-help-km (LibreOffice help pages, HTML)
- bn, ne: libreoffice-l10n-bn, libreoffice-l10n-ne (LibreOffice user-interface gettext catalogs, .mo)

Each fixture is a small JSONL file of about 25 documents, `{"id", "title", "body", "languages", "source"}`, with
the package and file each text came from. The selection is deterministic (sorted file names, first entries), so
running the script again gives the same files for the same package versions.
"""
import glob
import gettext
import html
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "AllianceSearchTests", "Support", "Languages")
COUNT = 25
PACKAGES = ["fortunes-es", "libreoffice-help-id", "libreoffice-help-km", "libreoffice-l10n-bn", "libreoffice-l10n-ne"]


def unpack(work):
    subprocess.run(["apt-get", "download", "-qq"] + PACKAGES, cwd=work, check=True)
    versions = {}
    for deb in sorted(glob.glob(os.path.join(work, "*.deb"))):
        name = os.path.basename(deb).split("_")[0]
        versions[name] = os.path.basename(deb).split("_")[1].replace("%3a", ":")
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(work, "x")], check=True)
    return os.path.join(work, "x"), versions


def spanish(root, version):
    documents = []
    for path in sorted(glob.glob(os.path.join(root, "usr/share/games/fortunes/es/*"))):
        if path.endswith(".dat") or os.path.islink(path) or not os.path.isfile(path):
            continue
        try:
            text = open(path, encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for entry in text.split("\n%\n"):
            entry = " ".join(entry.split())
            if 60 <= len(entry) <= 400:
                documents.append((entry, path))
                break
    return [
        {"id": f"es-{n:02d}", "title": body[:40].rsplit(" ", 1)[0], "body": body, "languages": ["es"],
         "source": f"fortunes-es {version}: {os.path.relpath(path, root)}"}
        for n, (body, path) in enumerate(documents[:COUNT], start=1)
    ]


def help_pages(root, language, package, version):
    documents = []
    for path in sorted(glob.glob(os.path.join(root, f"usr/share/libreoffice/help/{language}/text/shared/guide/*.html"))):
        page = open(path, encoding="utf-8").read()
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", page, re.S)]
        paragraphs = [" ".join(p.split()) for p in paragraphs if len(p.strip()) > 20]
        body = " ".join(paragraphs)[:600]
        if title and len(body) > 100:
            documents.append((html.unescape(title.group(1)).strip(), body, path))
        if len(documents) == COUNT:
            break
    return [
        {"id": f"{language}-{n:02d}", "title": title, "body": body, "languages": [language],
         "source": f"{package} {version}: {os.path.relpath(path, root)}"}
        for n, (title, body, path) in enumerate(documents, start=1)
    ]


def catalogs(root, language, package, version):
    strings = []
    for path in sorted(glob.glob(os.path.join(root, f"usr/lib/libreoffice/program/resource/{language}/LC_MESSAGES/*.mo"))):
        with open(path, "rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        for key in sorted(k for k in catalog if isinstance(k, str) and k):
            value = " ".join(str(catalog[key]).replace("~", "").split())
            if len(value) > 12 and not value.startswith("%"):
                strings.append((value, path))
        if len(strings) > COUNT * 8:
            break
    documents = []
    for n in range(COUNT):
        group = strings[n * 8:(n + 1) * 8]
        if not group:
            break
        documents.append({
            "id": f"{language}-{n + 1:02d}", "title": group[0][0][:60], "body": "। ".join(v for v, _ in group[1:]),
            "languages": [language], "source": f"{package} {version}: {os.path.relpath(group[0][1], root)}"})
    return documents


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="alliance-fixtures-") as work:
        root, versions = unpack(work)
        fixtures = {
            "es": spanish(root, versions["fortunes-es"]),
            "id": help_pages(root, "id", "libreoffice-help-id", versions["libreoffice-help-id"]),
            "km": help_pages(root, "km", "libreoffice-help-km", versions["libreoffice-help-km"]),
            "bn": catalogs(root, "bn", "libreoffice-l10n-bn", versions["libreoffice-l10n-bn"]),
            "ne": catalogs(root, "ne", "libreoffice-l10n-ne", versions["libreoffice-l10n-ne"]),
        }
    for language, documents in fixtures.items():
        if len(documents) < 10:
            sys.exit(f"{language}: only {len(documents)} documents found")
        with open(os.path.join(OUT, f"{language}.jsonl"), "w", encoding="utf-8") as handle:
            for document in documents:
                handle.write(json.dumps(document, ensure_ascii=False) + "\n")
        print(f"{language}: {len(documents)} documents")


if __name__ == "__main__":
    main()
