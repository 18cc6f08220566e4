#!/usr/bin/env python3
"""Issue 16's corpus measure: newswatch against feedparser 6.0.11's own test suite.

  python3 benches/feed_corpus.py [--cache DIR] [--bin target/release/newswatch] [--show N]

The corpus is the `tests/` folder of feedparser's sdist (about 2,200 RSS/Atom/RDF/CDF files;
its licence is not ours, so it is fetched into a cache, never committed). The script:

1. downloads the sdist from PyPI into the cache (`pip download --no-deps --no-binary :all:
   feedparser==6.0.11`) and unpacks it, unless it is already there;
2. makes a venv in the cache with `pip install feedparser==6.0.11` (once) and runs itself in it,
   so the reference parser is exactly the release whose suite this is;
3. parses every file with feedparser, with the headers the suite serves it with, and counts
   entries and whether they carry a link, guid or id;
4. serves the files on 127.0.0.1, each with the `Header:` lines of its leading comment (as
   feedparser's runtests.py does: Content-Type with charset, Status, Location, ...);
5. writes a config with one `[[source]]` per file (`extract = false`), runs
   `newswatch run --once` and reads the database: did the source store at least one article,
   and what error did it record; panics are counted in stderr and in the recorded errors;
6. prints the two percentages issue 16 targets, the panic count, and the failing files grouped
   by error.
"""
import argparse
import glob
import http.server
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections import defaultdict

VERSION = "6.0.11"
HEADER_RE = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "newswatch-feed-corpus")


def ensure_sdist(cache):
    """The unpacked sdist's tests folder, downloading it from PyPI if missing."""
    tests = os.path.join(cache, f"feedparser-{VERSION}", "tests")
    if os.path.isdir(tests):
        return tests
    os.makedirs(cache, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    "-d", cache, f"feedparser=={VERSION}"], check=True)
    with tarfile.open(os.path.join(cache, f"feedparser-{VERSION}.tar.gz")) as tar:
        tar.extractall(cache, filter="data")
    return tests


