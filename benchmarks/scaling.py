"""The workers scenario (``--scenarios W``): does ``--workers`` pay, and where.

Throughput over the throughput scenario's list (nginx, 10k URLs, -c 128) for
``--workers 1``, every count from 2 up to the usable cores, and ``auto``, for
the as-completed and gather strategies (first-completed runs the same stream
as as-completed; first-exception stops at the list's first broken link),
beside the plain aiohttp loop and lychee with its per-host limits lifted
(when a lychee binary is found). CPU is the whole process tree's: GNU time
counts the workers, which the run reaps.

``--workers auto`` stays off by default until this scenario measures it
faster than ``--workers 1`` for every strategy (README: Scaling).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

LYCHEE_PATHS = (
    Path(os.environ.get("BENCH_ROOT", "/tmp/urlcheck-bench")) / "venv-lychee" / "bin" / "lychee",
)
STRATEGIES = ("as-completed", "gather")


def usable_cores() -> int:
    return max(len(os.sched_getaffinity(0)), 1) if hasattr(os, "sched_getaffinity") else 1


def worker_args() -> list[list[str]]:
    """``--workers`` 1, 2 … cores - 1, and auto (the cores)."""
    counts = [["--workers", str(n)] for n in range(1, usable_cores())]
    return [*counts, ["--workers", "auto"]]


def lychee() -> str | None:
    found = shutil.which("lychee")
    if found:
        return found
    return next((str(p) for p in LYCHEE_PATHS if p.exists()), None)


def lychee_argv(binary: str, urls: Path, concurrency: int) -> list[str]:
    """lychee with its per-host limits lifted (peer-bench's tuned row): 10 in
    flight and 50 ms apart per host by default, i.e. <= 20 requests/s a host."""
    return [
        binary,
        str(urls),
        "--format",
        "json",
        "--no-progress",
        "--max-concurrency",
        str(concurrency),
        "--host-concurrency",
        str(concurrency),
        "--host-request-interval",
        "0",
    ]


def lychee_counts(stdout: Path) -> tuple[int, int] | str:
    """(checked, broken) from lychee's ``--format json`` summary, or why not.

    total = successful + errors + timeouts + unknown + excludes + unsupported;
    broken = errors + timeouts + unknown (peer-bench's run.py, parse_lychee).
    """
    try:
        d = json.loads(stdout.read_bytes())
        skipped = int(d.get("excludes", 0)) + int(d.get("unsupported", 0))
        broken = int(d["errors"]) + int(d.get("timeouts", 0)) + int(d.get("unknown", 0))
        return int(d["total"]) - skipped, broken
    except (ValueError, KeyError, TypeError, OSError) as exc:
        return f"no lychee JSON report ({exc})"
