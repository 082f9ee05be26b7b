"""Figures drawn from results for the human summaries (text and html): the
slowest URLs, per-host counts and latencies, and a latency histogram.

Each accumulator keeps O(1) work and O(hosts) or O(n) memory, never the
results themselves, so the text report stays cheap on a million URLs.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from checker.models import Outcome, Result

NO_HOST = "(no host)"


def host_of(url: str) -> str:
    """The host a URL names, lower-cased; ``(no host)`` for one that has none
    (an invalid URL is a result too, and must land in some row)."""
    try:
        return urlsplit(url).hostname or NO_HOST
    except ValueError:
        return NO_HOST


@dataclass(slots=True)
class HostFigures:
    host: str
    urls: int = 0
    ok: int = 0
    failed: int = 0
    timed: int = 0  # results that have an elapsed time (excluded ones have none)
    total_ms: float = 0.0
    max_ms: float = 0.0

    @property
    def mean_ms(self) -> float | None:
        return self.total_ms / self.timed if self.timed else None

    def add(self, result: Result) -> None:
        self.urls += 1
        if result.outcome is Outcome.OK:
            self.ok += 1
        elif result.outcome.failed:
            self.failed += 1
        ms = result.elapsed_ms
        if ms is not None:
            self.timed += 1
            self.total_ms += ms
            self.max_ms = max(self.max_ms, ms)


class Hosts:
    def __init__(self) -> None:
        self._by_host: dict[str, HostFigures] = {}

    def add(self, result: Result) -> None:
        host = host_of(result.url)
        figures = self._by_host.get(host)
        if figures is None:
            figures = self._by_host[host] = HostFigures(host)
        figures.add(result)

    def __len__(self) -> int:
        return len(self._by_host)

    def figures(self) -> list[HostFigures]:
        """Busiest host first; ties by name, so the order is stable run to run."""
        return sorted(self._by_host.values(), key=lambda f: (-f.urls, f.host))


class Slowest:
    """The ``n`` results with the longest elapsed time, kept in a min-heap."""

    def __init__(self, n: int = 5) -> None:
        self.n = n
        self._heap: list[tuple[float, int, Result]] = []
        self._seq = itertools.count()  # ties never compare Results

    def add(self, result: Result) -> None:
        ms = result.elapsed_ms
        if ms is None:
            return
        if len(self._heap) < self.n:
            heapq.heappush(self._heap, (ms, next(self._seq), result))
        elif ms > self._heap[0][0]:
            heapq.heapreplace(self._heap, (ms, next(self._seq), result))

    def results(self) -> list[Result]:
        """Slowest first."""
        return [r for _, _, r in sorted(self._heap, key=lambda e: (-e[0], e[1]))]


# Upper bounds in ms: roughly 1-2.5-5 per decade, readable at a glance.
LATENCY_BOUNDS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


def _ms_label(ms: int) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms} ms"


def latency_histogram(values: Iterable[float]) -> list[tuple[str, int]]:
    """Counts of ``values`` (ms) per bucket, every bucket present, labelled
    by its upper bound (``< 10 ms`` … ``≥ 10 s``)."""
    counts = [0] * (len(LATENCY_BOUNDS) + 1)
    for ms in values:
        counts[bisect.bisect_right(LATENCY_BOUNDS, ms)] += 1
    labels = [f"< {_ms_label(b)}" for b in LATENCY_BOUNDS]
    labels.append(f"≥ {_ms_label(LATENCY_BOUNDS[-1])}")
    return list(zip(labels, counts, strict=True))
