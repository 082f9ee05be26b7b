"""Peak RSS of a process and of each of its children, sampled from /proc.

GNU time's peak RSS of a run with ``--workers`` is the largest single
process's, not the total: this samples the whole tree every ``--every``
seconds and prints each process's peak RSS and the peak of the tree's PSS.

    python benchmarks/treerss.py --nginx -- \
        python -m checker LIST --format json --workers 2 > /dev/null

``--nginx`` runs the benchmark nginx (servers.py, port 18180, the memory
scenario's server) around the command; ``--series FILE`` writes every
sample (seconds, then each process's RSS in MB) to see when memory grows.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import Nginx

NGINX_PORT = 18180  # run.py's T_PORT: the lists it generates name this port


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB. A forked worker shares its parent's pages until it
    writes them: RSS counts them in both, PSS splits them, so the sum of PSS
    is what the tree really holds."""
    values = {"Rss:": 0, "Pss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(" ")
            if name in values:
                values[name] = int(rest.split()[0])
    except (OSError, IndexError, ValueError):
        pass
    return values["Rss:"], values["Pss:"]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--every", type=float, default=0.1)
    p.add_argument("--nginx", action="store_true", help="run the benchmark nginx around it")
    p.add_argument("--series", type=Path, help="write every sample to this file")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    server = Nginx(NGINX_PORT) if a.nginx else contextlib.nullcontext()
    with server:
        return measure(command, a.every, a.series)


def measure(command: list[str], every: float, series: Path | None) -> int:
    proc = subprocess.Popen(command, stdout=sys.stdout, stderr=sys.stderr)
    peaks: dict[int, int] = {}
    total = 0
    samples: list[str] = []
    started = time.perf_counter()
    while proc.poll() is None:
        tree = [proc.pid, *children(proc.pid)]
        sizes = {pid: memory_kb(pid) for pid in tree}
        for pid, (rss, _) in sizes.items():
            peaks[pid] = max(peaks.get(pid, 0), rss)
        total = max(total, sum(pss for _, pss in sizes.values()))
        if series is not None:
            rss_mb = " ".join(f"{rss / 1000:.1f}" for rss, _ in sizes.values())
            samples.append(f"{time.perf_counter() - started:.1f} {rss_mb}")
        time.sleep(every)
    wall = time.perf_counter() - started
    if series is not None:
        series.write_text("\n".join(samples) + "\n")
    parts = ", ".join(
        f"{'parent' if pid == proc.pid else f'worker {pid}'} {kb / 1000:.1f} MB"
        for pid, kb in peaks.items()
    )
    print(
        f"rc={proc.returncode} wall={wall:.1f}s peak total (PSS) {total / 1000:.1f} MB;"
        f" peak RSS: {parts}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
