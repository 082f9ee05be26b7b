"""The host-aware frontier and the driver that runs it (docs/SCHEDULING.md).

``stream(targets, check, concurrency, schedule)`` yields every target's final
result as it is known; the strategies (checker/strategies/) put ordering,
streaming and failure policy on top of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from checker.models import Target
from checker.scheduler.driver import Attempt, stream
from checker.scheduler.frontier import Frontier
from checker.scheduler.hosts import Cause
from checker.scheduler.records import Attempted, Rules

__all__ = ["Attempt", "Attempted", "Cause", "Frontier", "Rules", "Schedule", "stream"]


def _no_host(target: Target) -> None:
    return None


@dataclass(slots=True, frozen=True)
class Schedule:
    """The run's host rules, and how to tell a target's host (None: no host limits)."""

    rules: Rules = field(default_factory=Rules)
    host_of: Callable[[Target], str | None] = _no_host
