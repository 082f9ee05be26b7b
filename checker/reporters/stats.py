"""Figures drawn from results for the human summaries (text and html): the
slowest URLs and a latency histogram. Per-host figures are checker/hoststats.py.

Each accumulator keeps O(1) work per result and bounded memory, never the
results themselves, so the text report stays cheap on a million URLs.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable

from checker.models import Result


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
