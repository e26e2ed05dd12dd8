#!/usr/bin/env python3
"""Relevance harness: CACM through alliance-query, as a user would type each query.

It ingests ../shared/eval/cacm/documents.jsonl.gz with alliance-ingest, runs every query of queries.tsv through
`alliance-query --batch` with the default options (only --limit raised to 1000, for MAP), and scores the hits of the
judged queries against qrels.tsv: MAP over the top 1000, nDCG@10, P@10 and recall@100.

    python3 bench/relevance.py                      # all 52 judged queries, release build
    python3 bench/relevance.py --write bench/RESULTS.md --label "default"
    python3 bench/relevance.py --slice 8 --binary .build/debug   # what the test suite runs

No third-party packages: it needs only Python 3 and the two built executables.
"""
import argparse
import gzip
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load(collection):
    queries = []
    with open(os.path.join(collection, "queries.tsv"), encoding="utf-8") as handle:
        for line in handle:
            qid, _, text = line.rstrip("\n").partition("\t")
            if qid:
                queries.append((qid, text))
    qrels = {}
    with open(os.path.join(collection, "qrels.tsv"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 3 and int(parts[2]) > 0:
                qrels.setdefault(parts[0], set()).add(parts[1])
    return queries, qrels


def average_precision(ranked, relevant, depth=1000):
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked[:depth], start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def ndcg(ranked, relevant, depth=10):
    dcg = sum(1 / math.log2(rank + 1) for rank, doc in enumerate(ranked[:depth], start=1) if doc in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), depth) + 1))
    return dcg / ideal if ideal else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collection", default=os.path.join(ROOT, "..", "shared", "eval", "cacm"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release"), help="folder of the executables")
    parser.add_argument("--slice", type=int, default=0, help="only the first N judged queries")
    parser.add_argument("--write", help="append the results to this Markdown file")
    parser.add_argument("--label", default="default options", help="the row's name in the results table")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--per-query", action="store_true", help="also print each query's AP and nDCG@10, tab-separated")
    parser.add_argument("--option", action="append", default=[], help="an extra alliance-query option, for experiments (not the default path)")
    arguments = parser.parse_args()

    queries, qrels = load(arguments.collection)
    judged = [(qid, text) for qid, text in queries if qid in qrels]
    if arguments.slice:
        judged = judged[: arguments.slice]
    work = tempfile.mkdtemp(prefix="alliance-relevance-")
    try:
        corpus = os.path.join(work, "cacm.jsonl")
        with gzip.open(os.path.join(arguments.collection, "documents.jsonl.gz"), "rb") as source, open(corpus, "wb") as target:
            shutil.copyfileobj(source, target)
        index = os.path.join(work, "cacm.sqlite")
        started = time.time()
        subprocess.run([os.path.join(arguments.binary, "alliance-ingest"), "--quiet", corpus, "--index", index], check=True)
        ingest_seconds = time.time() - started

        batch_input = "".join(text.replace("\n", " ") + "\n" for _, text in judged)
        command = [os.path.join(arguments.binary, "alliance-query"), "--batch", "-", "--limit", "1000", "--index", index, "--no-refresh"]
        command += [part for option in arguments.option for part in option.split()]
        started = time.time()
        result = subprocess.run(command, input=batch_input.encode("utf-8"), capture_output=True)
        query_seconds = time.time() - started
        if result.returncode not in (0, 1):
            sys.stderr.write(result.stderr.decode("utf-8", "replace"))
            sys.exit(f"alliance-query --batch exited {result.returncode}")
        answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines() if line.strip()]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if len(answers) != len(judged):
        sys.exit(f"expected {len(judged)} answers, got {len(answers)}")
    per_query = []
    for (qid, _), answer in zip(judged, answers):
        if "error" in answer:
            sys.exit(f"query {qid} failed: {answer['error']['message']}")
        ranked = [hit["id"] for hit in answer["hits"]]
        relevant = qrels[qid]
        per_query.append({
            "qid": qid,
            "ap": average_precision(ranked, relevant),
            "ndcg10": ndcg(ranked, relevant),
            "p10": sum(1 for doc in ranked[:10] if doc in relevant) / 10,
            "r100": sum(1 for doc in ranked[:100] if doc in relevant) / len(relevant),
            "relaxed": answer.get("relaxed", False),
        })
    count = len(per_query)
    metrics = {
        "queries": count,
        "MAP": sum(q["ap"] for q in per_query) / count,
        "nDCG@10": sum(q["ndcg10"] for q in per_query) / count,
        "P@10": sum(q["p10"] for q in per_query) / count,
        "R@100": sum(q["r100"] for q in per_query) / count,
        "relaxed": sum(1 for q in per_query if q["relaxed"]),
        "ingest_s": round(ingest_seconds, 2),
        "queries_s": round(query_seconds, 2),
    }
    if arguments.per_query:
        for query in per_query:
            print(f"{query['qid']}\t{query['ap']:.4f}\t{query['ndcg10']:.4f}")
    if arguments.json:
        print(json.dumps(metrics))
    else:
        print(f"{count} judged queries: MAP {metrics['MAP']:.4f}  nDCG@10 {metrics['nDCG@10']:.4f}  "
              f"P@10 {metrics['P@10']:.4f}  R@100 {metrics['R@100']:.4f}  "
              f"({metrics['relaxed']} relaxed to any; ingest {metrics['ingest_s']} s, queries {metrics['queries_s']} s)")
    if arguments.write:
        shown = " ".join(shlex.quote(a) for a in sys.argv[1:] if not a.startswith("--write") and a != arguments.write)
        with open(arguments.write, "a", encoding="utf-8") as handle:
            handle.write(f"| {arguments.label} | {metrics['MAP']:.4f} | {metrics['nDCG@10']:.4f} | {metrics['P@10']:.4f} "
                         f"| {metrics['R@100']:.4f} | {time.strftime('%Y-%m-%d')} | `python3 bench/relevance.py {shown}`".rstrip() + " |\n")


if __name__ == "__main__":
    main()
