#!/usr/bin/env python3
"""Hostile query shapes, timed through alliance-query on a large index (issue 14: what any one query may cost).

It builds, when the index does not exist yet, a corpus of N documents from the CACM and Cranfield texts in
../shared/eval (their 4,604 documents, then documents made of random sentences of theirs under random titles; the
same seed gives the same corpus), ingests it with alliance-ingest, and runs each shape with
`alliance-query --index … --no-refresh --format json`, printing the median wall time of --runs runs, the exit status
and the total (or the start of the error).

    python3 bench/query_shapes.py --binary .build/release --index /tmp/shapes.sqlite          # 100,000 documents
    python3 bench/query_shapes.py --binary .build/release --index /tmp/shapes.sqlite --only raw

No third-party packages: it needs only Python 3 and the two built executables.
"""
import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "..", "..", "shared", "eval")

# Common words of the two collections (most frequent first, function words left out).
COMMON = """algorithm flow method number system results computer data boundary pressure two given presented layer time
theory problem analysis paper used program mach one solution programming systems language obtained equations described
made shown shock surface general discussed heat problems effects function experimental design found information using
conditions case distribution large model free based order body methods numbers high effect velocity small transfer
ratio simple storage numerical temperature wing supersonic first processing range programs dimensional set considered
point laminar solutions developed structure form new equation linear values stream three algorithms functions
technique speed plate hypersonic reynolds theoretical control present various air value memory techniques certain
characteristics type wave compared investigation terms procedure angle lift field edge applied flat test jet cylinder
process computation error tables""".split()


def shapes():
    letters = "abcdefghijklmnopqrstuvwxyz"
    phrase = lambda words: '"' + " ".join(words) + '"'
    return [
        ("e x50", ["e"] * 50, []),
        ("e x100", ["e"] * 100, []),
        ("flow x500", ["flow"] * 500, []),
        ("64 common words", COMMON[:64], []),
        ("128 common words", COMMON[:128], []),
        ("128 common words ORed", " OR ".join(COMMON[:128]).split(" "), []),
        ("long question", ("what are the " + " ".join(COMMON[:60]) + " of the flow and the pressure in the boundary layer").split(" "), []),
        ("64 phrases of two common words", [phrase(COMMON[i:i + 2]) for i in range(64)], []),
        ("phrase of 'the' x128", [phrase(["the"] * 128)], []),
        ("phrase of 'the' x1000", [phrase(["the"] * 1000)], []),
        ("a-a-a... x500", ["-".join(["a"] * 500)], []),
        ("a* b* ... z*", [c + "*" for c in letters], []),
        ("a* x128", ["a*"] * 128, []),
        ("the* con* pro* com*", ["the*", "con*", "pro*", "com*"], []),
        ("8 two-letter prefixes", [p + "*" for p in ["th", "co", "pr", "in", "st", "re", "de", "ma"]], []),
        ("deep parentheses x5000", ["(" * 5000 + "flow"], []),
        ("flow and 127 NOTs", ["flow"] + ["-" + w for w in COMMON[1:128]], []),
        ("flow and 1000 type filters", ["flow"] + ["type:t%d" % i for i in range(1000)], []),
        ("NEAR of 128 words", ["NEAR(" + " ".join(COMMON[:128]) + ", 1000)"], []),
        ("NEAR of e x128", ["NEAR(" + " ".join(["e"] * 128) + ", 1000)"], []),
        ("64 unknown words, common starts", [a + "xq" + b for a in "tacspmfdri" for b in "abcdefg"][:64], []),
        ("raw: a* x1000", ["a*" * 1000], ["--raw"]),
        ("raw: a* x5000", ["a*" * 5000], ["--raw"]),
        ("raw: 'traffick* OR ' x2000", ["traffick* OR " * 1999 + "traffick*"], ["--raw"]),
        ("raw: flow x1000", [" ".join(["flow"] * 1000)], ["--raw"]),
        ("raw: e OR x1000", [" OR ".join(["e"] * 1000)], ["--raw"]),
        ("raw: the* con* pro* com*", ["the* con* pro* com*"], ["--raw"]),
        ("raw: 64 common words ORed", [" OR ".join(COMMON[:64])], ["--raw"]),
        ("raw: phrase of 'the' x128", [phrase(["the"] * 128)], ["--raw"]),
    ]


def build(binary, index, count):
    documents = []
    for name in ("cacm", "cranfield"):
        with gzip.open(os.path.join(EVAL, name, "documents.jsonl.gz"), "rt", encoding="utf-8") as handle:
            documents += [json.loads(line) for line in handle]
    sentences = [s.strip() for d in documents for s in (d["body"] or "").replace("?", ".").split(". ") if len(s) > 20]
    titles = [d["title"] for d in documents if d["title"]]
    generator = random.Random(14)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as corpus:
        for document in documents:
            corpus.write(json.dumps({"id": document["id"], "title": document["title"], "body": document["body"]}) + "\n")
        for number in range(count - len(documents)):
            body = ". ".join(generator.choice(sentences) for _ in range(generator.randint(2, 8))) + "."
            corpus.write(json.dumps({"id": f"SYN-{number:06d}", "title": generator.choice(titles), "body": body}) + "\n")
    try:
        # Two Cranfield records have no title: they are refused, and the exit status says so.
        subprocess.run([os.path.join(binary, "alliance-ingest"), "--quiet", corpus.name, "--index", index])
    finally:
        os.unlink(corpus.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(HERE, "..", ".build", "release"), help="folder of the executables")
    parser.add_argument("--index", required=True, help="the index; built when missing")
    parser.add_argument("--documents", type=int, default=100_000, help="documents of a new index")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a run is stopped")
    parser.add_argument("--only", action="append", default=[], help="only the shapes whose name holds this")
    arguments = parser.parse_args()
    if not os.path.exists(arguments.index):
        build(arguments.binary, arguments.index, arguments.documents)
    for name, words, options in shapes():
        if arguments.only and not any(part in name for part in arguments.only):
            continue
        times, status, shown = [], None, ""
        for _ in range(arguments.runs):
            started = time.monotonic()
            command = [os.path.join(arguments.binary, "alliance-query"), "--index", arguments.index, "--no-refresh",
                       "--format", "json", *options, "--", *words]
            try:
                result = subprocess.run(command, capture_output=True, timeout=arguments.timeout)
                status = result.returncode
                try:
                    shown = "total %s" % json.loads(result.stdout.decode()).get("total")
                except ValueError:
                    shown = result.stderr.decode("utf-8", "replace").strip().replace("\n", " ")[:90]
            except subprocess.TimeoutExpired:
                status, shown = "timeout", ""
            times.append(time.monotonic() - started)
            if status == "timeout":
                break
        median = "> %.0f" % arguments.timeout if status == "timeout" else "%.2f" % statistics.median(times)
        print(f"{name:34} {median:>7} s  exit {status}  {shown}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
