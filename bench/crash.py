#!/usr/bin/env python3
"""Kills alliance-ingest with SIGKILL at random moments of each kind of write, and checks what is left.

Each trial starts from the same index and corpus, starts one operation, kills it after a random delay (up to 1.2x
the time the operation takes when left alone), then asks:
  - is the index whole? `alliance-ingest --check` must find no damage (a scrub left pending is allowed: it is
    reported, and `--check --repair` must then finish it);
  - is it one state or the other? the documents (id and content hash) must be exactly the old ones or exactly the
    new ones, never a mix;
  - is purged text gone? once the purged document no longer matches, and after any repair, its marker word must be
    in no file of the index's folder;
  - can it be searched? `alliance-query --no-refresh` must answer.

Usage: python3 bench/crash.py --bin .build/release --kills 100 [--seed 1] [--records 8000]
Prints one JSON object: kills per operation and outcome, and every failure.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

MARKER = "qzvelmorantix"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(tool, args, cwd, check=None):
    result = subprocess.run([tool] + args, cwd=cwd, capture_output=True, text=True)
    if check is not None and result.returncode != check:
        raise SystemExit(f"{' '.join(args)}: exit {result.returncode}: {result.stderr}")
    return result


def documents(index):
    """The documents, as a set of (id, content hash); read without the tokenizer (documents is a plain table)."""
    connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        return frozenset(connection.execute('SELECT "id", "content_hash" FROM "documents"').fetchall())
    finally:
        connection.close()


def text_left(folder):
    needle = MARKER.encode()
    return any(needle in open(os.path.join(folder, name), "rb").read() for name in os.listdir(folder))


def bulk(path, version, records):
    with open(path, "w") as out:
        for number in range(records):
            out.write(json.dumps({"id": f"bulk-{number}", "title": f"Bulk record {number}",
                                  "body": f"Version {version} of a text about labour migration, number {number}."}) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--records", type=int, default=8000)
    options = parser.parse_args()
    random.seed(options.seed)
    ingest = os.path.join(options.bin, "alliance-ingest")
    query = os.path.join(options.bin, "alliance-query")

    work = tempfile.mkdtemp(prefix="alliance-crash-")
    shutil.copytree(os.path.join(ROOT, "corpus"), os.path.join(work, "corpus"))
    os.makedirs(os.path.join(work, "index"))
    index_folder = os.path.join(work, "index")
    index = os.path.join(index_folder, "alliance.sqlite")
    secret = os.path.join(work, "corpus", "secret.md")
    with open(secret, "w") as out:
        out.write(f"---\nid: secret\ntitle: Testimony of {MARKER}\n---\nThe survivor {MARKER} named the recruiter.\n")
    bulk(os.path.join(work, "bulk.jsonl"), 1, options.records)
    run(ingest, ["corpus", "bulk.jsonl"], work, check=0)
    base = open(index, "rb").read()
    old = documents(index)

    # Each operation: what to do to the corpus first, the arguments, and whether it removes the secret.
    def prepare(kind):
        for name in os.listdir(index_folder):
            os.remove(os.path.join(index_folder, name))
        open(index, "wb").write(base)
        with open(secret, "w") as out:
            out.write(f"---\nid: secret\ntitle: Testimony of {MARKER}\n---\nThe survivor {MARKER} named the recruiter.\n")
        bulk(os.path.join(work, "bulk.jsonl"), 2 if kind in ("ingest", "rebuild") else 1, options.records)
        if kind in ("purge", "secure"):
            os.remove(secret)

    operations = {
        "ingest": ["corpus", "bulk.jsonl"],
        "rebuild": ["--rebuild", "corpus", "bulk.jsonl"],
        "purge": ["--purge", "secret"],
        "secure": ["--secure"],
    }
    news, durations = {}, {}
    for kind, args in operations.items():
        prepare(kind)
        start = time.monotonic()
        run(ingest, args, work)
        durations[kind] = time.monotonic() - start
        news[kind] = documents(index)

    outcomes = {kind: {"old": 0, "new": 0, "repaired": 0} for kind in operations}
    failures = []
    for trial in range(options.kills):
        kind = list(operations)[trial % len(operations)]
        prepare(kind)
        process = subprocess.Popen([ingest] + operations[kind], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0, durations[kind] * 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        check = run(ingest, ["--check"], work)
        if check.returncode != 0:
            if "did not finish scrubbing" not in check.stderr or "failed its checks" in check.stderr:
                failures.append({"trial": trial, "kind": kind, "check": check.stderr.strip()})
                continue
            repair = run(ingest, ["--check", "--repair"], work)
            if repair.returncode != 0:
                failures.append({"trial": trial, "kind": kind, "repair": repair.stderr.strip()})
                continue
            outcomes[kind]["repaired"] += 1
        state = documents(index)
        if state == old:
            outcomes[kind]["old"] += 1
        elif state == news[kind]:
            outcomes[kind]["new"] += 1
        else:
            failures.append({"trial": trial, "kind": kind, "state": "neither the old documents nor the new ones"})
        if kind in ("purge", "secure") and state == news[kind] and text_left(index_folder):
            failures.append({"trial": trial, "kind": kind, "text": "the purged text is still in the index's files"})
        if run(query, ["--no-refresh", "police brutality"], work).returncode != 0:
            failures.append({"trial": trial, "kind": kind, "query": "the index could not be searched"})

    shutil.rmtree(work)
    print(json.dumps({"kills": options.kills, "records": options.records,
                      "seconds_alone": {kind: round(value, 2) for kind, value in durations.items()},
                      "outcomes": outcomes, "failures": failures}, indent=2))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
