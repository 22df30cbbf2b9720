"""Benchmark: `unactions import` of a file, as an editor runs it at the command line.

    python -m benchmarks.import_file [--sizes 100000] [--formats json csv]
                                     [--workdir /tmp/unactions-bench-import]

For each size N it writes N synthetic actions (benchmarks/synthetic.py) as the files
`unactions export` writes, then imports each into a new SQLite database in a process of
its own, and prints the file's size, the time, records per second and the process's
highest memory (its resident set, the file read and parsed included). The files are
written by a process of their own: Linux counts in a process's highest memory what it
held before it started the command (`exec`), as a copy of its parent, and a parent
holding a million records would have added their 1.4 GB. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synthetic import records as synthetic
from unactions.formats import csvfile, jsonfile

WRITERS = {"json": jsonfile.pieces, "csv": csvfile.pieces}


def run_import(path: Path, folder: Path) -> tuple[float, float]:
    """Seconds and highest memory (MB) of `unactions import path` into a new database."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'import.sqlite3'}",
        "UNACTIONS_DATA_DIR": str(folder),
        "SECRET_KEY": "benchmark-" + "k" * 40,
    }
    command = [sys.executable, "-m", "unactions.cli"]
    subprocess.run([*command, "migrate", "-v0"], env=environment, check=True)
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, "import", str(path)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait4 gives this process's own figures (getrusage's are of every child so far).
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if (code := os.waitstatus_to_exitcode(status)) != 0:
        raise SystemExit(f"unactions import {path} failed (exit code {code})")
    return elapsed, usage.ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--formats", nargs="+", choices=sorted(WRITERS), default=["json", "csv"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/unactions-bench-import"))
    options = parser.parse_args()
    print("| records | format | file (MB) | seconds | records/s | highest memory (MB) |")
    print("|---|---|---|---|---|---|")
    for n in options.sizes:
        folders = {format: options.workdir / f"{n}-{format}" for format in options.formats}
        paths = {format: folder / f"actions.{format}" for format, folder in folders.items()}
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        writer = multiprocessing.get_context("spawn").Process(target=write, args=(n, paths))
        writer.start()
        writer.join()
        if writer.exitcode != 0:
            raise SystemExit(f"writing {n} synthetic records failed")
        for format, path in paths.items():
            elapsed, memory = run_import(path, folders[format])
            size = path.stat().st_size / 1e6
            print(
                f"| {n:,} | {format} | {size:,.0f} | {elapsed:.1f} | {n / elapsed:,.0f} "
                f"| {memory:,.0f} |",
                flush=True,
            )
            shutil.rmtree(folders[format], ignore_errors=True)


def write(n: int, paths: dict[str, Path]) -> None:
    """Write `n` synthetic records to each of `paths`, in the format of its key."""
    records = synthetic(n)
    for format, path in paths.items():
        with path.open("w", encoding="utf-8", newline="") as out:
            out.writelines(WRITERS[format](records))


if __name__ == "__main__":
    main()
