#!/usr/bin/env python3
"""Performance benchmark: alliance-ingest and alliance-query side by side with the raw FTS5 limit, sqlite-utils and
tantivy, in the same run, on the same JSONL corpus (bench/fetch-corpus.sh).

    bench/fetch-corpus.sh                              # once: bench/data/corpus.jsonl, ~343,000 documents
    swift build -c release
    python3 bench/perf.py --write bench/RESULTS.md     # the full run: about 30 minutes on 2 cores
    python3 bench/perf.py --smoke --binary .build/debug --json   # what the test suite runs (seconds)

Each ingest is repeated (--repeat, default 3) and its median reported; query latencies are per query, in process,
top 10 with a snippet, as p50 and p99 over --queries queries of each kind (1 term, 2 terms ANDed, a phrase, a
prefix, an 8-word question). Peers:
- raw FTS5 (porter): the sqlite3 shell loads the rows into a plain table (not timed), then `INSERT INTO fts SELECT`
  with `porter unicode61 remove_diacritics 2` is timed; its queries run through Python's sqlite3 module;
- raw FTS5 (alliance): the same with our own tokenizer (`alliance-bench raw-fts5`), which the shell cannot load;
- sqlite-utils (PyPI): `insert --nl` then `enable-fts --fts5 --tokenize porter`;
- tantivy (PyPI `tantivy`): 2 writer threads, `en_stem` fields (bench/tantivy_bench.py).
sqlite-utils and tantivy are installed into bench/.venv on first use; without network they are reported as not run.
"""
import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "bench")
VENV = os.path.join(HERE, ".venv")
KINDS = ["1 term", "2 terms AND", "phrase", "prefix", "question"]
FUNCTION = ["what", "do", "the", "say", "about", "and", "how", "of", "in", "for"]


def timed(command, **kwargs):
    """Runs `command` under /usr/bin/time; returns (seconds, peak RSS in MB, stdout)."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, check=True, **kwargs)
    seconds = time.perf_counter() - started
    rss_kb = int(result.stderr.decode().strip().splitlines()[-1])
    return seconds, rss_kb / 1024, result.stdout.decode("utf-8", "replace")


def size_mb(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(folder, f)) for folder, _, files in os.walk(path) for f in files) / 1e6
    return sum(os.path.getsize(p) for p in [path, path + "-wal"] if os.path.exists(p)) / 1e6


def median(values):
    return statistics.median(values) if values else None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else None


def scaled_corpus(corpus, factor, work):
    if factor == 1:
        return corpus
    path = os.path.join(work, f"corpus-{factor}x.jsonl")
    with open(corpus, encoding="utf-8") as source, open(path, "w", encoding="utf-8") as target:
        lines = source.readlines()
        for copy in range(factor):
            for line in lines:
                record = json.loads(line)
                if copy:
                    record["id"] = f"{record['id']}#{copy}"
                target.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def make_queries(corpus, count, seed=7):
    """Queries of each kind, from the corpus's own words: (kind, words) pairs, words lower-case ASCII."""
    rng = random.Random(seed)
    with open(corpus, encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    word = re.compile(r"\b[a-z]{4,12}\b")
    queries = {kind: [] for kind in KINDS}
    stop = set(FUNCTION) | {"that", "this", "with", "from", "which", "have", "were", "been", "their", "there"}
    while any(len(v) < count for v in queries.values()):
        record = rng.choice(records)
        words = [w for w in word.findall((record["title"] + " " + record["body"]).lower()) if w not in stop]
        if len(words) < 6:
            continue
        i = rng.randrange(len(words) - 1)
        if len(queries["1 term"]) < count:
            queries["1 term"].append([words[i]])
        elif len(queries["2 terms AND"]) < count:
            queries["2 terms AND"].append(rng.sample(words, 2))
        elif len(queries["phrase"]) < count:
            queries["phrase"].append([words[i], words[i + 1]])
        elif len(queries["prefix"]) < count:
            queries["prefix"].append([words[i][:4]])
        else:
            content = rng.sample(words, 5)
            queries["question"].append(["what", "do", content[0], content[1], "say", "about", content[2], content[3]])
    return queries


def alliance_text(kind, words):
    return {"phrase": '"' + " ".join(words) + '"', "prefix": words[0] + "*"}.get(kind, " ".join(words))


def fts5_text(kind, words):
    quoted = ['"' + w + '"' for w in words]
    return {"1 term": quoted[0], "2 terms AND": " AND ".join(quoted), "phrase": '"' + " ".join(words) + '"',
            "prefix": '"' + words[0] + '" *', "question": " OR ".join(quoted)}[kind]


def tantivy_text(kind, words):
    return {"1 term": words[0], "2 terms AND": " ".join("+" + w for w in words), "phrase": '"' + " ".join(words) + '"',
            "prefix": words[0], "question": " ".join(words)}[kind]


def summary(latencies):
    return {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99)}


