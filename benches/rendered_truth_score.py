#!/usr/bin/env python3
"""Scores an extractor on the readability corpus against its expected.html rendered as a
browser lays out text: text inside inline elements joined as written, a break only at block
elements. shared/tools/extraction_score.py joins every text node of expected.html with a
space, which splits words at inline markup; in scripts written without spaces (Chinese,
Japanese, Thai) that splits a sentence's only "word" wherever a <span> or <a> sits, so an
extractor that keeps such a sentence whole is scored as if it had lost it.

Usage (from the repository root, after `cargo build --release`):
  python3 benches/rendered_truth_score.py --cmd 'target/release/newswatch extract --file {html}'
Prints precision, recall and F1 (the same metric and averaging as extraction_score.py).
"""
import argparse, os, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "tools"))
import extraction_score as es  # noqa: E402

BLOCK = set("p div section article main header footer aside nav h1 h2 h3 h4 h5 h6 li ul ol dl dt "
            "dd blockquote pre table tr td th thead tbody tfoot caption figure figcaption hr br "
            "address center details summary body html".split())


class Rendered(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def rendered(path):
    r = Rendered()
    r.feed(open(path, encoding="utf-8", errors="replace").read())
    return "".join(r.parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cmd", required=True, help="command template with {html}")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    corpus = os.path.join(es.CORPORA, "readability")
    pages = sorted(d for d in os.listdir(corpus) if os.path.isfile(os.path.join(corpus, d, "expected.html")))

    def run(name):
        src = os.path.join(corpus, name, "source.html")
        out = subprocess.run(a.cmd.replace("{html}", shlex.quote(src)), shell=True,
                             capture_output=True, timeout=60).stdout.decode("utf-8", "replace")
        return es.page_counts(rendered(os.path.join(corpus, name, "expected.html")), out)

    with ThreadPoolExecutor(max(1, a.jobs)) as ex:
        counts = list(ex.map(run, pages))
    precs = [es.share(tp, fp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recs = [es.share(tp, fn, fp, fn) for tp, fp, fn in counts if tp + fn > 0]
    p, r = sum(precs) / len(precs), sum(recs) / len(recs)
    print(f"precision {p:.4f}\nrecall {r:.4f}\nF1 {2 * p * r / (p + r):.4f}")


if __name__ == "__main__":
    sys.exit(main())
