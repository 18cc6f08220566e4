#!/usr/bin/env python3
"""Baseline for docs/benchmarks.md ("Article extraction"): trafilatura on the same corpus.

  python3 benches/trafilatura_baseline.py PAGE.html      print trafilatura's text for one page
                                                (the --cmd of shared/tools/extraction_score.py)
  python3 benches/trafilatura_baseline.py --speed [N] [CORPUS]
                                                in-process pages/s over a corpus (readability, the
                                                default, or fundus), N rounds, one thread (pin with
                                                `taskset -c 1`)
Default trafilatura settings; needs `pip install trafilatura lxml_html_clean`.
"""
import os
import sys
import time

import trafilatura

CORPORA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus")


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def speed(rounds, corpus):
    root = os.path.join(CORPORA, corpus)
    names = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "source.html")))
    docs = [read(os.path.join(root, d, "source.html")) for d in names]
    for doc in docs[:5]:
        trafilatura.extract(doc)
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for doc in docs:
            trafilatura.extract(doc)
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    n = len(docs) * rounds
    print(f"trafilatura {trafilatura.__version__} on {corpus}: {n} pages in {secs:.2f}s = {n / secs:.1f} pages/s")
    print(f"trafilatura: {cpu:.2f} CPU-s = {n / cpu:.1f} pages per CPU-second")


def main():
    if sys.argv[1:2] == ["--speed"]:
        speed(int(sys.argv[2]) if len(sys.argv) > 2 else 2, sys.argv[3] if len(sys.argv) > 3 else "readability")
    elif len(sys.argv) == 2:
        print(trafilatura.extract(read(sys.argv[1])) or "")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
