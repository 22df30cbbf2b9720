"""Benchmark: import throughput and query latency at scale, side by side with Datasette.

    python -m benchmarks.run --sizes 10000 100000 [--runs 20] [--workdir /tmp/unactions-bench]
                             [--postgresql postgresql://postgres@127.0.0.1:5432/test]

For each size N it generates N synthetic actions (benchmarks/synthetic.py), imports them
into a new SQLite database (or, with --postgresql, a new database on that server) and
measures records per second; serves that database with gunicorn (production settings),
waits until it has started, and measures, over HTTP, the p50 and p95 latency of the
first page of the list, a full-text search with its facet counts, two facets combined, one
term facet, a defender's page and the statistics page (of everything, of a search and of
one body), and the serving
processes' memory (at rest and at its highest); times a static export (for N up to
10,000). It loads the same actions into a SQLite file served by Datasette and sends it
the equivalent queries (`_search`, `_facet`, column filters, with its time limits raised
so that it answers in full), checks that both return the same row counts, and prints our
latency divided by Datasette's. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


# Requests before timing, so that each of the server's workers has answered once (a
# worker reads its facet index of searches on its first search).
WARM_UP = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.read()


def latencies(url: str, runs: int) -> tuple[float, float]:
    for _ in range(WARM_UP):
        fetch(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fetch(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def _family(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for p in _family(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass  # a worker that just ended
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children."""
    ticks = 0
    for p in _family(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, url: str, timeout: float = 300) -> float:
    """Wait until a server has finished starting (each worker reads its facet index in
    the background as it starts): until it uses almost no CPU for half a second, and
    on PostgreSQL (its database `url`) runs no query either (a worker waiting for the
    database's rows uses no CPU of its own). Returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.05 and not _querying(url):
            break
    return time.monotonic() - start


def _querying(url: str) -> bool:
    """Whether PostgreSQL runs a query in the database at `url` (never on SQLite)."""
    if not url.startswith("postgres"):
        return False
    import psycopg

    with psycopg.connect(url, autocommit=True) as database:
        (running,) = database.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        ).fetchone()
    return running > 0


def cpu_times() -> list[int]:
    """The whole machine's CPU time so far by kind (/proc/stat's first line: user, nice,
    system, idle, iowait, irq, softirq, steal...), in ticks."""
    return [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def stolen_share(before: list[int], after: list[int]) -> float:
    """The share of the machine's CPU time between two `cpu_times` that a virtual
    machine's host gave to others (steal): a run on a busy host is slower by as much."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return spent[7] / max(1, sum(spent[:8]))


def reference_loop() -> float:
    """Seconds one core takes to add up 20 million numbers in Python: a figure to compare
    machines by (the same code gives other latencies on a faster core)."""
    start = time.perf_counter()
    total = 0
    for number in range(20_000_000):
        total += number
    return time.perf_counter() - start


class PeakMemory(threading.Thread):
    """The highest resident memory of a server while it answers (sampled every 0.1 s)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)

    def stop(self) -> float:
        self.running = False
        self.join()
        return self.peak


def environment(url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-" + "k" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "unactions.settings",
        "UNACTIONS_DATA_DIR": str(folder),
    }


def our_database(folder: Path, n: int, postgresql: str | None) -> str:
    """The URL of a new, empty database for our copy: a SQLite file in the size's folder,
    or with `postgresql` (a server's URL) a database made anew on that server."""
    if postgresql is None:
        return f"sqlite:///{folder / 'unactions.sqlite3'}"
    import psycopg

    name = f"unactions_bench_{n}"
    with psycopg.connect(postgresql, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(postgresql)._replace(path="/" + name))


def import_ours(records, url: str, folder: Path) -> float:
    """Records per second through the loader the CLI and the web import use."""
    os.environ.update(environment(url, folder))
    import dj_database_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from unactions.records.loader import load_records

    # Django was set up for the first size's database: the next sizes' are new ones.
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = dj_database_url.parse(url)["NAME"]
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    load_records(records, author="benchmark")
    elapsed = time.perf_counter() - start
    connections["default"].close()
    return len(records) / elapsed


def load_datasette(records, db: Path) -> None:
    """The same actions as one table with an FTS5 index, as Datasette users publish them."""
    connection = sqlite3.connect(db)
    connection.execute(
        "CREATE TABLE actions (id TEXT PRIMARY KEY, date TEXT, year INTEGER, body TEXT, "
        "action_type TEXT, mechanism TEXT, action TEXT, summary TEXT, issues TEXT, "
        "regions TEXT, defenders TEXT)"
    )
    connection.executemany(
        "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                r.id,
                r.date.isoformat(),
                r.date.year,
                r.body,
                r.action_type,
                r.mechanism,
                r.action,
                r.summary,
                json.dumps(r.issues),
                json.dumps(r.regions),
                json.dumps(r.defenders),
            )
            for r in records
        ),
    )
    for column in ("date", "body", "action_type", "year"):
        connection.execute(f"CREATE INDEX actions_{column} ON actions ({column})")
    connection.execute(
        "CREATE VIRTUAL TABLE actions_fts USING fts5(summary, mechanism, action, issues, "
        "defenders, content='actions', content_rowid='rowid')"
    )
    connection.execute("INSERT INTO actions_fts(actions_fts) VALUES ('rebuild')")
    connection.commit()
    connection.close()


def ours_count(base: str, params: list[tuple[str, str]]) -> int:
    return json.loads(fetch(f"{base}/api/v1/actions?" + urlencode([*params, ("limit", "1")])))[
        "count"
    ]


def datasette_count(base: str, params: list[tuple[str, str]]) -> int:
    data = json.loads(fetch(f"{base}/bench/actions.json?" + urlencode([*params, ("_size", "1")])))
    return data["filtered_table_rows_count"]


