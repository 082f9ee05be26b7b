"""``--host-stats``: what each host was asked, how it answered, and how far
urlcheck backed off. Collected only when asked for (one entry per host)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.models import Outcome


@dataclass(slots=True)
class HostStats:
    requests: int = 0  # attempts, retries included
    ok: int = 0  # URLs, by final outcome
    broken: int = 0
    error: int = 0
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
        if outcome is Outcome.OK:
            self.ok += 1
        elif outcome is Outcome.BROKEN:
            self.broken += 1
        elif outcome is Outcome.ERROR:
            self.error += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "ok": self.ok,
            "broken": self.broken,
            "error": self.error,
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
        }


def ordered(stats: dict[str, HostStats]) -> list[tuple[str, HostStats]]:
    """Busiest host first, then by name, so the output is stable."""
    return sorted(stats.items(), key=lambda item: (-item[1].requests, item[0]))


_COLUMNS = ("requests", "ok", "broken", "error", "throttled", "time_s", "waited_s", "interval_s")


def table(stats: dict[str, HostStats]) -> str:
    """A plain-text table, one host per line, for a terminal or a CI log."""
    rows: list[tuple[str, ...]] = [("host", *_COLUMNS, "max_interval_s")]
    for host, entry in ordered(stats):
        values = entry.to_dict()
        rows.append((host, *(str(values[c]) for c in (*_COLUMNS, "max_interval_s"))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )
