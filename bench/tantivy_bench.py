#!/usr/bin/env python3
"""tantivy (PyPI `tantivy`, the official Python bindings) for bench/perf.py: build an index, or time queries.

    python3 bench/tantivy_bench.py build CORPUS.jsonl INDEX_DIR       # prints {"seconds": …}
    python3 bench/tantivy_bench.py query INDEX_DIR QUERIES.tsv        # prints one latency (ms) per line

Fields `title` and `body` use tantivy's `en_stem` tokenizer; the writer has 2 threads. A query line is
`kind<TAB>text`, in tantivy's query syntax, except `prefix<TAB>word`: tantivy's parser has no prefix term, so
it is a regex query (`word.*`) on each field. Each query returns the top 10 with a snippet of the body.
"""
import json
import os
import re
import resource
import shutil
import sys
import time

import tantivy


def schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    return builder.build()


def build(corpus, directory):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    started = time.perf_counter()
    index = tantivy.Index(schema(), path=directory)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            writer.add_document(tantivy.Document(id=record["id"], title=record["title"], body=record["body"]))
    writer.commit()
    writer.wait_merging_threads()
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def query(directory, queries):
    index = tantivy.Index.open(directory)
    index.reload()
    searcher = index.searcher()
    fields = ["title", "body"]
    out = []
    with open(queries, encoding="utf-8") as lines:
        for line in lines:
            kind, text = line.rstrip("\n").split("\t", 1)
            started = time.perf_counter()
            try:
                if kind == "prefix":
                    parsed = tantivy.Query.boolean_query([
                        (tantivy.Occur.Should, tantivy.Query.regex_query(index.schema, field, re.escape(text) + ".*"))
                        for field in fields])
                else:
                    parsed = index.parse_query(text, fields)
                hits = searcher.search(parsed, 10).hits
                generator = tantivy.SnippetGenerator.create(searcher, parsed, schema(), "body")
                for _, address in hits:
                    generator.snippet_from_doc(searcher.doc(address)).to_html()
            except ValueError:
                pass
            out.append((time.perf_counter() - started) * 1000)
    sys.stdout.write("".join(f"{value:.4f}\n" for value in out))
    sys.stderr.write(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("build", "query"):
        sys.exit(__doc__)
    (build if sys.argv[1] == "build" else query)(sys.argv[2], sys.argv[3])
