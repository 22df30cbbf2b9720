"""Benchmark: `unactions copy-database` from SQLite into PostgreSQL at scale.

    python -m benchmarks.copy --postgresql postgresql://postgres@127.0.0.1:5432/test
                              [--sizes 10000 100000] [--workdir /tmp/unactions-bench]

For each size N it imports N synthetic actions (benchmarks/synthetic.py) into a new
SQLite database, copies it with the command into a new database on the PostgreSQL
server, and prints the copy's time, its actions per second and the command's peak
memory (sampled every 0.1 s). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.run import PeakMemory, environment, import_ours, our_database


def copy_size(n: int, workdir: Path, postgresql: str) -> dict:
    from benchmarks.synthetic import records as synthetic

    folder = workdir / f"copy-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source = f"sqlite:///{folder / 'unactions.sqlite3'}"
    import_ours(synthetic(n), source, folder)
    target = our_database(folder, n, postgresql)
    start = time.perf_counter()
    command = [sys.executable, "-m", "unactions.cli", "copy-database", source, target]
    child = subprocess.Popen(
        command, env=environment(source, folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # Sampled from the command's start (Popen returns once it runs): the highest memory a
    # child reports counts the moment it was a fork of this process, which holds the
    # generated records.
    memory = PeakMemory(child.pid)
    memory.start()
    _, errors = child.communicate()
    elapsed = time.perf_counter() - start
    peak = memory.stop()
    if child.returncode:
        raise RuntimeError(f"copy-database failed: {errors.decode()}")
    shutil.rmtree(folder)
    return {"n": n, "seconds": elapsed, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/unactions-bench"))
    parser.add_argument(
        "--postgresql", metavar="URL", required=True, help="the server to copy into"
    )
    args = parser.parse_args()
    print("| actions | copy into PostgreSQL | actions/s | peak memory |")
    print("|---|---|---|---|")
    for n in args.sizes:
        result = copy_size(n, args.workdir, args.postgresql)
        print(
            f"| {n:,} | {result['seconds']:.1f} s | {n / result['seconds']:,.0f} | "
            f"{result['peak_mb']:.0f} MB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
