#!/usr/bin/env python3
"""The writer thread's CPU per article on the local farm (docs/benchmarks.md, "The writer's
CPU on real articles").

Runs `newswatch run --once` over the farm that ../shared/bench/peers builds (50 sites x 20
real pages), each binary in turn, each run with a cold database, and prints the CPU time of
the `newswatch-writer` thread (from /proc/PID/task/TID/schedstat, read every 3 ms while the
run lasts) per stored article, with the `dedup`, `store` and `commit` stages of the run's
summary line. All traffic goes to the farm's nginx on 127.1.x.y.

    ../shared/bench/peers/run.sh                          # once: builds the farm (WORK, PORT)
    WORK=/tmp/peers PORT=8088 benches/dedup_writer_farm.py 4 /tmp/nw-before /tmp/nw-after
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "shared" / "bench" / "peers"))
import bench  # noqa: E402  (the farm's own helpers: nginx, the newswatch config)

WORK = Path(os.environ.get("WORK", "/tmp/peers"))
PORT = int(os.environ.get("PORT", "8088"))
FARM = WORK / "farm-50x20"
STAGES = re.compile(r"dedup (\d+)x ([\d.]+)s.*?store (\d+)x ([\d.]+)s.*?commit (\d+)x ([\d.]+)s")


def writer_cpu_ns(pid):
    """CPU time of the process's writer thread so far, or None before it starts."""
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            if Path(task, "comm").read_text().strip() == "newswatch-write":
                return int(Path(task, "schedstat").read_text().split()[0])
        except OSError:
            pass
    return None


def run(binary, tag):
    folder = WORK / f"writer-{tag}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    bench.nw_config(folder, json.loads((FARM / "manifest.json").read_text()), 8, True)
    env = dict(os.environ, RUST_LOG="info")
    with open(folder / "log.txt", "wb") as log:
        proc = subprocess.Popen([binary, "run", "--config", "nw.toml", "--once"], cwd=folder,
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        spent = 0
        while proc.poll() is None:
            spent = writer_cpu_ns(proc.pid) or spent
            time.sleep(0.003)
    found = STAGES.search((folder / "log.txt").read_text(errors="replace"))
    if not found:
        print(f"{tag}: no stage line in {folder / 'log.txt'}")
        return
    stages = found.groups()
    stored, commits = int(stages[2]), int(stages[4])
    print(f"{tag}: writer {spent / 1e6 / stored:.3f} ms CPU per article ({stored} stored); "
          f"dedup {stages[1]} s, store {stages[3]} s, commit {stages[5]} s in {commits} commits "
          f"({stored / commits:.1f} per commit)", flush=True)


def main():
    rounds, binaries = int(sys.argv[1]), sys.argv[2:]
    bench.start_nginx(WORK, FARM, PORT)
    try:
        for r in range(1, rounds + 1):
            for b, binary in enumerate(binaries):
                run(binary, f"{chr(ord('a') + b)}{r}")
    finally:
        bench.stop_nginx(WORK)


if __name__ == "__main__":
    main()