def peers_python():
    """The venv's Python with sqlite-utils and tantivy, installed on first use; None when that fails."""
    python = os.path.join(VENV, "bin", "python")
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True, capture_output=True)
        subprocess.run([python, "-c", "import tantivy, sqlite_utils"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        try:
            subprocess.run([python, "-m", "pip", "install", "-q", "sqlite-utils", "tantivy"], check=True, capture_output=True, timeout=600)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError):
            return None
    return python


def run(arguments):
    binary = arguments.binary
    work = tempfile.mkdtemp(prefix="alliance-perf-")
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
               "sqlite": sqlite3.sqlite_version, "ingest": {}, "queries": {}, "scaling": []}
    try:
        corpus = arguments.corpus
        if arguments.smoke:
            corpus = os.path.join(work, "smoke.jsonl")
            with open(arguments.corpus, encoding="utf-8") as source, open(corpus, "w", encoding="utf-8") as target:
                for number, line in enumerate(source):
                    if number >= arguments.smoke_documents:
                        break
                    target.write(line)
        with open(corpus, encoding="utf-8") as lines:
            results["documents"] = sum(1 for _ in lines)
        results["corpus_mb"] = os.path.getsize(corpus) / 1e6
        python = None if arguments.no_peers else peers_python()

        def ingest_runs(name, once):
            runs = [once() for _ in range(arguments.repeat)]
            seconds = [r["seconds"] for r in runs]
            entry = {"seconds": median(seconds), "runs": seconds}
            for key in ("rss_mb", "size_mb"):
                if runs and key in runs[-1]:
                    entry[key] = runs[-1][key]
            results["ingest"][name] = entry

        index = os.path.join(work, "alliance.sqlite")

        def alliance_once(corpus=corpus, index=index):
            for p in [index, index + "-wal", index + "-journal"]:
                if os.path.exists(p):
                    os.remove(p)
            seconds, rss, _ = timed([os.path.join(binary, "alliance-ingest"), "--quiet", corpus, "--index", index])
            return {"seconds": seconds, "rss_mb": rss, "size_mb": size_mb(index)}
        ingest_runs("alliance-ingest", alliance_once)
        seconds, rss, _ = timed([os.path.join(binary, "alliance-ingest"), "--quiet", corpus, "--index", index])
        results["ingest"]["alliance-ingest, unchanged corpus again"] = {"seconds": seconds, "rss_mb": rss}

        raw = os.path.join(work, "raw.sqlite")

        def raw_once(corpus=corpus, raw=raw):
            if os.path.exists(raw):
                os.remove(raw)
            with sqlite3.connect(raw) as db:
                db.execute("CREATE TABLE docs (id TEXT, title TEXT, body TEXT)")
                with open(corpus, encoding="utf-8") as lines:
                    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((r["id"], r["title"], r["body"]) for r in map(json.loads, lines)))
            before = size_mb(raw)
            seconds, rss, _ = timed(["sqlite3", raw, "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2'); INSERT INTO fts(rowid, title, body) SELECT rowid, title, body FROM docs;"])
            return {"seconds": seconds, "rss_mb": rss, "size_mb": size_mb(raw) - before}
        ingest_runs("raw FTS5, porter (sqlite3 shell)", raw_once)

        raw_alliance = os.path.join(work, "raw-alliance.sqlite")

        def raw_alliance_once(corpus=corpus):
            _, rss, out = timed([os.path.join(binary, "alliance-bench"), "raw-fts5", "--jsonl", corpus, "--database", raw_alliance])
            measured = json.loads(out)
            return {"seconds": measured["seconds"], "size_mb": measured["fts_mb"]}
        ingest_runs("raw FTS5, alliance tokenizer", raw_alliance_once)
        os.remove(raw_alliance)

        if python:
            utils_db = os.path.join(work, "utils.sqlite")
            utils = os.path.join(VENV, "bin", "sqlite-utils")

            def utils_once():
                if os.path.exists(utils_db):
                    os.remove(utils_db)
                a, rss1, _ = timed([utils, "insert", utils_db, "docs", corpus, "--nl"])
                b, rss2, _ = timed([utils, "enable-fts", utils_db, "docs", "title", "body", "--fts5", "--tokenize", "porter"])
                return {"seconds": a + b, "rss_mb": max(rss1, rss2), "size_mb": size_mb(utils_db)}
            ingest_runs("sqlite-utils", utils_once)
            os.remove(utils_db)
            tantivy_dir = os.path.join(work, "tantivy")

            def tantivy_once():
                _, rss, out = timed([python, os.path.join(HERE, "tantivy_bench.py"), "build", corpus, tantivy_dir])
                return {"seconds": json.loads(out)["seconds"], "rss_mb": rss, "size_mb": size_mb(tantivy_dir)}
            ingest_runs("tantivy, 2 threads", tantivy_once)

        # Queries.
        queries = make_queries(corpus, arguments.queries)
        alliance_file = os.path.join(work, "alliance-queries.txt")
        with open(alliance_file, "w", encoding="utf-8") as out:
            for kind in KINDS:
                for words in queries[kind]:
                    out.write(alliance_text(kind, words) + "\n")
        _, rss, out = timed([os.path.join(binary, "alliance-bench"), "queries", "--index", index, "--queries", alliance_file])
        library = [float(v) for v in out.split()]
        results["queries"]["alliance, library"] = by_kind(library, queries, arguments.queries)
        results["queries"]["alliance, library"]["rss_mb"] = rss
        started = time.perf_counter()
        _, rss, out = timed([os.path.join(binary, "alliance-query"), "--batch", alliance_file, "--index", index, "--no-refresh"])
        batch_seconds = time.perf_counter() - started
        took = [json.loads(line).get("took_ms", 0.0) for line in out.splitlines() if line.strip()]
        results["queries"]["alliance, CLI --batch (took_ms)"] = by_kind(took, queries, arguments.queries)
        results["queries"]["alliance, CLI --batch (took_ms)"]["rss_mb"] = rss
        results["queries"]["alliance, CLI --batch (took_ms)"]["wall_ms_per_query"] = batch_seconds * 1000 / len(took)

        with sqlite3.connect(raw) as db:
            latencies = []
            for kind in KINDS:
                for words in queries[kind]:
                    started = time.perf_counter()
                    db.execute("SELECT rowid, snippet(fts, 1, '[', ']', '…', 16) FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10", [fts5_text(kind, words)]).fetchall()
                    latencies.append((time.perf_counter() - started) * 1000)
            results["queries"]["raw FTS5, porter"] = by_kind(latencies, queries, arguments.queries)
        if python:
            tantivy_file = os.path.join(work, "tantivy-queries.tsv")
            with open(tantivy_file, "w", encoding="utf-8") as out:
                for kind in KINDS:
                    for words in queries[kind]:
                        out.write(kind + "\t" + tantivy_text(kind, words) + "\n")
            _, rss, out = timed([python, os.path.join(HERE, "tantivy_bench.py"), "query", os.path.join(work, "tantivy"), tantivy_file])
            results["queries"]["tantivy"] = by_kind([float(v) for v in out.split()], queries, arguments.queries)
            results["queries"]["tantivy"]["rss_mb"] = rss

        # Scaling: alliance-ingest and raw FTS5 at 2x and 4x.
        for factor in arguments.scales:
            scaled = scaled_corpus(corpus, factor, work)
            scaled_index = os.path.join(work, f"alliance-{factor}x.sqlite")
            a = alliance_once(scaled, scaled_index)
            r = raw_once(scaled, os.path.join(work, f"raw-{factor}x.sqlite"))
            small = make_queries(corpus, max(20, arguments.queries // 5), seed=11)
            path = os.path.join(work, f"scale-{factor}.txt")
            with open(path, "w", encoding="utf-8") as out:
                for kind in ("2 terms AND", "question"):
                    for words in small[kind]:
                        out.write(alliance_text(kind, words) + "\n")
            _, _, out = timed([os.path.join(binary, "alliance-bench"), "queries", "--index", scaled_index, "--queries", path])
            values = [float(v) for v in out.split()]
            half = len(values) // 2
            results["scaling"].append({
                "factor": factor, "alliance_seconds": a["seconds"], "alliance_mb": a["size_mb"], "alliance_rss_mb": a["rss_mb"],
                "raw_seconds": r["seconds"], "raw_mb": r["size_mb"],
                "and_p50": percentile(values[:half], 0.5), "question_p50": percentile(values[half:], 0.5)})
            for p in [scaled_index, os.path.join(work, f"raw-{factor}x.sqlite")] + ([scaled] if factor > 1 else []):
                if os.path.exists(p):
                    os.remove(p)
        results["index_mb"] = {"alliance": size_mb(index), "raw FTS5, porter (FTS tables)": results["ingest"]["raw FTS5, porter (sqlite3 shell)"].get("size_mb")}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def by_kind(latencies, queries, count):
    out = {}
    for number, kind in enumerate(KINDS):
        out[kind] = summary(latencies[number * count:(number + 1) * count])
    return out


def markdown(results, command):
    lines = [f"Machine: {results['machine']}; SQLite {results['sqlite']}. Corpus: {results['documents']:,} documents, "
             f"{results['corpus_mb']:.0f} MB of JSONL. Command: `{command}`.", ""]
    raw = results["ingest"]["raw FTS5, alliance tokenizer"]["seconds"]
    porter = results["ingest"]["raw FTS5, porter (sqlite3 shell)"]["seconds"]
    tantivy = results["ingest"].get("tantivy, 2 threads", {}).get("seconds")
    lines += ["| ingest | seconds (median) | × raw FTS5 (alliance) | × raw FTS5 (porter) | × tantivy | peak RSS MB | size MB |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, entry in results["ingest"].items():
        s = entry["seconds"]
        lines.append(f"| {name} | {s:.2f} | {s / raw:.2f} | {s / porter:.2f} | {(s / tantivy) if tantivy else float('nan'):.2f} | "
                     f"{entry.get('rss_mb', float('nan')):.0f} | {entry.get('size_mb', float('nan')):.0f} |")
    lines += ["", "| queries, top 10 with snippet (ms) | " + " | ".join(f"{k} p50 / p99" for k in KINDS) + " | peak RSS MB |",
              "| --- |" + " --- |" * (len(KINDS) + 1)]
    for name, entry in results["queries"].items():
        cells = [f"{entry[k]['p50']:.2f} / {entry[k]['p99']:.2f}" for k in KINDS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {entry.get('rss_mb', float('nan')):.0f} |")
    if "tantivy" in results["queries"]:
        t = results["queries"]["tantivy"]
        a = results["queries"]["alliance, library"]
        lines.append("| ratio alliance library / tantivy | " + " | ".join(
            f"{a[k]['p50'] / t[k]['p50']:.1f} / {a[k]['p99'] / t[k]['p99']:.1f}" for k in KINDS) + " | |")
    if results["scaling"]:
        lines += ["", "| scale | alliance ingest s | raw FTS5 (porter) s | alliance MB | raw FTS5 MB | alliance ingest RSS MB | 2 terms p50 ms | question p50 ms |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in results["scaling"]:
            lines.append(f"| {row['factor']}× | {row['alliance_seconds']:.1f} | {row['raw_seconds']:.1f} | {row['alliance_mb']:.0f} | "
                         f"{row['raw_mb']:.0f} | {row['alliance_rss_mb']:.0f} | {row['and_p50']:.2f} | {row['question_p50']:.2f} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=os.path.join(HERE, "data", "corpus.jsonl"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300, help="queries of each kind")
    parser.add_argument("--scales", default="1,2,4")
    parser.add_argument("--no-peers", action="store_true", help="skip sqlite-utils and tantivy")
    parser.add_argument("--smoke", action="store_true", help="a tiny run: the first --smoke-documents documents, 1 repeat, 20 queries")
    parser.add_argument("--smoke-documents", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--write", help="append the tables to this Markdown file")
    arguments = parser.parse_args()
    arguments.scales = [int(s) for s in arguments.scales.split(",") if s]
    if arguments.smoke:
        arguments.repeat, arguments.queries, arguments.scales = 1, 20, []
    results = run(arguments)
    command = "python3 bench/perf.py " + " ".join(a for a in sys.argv[1:] if not a.startswith("--write") and a != arguments.write)
    if arguments.json:
        print(json.dumps(results, indent=1))
    else:
        print(markdown(results, command.strip()))
    if arguments.write:
        with open(arguments.write, "a", encoding="utf-8") as handle:
            handle.write("\n" + markdown(results, command.strip()))


if __name__ == "__main__":
    main()
