"""Per-host figures: one model, one table.

:class:`HostStats` holds everything urlcheck knows about one host. The URLs'
outcomes and latencies are drawn from the results (:class:`HostTable`); the
request figures (attempts, throttling, waits, the gap kept) are counted by
the host limiter during the run, only with ``--host-stats``, and merged in
once at the end. The text report (``-v``), the ``--host-stats`` table, the
html page and the json ``"hosts"`` object all show this one model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from yarl import URL

from checker.models import Outcome, Result

NO_HOST = "(no host)"


@dataclass(slots=True)
class HostStats:
    # URLs on this host, by final outcome.
    ok: int = 0
    broken: int = 0
    error: int = 0
    excluded: int = 0
    cancelled: int = 0
    # The URLs' last attempts: how many were timed, their sum and maximum.
    timed: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0
    # Written by the scheduler (checker/scheduler/hosts.py) while the run goes.
    requests: int = 0  # attempts, retries included
    throttled: int = 0  # rate limits: 429, and 503 with Retry-After
    rate_limit_steps: int = 0  # bursts of them, each one slowing the host once
    server_errors: int = 0  # 5xx without Retry-After
    not_tried: int = 0  # URLs reported without an attempt: the host was unreachable
    concurrency: int = 0  # the requests in flight now allowed (learnt from rate limits)
    # "head", "get-first" (HEAD answers wrong) or "trusted" (HEAD failures believed)
    head: str = "head"
    time_s: float = 0.0  # summed duration of the attempts
    waited_s: float = 0.0  # its URLs spent queued, for the host to be ready or a slot
    interval_s: float = 0.0  # the gap now kept between request starts
    max_interval_s: float = 0.0

    def count(self, outcome: Outcome) -> None:
        """One more URL with this final outcome."""
        match outcome:
            case Outcome.OK:
                self.ok += 1
            case Outcome.BROKEN:
                self.broken += 1
            case Outcome.ERROR:
                self.error += 1
            case Outcome.EXCLUDED:
                self.excluded += 1
            case Outcome.CANCELLED:
                self.cancelled += 1

    def add(self, result: Result) -> None:
        self.count(result.outcome)
        ms = result.elapsed_ms
        if ms is not None:
            self.timed += 1
            self.total_ms += ms
            self.max_ms = max(self.max_ms, ms)

    def take_requests(self, counted: HostStats) -> None:
        """The limiter's figures from ``counted``; the URL figures stay ours."""
        self.requests = counted.requests
        self.throttled = counted.throttled
        self.rate_limit_steps = counted.rate_limit_steps
        self.server_errors = counted.server_errors
        self.not_tried = counted.not_tried
        self.concurrency = counted.concurrency
        self.head = counted.head
        self.time_s = counted.time_s
        self.waited_s = counted.waited_s
        self.interval_s = counted.interval_s
        self.max_interval_s = counted.max_interval_s

    @property
    def urls(self) -> int:
        return self.ok + self.broken + self.error + self.excluded + self.cancelled

    @property
    def failed(self) -> int:
        return self.broken + self.error + self.cancelled

    @property
    def mean_ms(self) -> float | None:
        return self.total_ms / self.timed if self.timed else None

    def to_dict(self) -> dict[str, Any]:
        mean = self.mean_ms
        return {
            "requests": self.requests,
            "ok": self.ok,
            "broken": self.broken,
            "error": self.error,
            "excluded": self.excluded,
            "cancelled": self.cancelled,
            "throttled": self.throttled,
            "rate_limit_steps": self.rate_limit_steps,
            "server_errors": self.server_errors,
            "not_tried": self.not_tried,
            "concurrency": self.concurrency,
            "head": self.head,
            "time_s": round(self.time_s, 3),
            "waited_s": round(self.waited_s, 3),
            "interval_s": round(self.interval_s, 3),
            "max_interval_s": round(self.max_interval_s, 3),
            "mean_ms": None if mean is None else round(mean, 1),
            "max_ms": round(self.max_ms, 1) if self.timed else None,
        }


def host_of(url: str) -> str:
    """The host as the limiter keys it (yarl's, lower-cased, IDNA-encoded);
    ``(no host)`` for a URL that has none: an invalid URL is a result too."""
    try:
        return URL(url).raw_host or NO_HOST
    except (ValueError, TypeError, IndexError, UnicodeError):
        return NO_HOST


class HostTable:
    """One :class:`HostStats` per host, drawn from results: O(hosts) memory."""

    def __init__(self) -> None:
        self._rows: dict[str, HostStats] = {}
        self.requests_known = False

    def add(self, result: Result) -> None:
        self._row(host_of(result.url)).add(result)

    def merge(self, counted: Mapping[str, HostStats]) -> None:
        """Take the limiter's request figures for each host it saw."""
        for host, stats in counted.items():
            self._row(host).take_requests(stats)
        self.requests_known = True

    def _row(self, host: str) -> HostStats:
        row = self._rows.get(host)
        if row is None:
            row = self._rows[host] = HostStats()
        return row

    def __len__(self) -> int:
        return len(self._rows)

    def ordered(self) -> list[tuple[str, HostStats]]:
        """Busiest host first (requests, then URLs), then by name: stable run to run."""
        return sorted(
            self._rows.items(), key=lambda item: (-item[1].requests, -item[1].urls, item[0])
        )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


_REQUEST_COLUMNS = ("throttled", "time_s", "waited_s", "interval_s", "max_interval_s")


def table(hosts: HostTable, host_text: Callable[[str], str] = str) -> str:
    """A plain-text table, one host per line, for a terminal or a CI log.
    ``host_text`` makes a host name safe to print (the text report escapes it)."""
    requests = hosts.requests_known
    header = ["host", *(["requests"] if requests else []), "ok", "broken", "error"]
    header += ["excluded", "cancelled", "mean_ms", "max_ms"]
    header += list(_REQUEST_COLUMNS) if requests else []
    rows = [header]
    for host, stats in hosts.ordered():
        values = stats.to_dict()
        row = [host_text(host), *([str(stats.requests)] if requests else [])]
        row += [str(values[c]) for c in ("ok", "broken", "error", "excluded", "cancelled")]
        row += [_ms(stats.mean_ms), _ms(stats.max_ms if stats.timed else None)]
        row += [str(values[c]) for c in _REQUEST_COLUMNS] if requests else []
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )
