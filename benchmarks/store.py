"""The store's cost (``--cache``) on the 10k-URL loopback list, side by side
with a run without it, and the warm-cache rerun, in one harness run.

    flock /tmp/bench.lock python benchmarks/store.py              # 5 runs per row
    flock /tmp/bench.lock python benchmarks/store.py --quick      # 2k URLs, 1 run

From a worktree, give its code: ``PYTHONPATH=$PWD`` and ``--urlcheck 'python -m checker'``.

The same nginx, list and measuring as run.py's throughput scenario (each tool a
process timed from fork to exit, tools alternating round by round, medians).
Rows:

* no store: the reference;
* ``--cache``, empty store: the store created, every URL looked up (a miss)
  and every result recorded;
* ``--cache --max-cache-age 0``: a full store, every URL rechecked and its
  row updated: the steady cost of keeping history;
* ``--cache``, warm store: a second run; ok results are reused, the 10 %
  ``/missing/`` 404s are rechecked, as failures are by default;
* ``--cache --cache-status 404``, warm store: every result reused, so zero
  requests.

HTTP requests come from nginx's counter (``stub_status``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import run as bench  # noqa: E402
from servers import Nginx  # noqa: E402


def tools(urlcheck: list[str], urls: Path, stores: Path) -> list[bench.Tool]:
    base = [*urlcheck, str(urls), "--format", "json", "-c", str(bench.CONCURRENCY)]
    empty, warm = stores / "empty.sqlite", str(stores / "warm.sqlite")
    wipe = f"rm -f {empty} {empty}-wal {empty}-shm; exec {shlex.join(base)}"
    return [
        bench.Tool("no store", base, bench.parse_urlcheck, plain_loop=True),
        bench.Tool(
            "--cache, empty store",
            ["sh", "-c", f"{wipe} --cache --cache-file {empty}"],
            bench.parse_urlcheck,
        ),
        bench.Tool(
            "--cache --max-cache-age 0 (full store, all rechecked)",
            [*base, "--cache", "--cache-file", str(stores / "full.sqlite"), "--max-cache-age", "0"],
            bench.parse_urlcheck,
        ),
        bench.Tool(
            "--cache, warm store (failures rechecked)",
            [*base, "--cache", "--cache-file", warm],
            bench.parse_urlcheck,
        ),
        bench.Tool(
            "--cache --cache-status 404, warm store",
            [
                *base,
                "--cache",
                "--cache-file",
                str(stores / "warm.sqlite"),
                "--cache-status",
                "404",
            ],
            bench.parse_urlcheck,
        ),
    ]


def table(rows: list[bench.Row]) -> list[str]:
    ref = rows[0]
    out = [
        "| run | correct | wall s, median (each run) | vs no store | CPU s | HTTP requests "
        "| peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        requests = [s.requests for s in r.samples if s.requests is not None]
        shown = "/".join(str(n) for n in requests) if requests else "-"
        out.append(
            f"| {r.tool.name} | {r.verdict()} | {bench.fmt_walls(r)} "
            f"| {(r.wall / ref.wall - 1) * 100:+.1f} % | {r.cpu:.2f} | {shown} | {r.rss_mb:.0f} |"
        )
    return out


def store_size(path: Path, n: int, checks: int = 50) -> int:
    """Bytes on disk of a store holding ``n`` URLs with ``checks`` checks each,
    written as the store writes them (the same row, one full history blob);
    1 URL in 10 broken, as the loopback list has it."""
    import sqlite3

    from checker.models import Outcome, Result
    from checker.store import Store
    from checker.store.codec import dump, record

    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    Store(path).close()
    db = sqlite3.connect(path)
    now = 1.8e9
    batch = []
    for i in range(n):
        url = f"https://docs.example{i % 5000}.org/guide/section-{i:07d}/page.html"
        result = Result(
            url, Outcome.OK if i % 10 else Outcome.BROKEN, status=200 if i % 10 else 404
        )
        result.final_url, result.elapsed_ms = url, 12.3
        blob = b"".join(record(result, now - 86_400 * k) for k in range(checks, 0, -1))
        ok = result.outcome is Outcome.OK
        batch.append(
            (
                url,
                now,
                result.outcome.value,
                result.status,
                dump(result),
                now if ok else None,
                None if ok else now - 86_400 * checks,
                0 if ok else checks,
                blob,
            )
        )
        if len(batch) == 10_000:
            db.executemany("INSERT INTO urls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    db.executemany("INSERT INTO urls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sum(f.stat().st_size for f in path.parent.glob(path.name + "*"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="2k URLs, 1 run")
    p.add_argument("--urlcheck", help="command that runs urlcheck (default: as run.py)")
    p.add_argument(
        "--root",
        type=Path,
        default=Path(os.environ.get("BENCH_ROOT", "/tmp/urlcheck-bench")) / "urlcheck-benchmarks",
    )
    p.add_argument(
        "--size", type=int, metavar="N", help="only measure a store of N URLs x 50 checks on disk"
    )
    a = p.parse_args(argv)
    if a.size:
        sized = a.root / "stores" / "size.sqlite"
        sized.parent.mkdir(parents=True, exist_ok=True)
        print(f"{a.size:,} URLs x 50 checks: {store_size(sized, a.size) / 1e6:.0f} MB on disk")
        return 0
    n, runs = (2_000, 1) if a.quick else (bench.FULL["throughput"], a.runs)
    urlcheck = shlex.split(a.urlcheck) if a.urlcheck else bench.default_urlcheck()
    urls, truth = corpus.ensure(
        a.root / "data" / f"T-{n}", n, bench.T_PORT, corpus.THROUGHPUT_MIX, bench.HOSTS
    )
    stores = a.root / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    for old in stores.glob("*.sqlite*"):
        old.unlink()
    work = a.root / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    env = bench.child_env({})
    every = tools(urlcheck, urls, stores)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with Nginx(bench.T_PORT, bench.HOSTS, root=a.root) as server:
        for warm in ("warm.sqlite", "full.sqlite"):  # the stores the later rows start from
            argv = [*every[0].argv, "--cache", "--cache-file", str(stores / warm)]
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)
        load = os.getloadavg()[0]
        rows = bench.run_scenario("store", every, n, truth, runs, server, work, env, log)
    size = sum(f.stat().st_size for f in stores.glob("full.sqlite*"))
    print(f"### The store on the loopback list (N = {n:,}, {runs} run(s) per row)\n")
    print(f"1-min load average {load:.1f} before; {os.cpu_count()} cores.\n")
    print("\n".join(table(rows)))
    print(f"\nStore size after the runs: {size / 1e6:.1f} MB for {n:,} URLs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
