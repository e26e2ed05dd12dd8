#!/usr/bin/env python3
"""Load test of alliance-serve with wrk (Debian `wrk`): requests per second, latency percentiles and errors, from
16 concurrent connections over loopback, beside the same queries run one after another through the library
(`alliance-bench queries`), in the same run.

    swift build -c release
    python3 bench/load.py                                   # the bundled corpus, 30 s
    python3 bench/load.py --ingest                          # the same, with an ingest of 3,000 documents meanwhile
    python3 bench/load.py --index /tmp/big.sqlite --corpus bench/data/corpus.jsonl --duration 120

The request mix cycles through /api/search (JSON), / (the page) and /api/documents/{id}, for queries in the
network's languages (bundled corpus) or queries drawn from the corpus's own words (--corpus, as bench/perf.py draws
them). Every response must be a 2xx: wrk counts the others, and socket errors, which are reported.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

BUNDLED_QUERIES = [
    "domestic work", "police brutality", "trafficking", "migrant women", "sex workers rights", "recruitment fees",
    "trabajo doméstico", "pekerja rumah tangga", "घरेलु कामदार", "গৃহকর্মী", "returnee migrants", "self-organisation",
    "access to justice", "what do survivors say about compensation",
]


def start_server(binary, folder, index, threads):
    command = [os.path.join(binary, "alliance-serve"), "--port", "0", "--index", index]
    if threads:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    match = re.search(r"http://[^/]+:(\d+)/", line)
    if not match:
        server.kill()
        raise SystemExit(f"alliance-serve did not start: {line!r} {server.stderr.read()}")
    return server, int(match.group(1))


def parse_wrk(text):
    """Requests, seconds, requests/s, latency percentiles (ms), non-2xx responses and socket errors from wrk's report."""
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    result = {"non_2xx": 0, "socket_errors": 0, "percentiles_ms": {}}
    if m := re.search(r"(\d+) requests in ([\d.]+)(\w+)", text):
        result["requests"] = int(m.group(1))
        result["seconds"] = ms(m.group(2), m.group(3)) / 1000
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["requests_per_second"] = float(m.group(1))
    for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE):
        result["percentiles_ms"][m.group(1)] = round(ms(m.group(2), m.group(3)), 2)
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        result["socket_errors"] = sum(int(g) for g in m.groups())
    return result


def paths_for(queries, ids):
    paths = []
    for number, query in enumerate(queries):
        encoded = urllib.parse.quote_plus(query)
        paths.append(f"/api/search?q={encoded}")
        paths.append(f"/?q={encoded}")
        if ids:
            paths.append(f"/api/documents/{urllib.parse.quote(ids[number % len(ids)], safe='')}?q={encoded}")
    return paths


def wrk_script(paths, folder):
    script = os.path.join(folder, "mix.lua")
    with open(script, "w", encoding="utf-8") as out:
        out.write("local paths = {\n")
        for path in paths:
            out.write("  " + json.dumps(path) + ",\n")
        out.write("}\nlocal n = 0\n")
        # Each wrk thread has its own Lua state: start the threads at different places in the mix.
        out.write("function init(args) n = math.random(#paths) end\n")
        out.write("function request()\n  n = n % #paths + 1\n  return wrk.format(\"GET\", paths[n])\nend\n")
    return script


def library_baseline(binary, index, queries, folder):
    """Each query once through the library, one after another: per-query milliseconds."""
    listing = os.path.join(folder, "queries.txt")
    with open(listing, "w", encoding="utf-8") as out:
        out.write("\n".join(queries) + "\n")
    run = subprocess.run([os.path.join(binary, "alliance-bench"), "queries", "--index", index, "--queries", listing],
                         capture_output=True, text=True, check=True)
    return [float(line) for line in run.stdout.split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--index", help="an existing index to serve (default: the bundled corpus, indexed first)")
    parser.add_argument("--corpus", help="a JSONL corpus to draw queries from, as bench/perf.py does")
    parser.add_argument("--queries", type=int, default=200, help="queries drawn from --corpus")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="alliance-serve --threads (0: its default)")
    parser.add_argument("--ingest", action="store_true", help="ingest 3,000 more documents while the load runs")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    work = tempfile.mkdtemp(prefix="alliance-load-")
    try:
        shutil.copytree(os.path.join(ROOT, "corpus"), os.path.join(work, "corpus"))
        index = arguments.index or os.path.join(work, "index", "alliance.sqlite")
        if not arguments.index:
            subprocess.run([os.path.join(arguments.binary, "alliance-ingest"), "corpus", "--index", index],
                           cwd=work, check=True, capture_output=True)
        if arguments.corpus:
            import perf
            drawn = perf.make_queries(arguments.corpus, arguments.queries // 5 + 1)
            queries = [perf.alliance_text(kind, words) for kind in perf.KINDS for words in drawn[kind]][:arguments.queries]
        else:
            queries = BUNDLED_QUERIES
        server, port = start_server(arguments.binary, work, index, arguments.threads)
        try:
            base = f"http://127.0.0.1:{port}"
            ids = []
            for query in queries[:20]:
                with urllib.request.urlopen(f"{base}/api/search?limit=3&q={urllib.parse.quote_plus(query)}") as reply:
                    ids += [hit["id"] for hit in json.load(reply)["hits"]]
            paths = paths_for(queries, ids)
            script = wrk_script(paths, work)

            ingest = {}
            if arguments.ingest:
                extra = os.path.join(work, "corpus", "extra.jsonl")
                with open(extra, "w", encoding="utf-8") as out:
                    for number in range(3000):
                        out.write(json.dumps({"id": f"load-{number}", "title": f"Load {number}",
                                              "body": f"Domestic work and police brutality, report {number}."}) + "\n")

                def run_ingest():
                    time.sleep(arguments.duration / 3)
                    started = time.perf_counter()
                    done = subprocess.run([os.path.join(arguments.binary, "alliance-ingest"), "corpus", "--index", index],
                                          cwd=work, capture_output=True, text=True)
                    ingest.update(status=done.returncode, seconds=round(time.perf_counter() - started, 2),
                                  report=done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip())

                ingester = threading.Thread(target=run_ingest)
                ingester.start()
            # wrk's own 2 s timeout would count a slow answer as a socket error and leave it out of the latencies;
            # the server stops a search at 10 s, so wait past that.
            run = subprocess.run(["wrk", "-t", str(arguments.wrk_threads), "-c", str(arguments.connections),
                                  "-d", f"{arguments.duration}s", "--timeout", "12s", "--latency", "-s", script, base],
                                 capture_output=True, text=True, check=True)
            if arguments.ingest:
                ingester.join()
            with urllib.request.urlopen(f"{base}/api/health") as reply:
                health = json.load(reply)
        finally:
            server.terminate()
            server.wait()
        load = parse_wrk(run.stdout)
        library = library_baseline(arguments.binary, index, queries, work)
        results = {
            "index": arguments.index or "bundled corpus",
            "documents": health.get("documents"),
            "paths": len(paths),
            "connections": arguments.connections,
            "load": load,
            "ingest_during_load": ingest or None,
            "library_sequential": {
                "queries": len(library),
                "p50_ms": round(statistics.median(library), 2),
                "mean_ms": round(statistics.mean(library), 2),
                "queries_per_second": round(1000 / statistics.mean(library), 1),
            },
        }
        if arguments.json:
            print(json.dumps(results, indent=2, ensure_ascii=False))
        else:
            print(run.stdout)
            print(json.dumps(results, indent=2, ensure_ascii=False))
        if load["non_2xx"] or load["socket_errors"] or (ingest and ingest["status"] != 0):
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