def run_size(n: int, runs: int, workdir: Path, postgresql: str | None = None) -> list[dict]:
    from benchmarks.synthetic import records as synthetic

    folder = workdir / str(n)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    records = synthetic(n)
    ours_url, theirs_db = our_database(folder, n, postgresql), folder / "bench.sqlite3"
    rows = []

    per_second = import_ours(records, ours_url, folder)
    rows.append({"measure": "import (records/s)", "ours": f"{per_second:,.0f}"})
    load_datasette(records, theirs_db)

    word = "detention"
    defender = next(r.defenders[0] for r in records if r.defenders)
    slug = defender.lower().replace(" ", "-")
    region = next(r.regions[0] for r in records if r.regions)
    region_slug = region.lower().replace(" ", "-")
    # (what, our page, the parameters of the same actions in our API, Datasette's)
    queries = [
        ("list, first page", "/", [], []),
        # Datasette's table search lists the matches unranked, in rowid order: ours in
        # date order is the same work; by relevance (our default), each match is ranked.
        (
            "search + 3 facets, in date order",
            f"/?q={word}&sort=newest",
            [("q", word), ("sort", "newest")],
            [("_search", word), ("_facet", "body"), ("_facet", "action_type"), ("_facet", "year")],
        ),
        (
            "search + 3 facets, by relevance (Datasette: unranked)",
            f"/?q={word}",
            [("q", word)],
            [("_search", word), ("_facet", "body"), ("_facet", "action_type"), ("_facet", "year")],
        ),
        (
            "two facets combined",
            "/?body=special_procedures&type=urgent_appeal",
            [("body", "special_procedures"), ("type", "urgent_appeal")],
            [("body", "special_procedures"), ("action_type", "urgent_appeal"), ("_facet", "year")],
        ),
        (
            f"one term facet ({region})",
            f"/?region={region_slug}",
            [("region", region_slug)],
            [
                ("regions__arraycontains", region),
                ("_facet", "body"),
                ("_facet", "action_type"),
                ("_facet", "year"),
            ],
        ),
        (
            f"defender page ({defender})",
            f"/defenders/{slug}/",
            [("defender", slug)],
            [("defenders__arraycontains", defender)],
        ),
        ("statistics page", "/statistics/", [], [("_facet", "body"), ("_facet", "year")]),
        (
            "statistics of a search",
            f"/statistics/?q={word}",
            [("q", word)],
            [("_search", word), ("_facet", "body"), ("_facet", "year")],
        ),
        (
            "statistics of one body",
            "/statistics/?body=special_procedures",
            [("body", "special_procedures")],
            [("body", "special_procedures"), ("_facet", "action_type"), ("_facet", "year")],
        ),
    ]

    port, their_port = free_port(), free_port()
    ours = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "unactions.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "600",
        ],
        cwd=ROOT,
        env=environment(ours_url, folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    metadata = folder / "metadata.json"
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    "bench": {
                        "tables": {"actions": {"fts_table": "actions_fts", "fts_pk": "rowid"}}
                    }
                }
            }
        )
    )
    theirs = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(theirs_db),
            "--port",
            str(their_port),
            "--metadata",
            str(metadata),
            "--setting",
            "sql_time_limit_ms",
            "600000",
            "--setting",
            "facet_time_limit_ms",
            "600000",
            "--setting",
            "max_returned_rows",
            "1000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base, their_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{their_port}"
    try:
        wait_for(base + "/api/v1/")
        wait_for(their_base + "/bench.json")
        started = wait_idle(ours.pid, ours_url)
        peak = PeakMemory(ours.pid)
        peak.start()
        for name, page, params, their_params in queries:
            p50, p95 = latencies(base + page, runs)
            t50, t95 = latencies(their_base + "/bench/actions?" + urlencode(their_params), runs)
            ours_n = ours_count(base, params)
            their_n = datasette_count(their_base, [p for p in their_params if p[0] != "_facet"])
            rows.append(
                {
                    "measure": name,
                    "ours": f"p50 {p50:.0f} ms, p95 {p95:.0f} ms",
                    "datasette": f"p50 {t50:.0f} ms, p95 {t95:.0f} ms",
                    "ratio": f"{p50 / t50:.2f}",
                    "rows": "same" if ours_n == their_n else f"DIFFER: {ours_n} vs {their_n}",
                }
            )
        highest = peak.stop()
        time.sleep(1)  # each worker gives back its request's memory as the request ends
        rows += [
            {"measure": "server start, until idle (s)", "ours": f"{started:.1f}"},
            {
                "measure": "serving memory (MB, master + 2 workers): idle, peak",
                "ours": f"{rss_mb(ours.pid):.0f}, {highest:.0f}",
            },
        ]
    finally:
        ours.terminate()
        theirs.terminate()
        ours.wait()
        theirs.wait()

    if n <= 10_000:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "unactions.cli", "build-site", str(folder / "site")],
            cwd=ROOT,
            env=environment(ours_url, folder),
            check=True,
            capture_output=True,
        )
        rows.append({"measure": "static export (s)", "ours": f"{time.perf_counter() - start:.1f}"})
    return rows


def print_table(n: int, rows: list[dict], backend: str) -> None:
    print(f"\n## {n:,} actions (ours on {backend})\n")
    print("| measure | unactions | Datasette | ours / Datasette (p50) | row counts |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['measure']} | {row.get('ours', '')} | {row.get('datasette', '')} | "
            f"{row.get('ratio', '')} | {row.get('rows', '')} |"
        )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/unactions-bench"))
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        help="serve our copy from a new database on this PostgreSQL server "
        "(e.g. postgresql://postgres@127.0.0.1:5432/test) instead of SQLite",
    )
    args = parser.parse_args()
    for n in args.sizes:
        loop, before = reference_loop(), cpu_times()
        rows = run_size(n, args.runs, args.workdir, args.postgresql)
        print_table(n, rows, "PostgreSQL" if args.postgresql else "SQLite")
        print(
            f"\nThe machine: {os.cpu_count()} cores; the reference loop "
            f"(benchmarks/run.py) took {loop:.1f} s before the run; the host took "
            f"{stolen_share(before, cpu_times()):.0%} of the CPU time during it (steal)."
        )


if __name__ == "__main__":
    main()