def ensure_feedparser(cache):
    """Re-runs this script in a venv holding feedparser==VERSION unless it already does."""
    try:
        import feedparser
        if feedparser.__version__ == VERSION:
            return
    except ImportError:
        pass
    venv = os.path.join(cache, "venv")
    python = os.path.join(venv, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(python):
        sys.exit(f"feedparser {VERSION} is not importable from {venv}; delete it and rerun")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", f"feedparser=={VERSION}"], check=True)
    os.execv(python, [python] + sys.argv)


def file_headers(blob):
    """The `Header: Name: value` lines of a test file, as feedparser's runtests.py reads them."""
    return {k.decode("utf-8"): v.decode("utf-8").strip() for k, v in HEADER_RE.findall(blob)}


def reference(paths):
    """feedparser's view of each file: (entries, entries carrying a link/guid/id)."""
    import feedparser
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            blob = f.read()
        headers = {k.lower(): v for k, v in file_headers(blob).items()}
        headers.setdefault("content-type", "application/xml")
        try:
            d = feedparser.parse(blob, response_headers=headers)
        except Exception:  # feedparser itself fails on a few sanitizer tests: no entries
            out[path] = (0, 0)
            continue
        linked = sum(1 for e in d.entries if e.get("link") or e.get("id"))
        out[path] = (len(d.entries), linked)
    return out


def serve(tests):
    """An HTTP server on 127.0.0.1 serving the suite with each file's own headers."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = os.path.realpath(os.path.join(tests, self.path.lstrip("/").split("?")[0]))
            if not path.startswith(os.path.realpath(tests)) or not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as f:
                blob = f.read()
            headers = file_headers(blob)
            status = int(headers.pop("Status", 200))
            ctype = headers.pop("Content-type", None) or headers.pop("Content-Type", None)
            self.send_response(status)
            self.send_header("Content-Type", ctype or "application/xml")
            self.send_header("Content-Length", str(len(blob)))
            for k, v in headers.items():
                if k.lower() not in ("content-length", "last-modified", "etag"):
                    self.send_header(k, v)
            self.end_headers()
            self.wfile.write(blob)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 1024  # the default 5 drops connections newswatch opens at once

    httpd = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def source_name(rel):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", rel)[:120]


def run_newswatch(binary, rels, port, work):
    cfg = os.path.join(work, "newswatch.toml")
    with open(cfg, "w") as f:
        f.write('[storage]\ndatabase = "corpus.db"\n\n[fetch]\nconcurrency = 64\n'
                'per_host_concurrency = 64\nper_host_delay = "0s"\ntimeout = "60s"\n'
                'allow_private_addresses = true\n')
        for rel in rels:
            f.write(f'\n[[source]]\nname = "{source_name(rel)}"\n'
                    f'url = "http://127.0.0.1:{port}/{rel}"\nextract = false\n')
    proc = subprocess.run([binary, "run", "--once", "--config", cfg], cwd=work,
                          capture_output=True, text=True, timeout=1800)
    db = sqlite3.connect(os.path.join(work, "corpus.db"))
    stored = dict(db.execute(
        "SELECT s.name, (SELECT count(*) FROM article_sources a WHERE a.source_id = s.id)"
        " + (SELECT count(*) FROM articles a WHERE a.source_id = s.id) FROM sources s"))
    errors = dict(db.execute("SELECT name, last_error FROM sources"))
    return proc, stored, errors


def error_class(message):
    if not message:
        return "no error recorded, 0 articles"
    text = re.sub(r"https?://\S+", "URL", message)
    text = re.sub(r"\b(line|column|byte|position|offset)\s*\d+", r"\1 N", text)
    text = re.sub(r"\d+", "N", text)
    return text[:160]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=default_cache())
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "newswatch"))
    ap.add_argument("--show", type=int, default=8, help="files listed per error class")
    args = ap.parse_args()
    tests = ensure_sdist(args.cache)
    ensure_feedparser(args.cache)

    paths = sorted(glob.glob(os.path.join(tests, "**", "*.xml"), recursive=True))
    ref = reference(paths)
    rels = [os.path.relpath(p, tests) for p in paths]
    httpd = serve(tests)
    with tempfile.TemporaryDirectory() as work:
        proc, stored, errors = run_newswatch(args.bin, rels, httpd.server_address[1], work)
    httpd.shutdown()

    with_entries = [r for r, p in zip(rels, paths) if ref[p][0] > 0]
    with_links = [r for r, p in zip(rels, paths) if ref[p][1] > 0]
    ok = {r for r in rels if stored.get(source_name(r), 0) > 0}
    panics = proc.stderr.count("panicked") + sum(
        1 for e in errors.values() if e and "panic" in e.lower())
    a = sum(1 for r in with_entries if r in ok)
    b = sum(1 for r in with_links if r in ok)
    print(f"corpus: {len(paths)} files of feedparser {VERSION}'s tests; newswatch exit {proc.returncode}")
    print(f"files with entries (feedparser): {a}/{len(with_entries)} give >=1 article"
          f" = {100 * a / max(1, len(with_entries)):.1f}%")
    print(f"files whose entries carry link/guid/id: {b}/{len(with_links)} give >=1 article"
          f" = {100 * b / max(1, len(with_links)):.1f}%")
    print(f"panics: {panics}")
    groups = defaultdict(list)
    for r in with_entries:
        if r not in ok:
            groups[error_class(errors.get(source_name(r)))].append(r)
    print(f"\nfailing files with entries, by error ({len(with_entries) - a}):")
    for cls, files in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(files):4}  {cls}")
        for r in files[:args.show]:
            print(f"          {r}")
    if panics:
        print("\nstderr lines with panics:")
        for line in proc.stderr.splitlines():
            if "panicked" in line:
                print("  " + line[:200])


if __name__ == "__main__":
    main()
