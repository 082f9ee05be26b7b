"""A URL's health: what its stored history says, with this run's check added.

``flaky``: the outcome flipped between ok and failed at least twice in the
last :data:`FLAKY_WINDOW` checks. ``new``: failed now, and ok (or never seen)
in its previous check. ``counts`` follows ``--fail-on``: ``any`` counts
every failure; ``new`` only new ones; ``persistent:N`` only failures seen
in N consecutive checks. Under ``new`` and ``persistent:N`` a flaky link
never counts: those modes exist to keep hiccups from failing CI.
"""

from __future__ import annotations

import operator
from typing import NamedTuple, assert_never

from checker.choices import FailOnMode
from checker.models import Health, Result
from checker.settings.store import FailOn
from checker.store.codec import iso, outcomes

FLAKY_WINDOW = 10


class Row(NamedTuple):
    """What the store holds of one URL (the ``urls`` table's columns); a
    tuple, made by the thousand as rows are read ahead (a frozen dataclass
    took ~4 µs each)."""

    checked_at: float
    outcome: str
    status: int | None
    result: str | None  # what else the result held (codec.dump), as JSON
    last_ok_at: float | None
    first_failed_at: float | None
    streak: int
    history: bytes


def flips(oks: list[bool]) -> int:
    # map() over operator.ne: a generator over pairwise() was ~10 µs a URL.
    return sum(map(operator.ne, oks, oks[1:]))


def counts(fail_on: FailOn, failed: bool, new: bool, streak: int, flaky: bool) -> bool:
    """Whether a failure fails the run under ``--fail-on``."""
    if not failed:
        return True  # only failures are excused; an ok result fails nothing anyway
    match fail_on.mode:
        case FailOnMode.ANY:
            return True
        case FailOnMode.NEW:
            return new and not flaky
        case FailOnMode.PERSISTENT:
            return streak >= fail_on.runs and not flaky
        case _:
            assert_never(fail_on.mode)


def stored(row: Row, fail_on: FailOn) -> Health:
    """The health the store gives, as it stands (a result reused from it)."""
    oks = outcomes(row.history, FLAKY_WINDOW)
    failed = row.outcome != "ok"
    flaky = flips(oks) >= 2
    before = oks[-2] if len(oks) >= 2 else True
    return Health(
        first_failed_at=iso(row.first_failed_at) if failed else None,
        consecutive_failures=row.streak,
        last_ok_at=iso(row.last_ok_at),
        flaky=flaky,
        new=failed and before,
        counts=counts(fail_on, failed, failed and before, row.streak, flaky),
    )


def updated(row: Row | None, result: Result, now: float, fail_on: FailOn) -> Health:
    """The health once ``result``, checked ``now``, joins the stored history."""
    failed = result.outcome.failed
    oks = (outcomes(row.history, FLAKY_WINDOW - 1) if row else []) + [not failed]
    was_ok = row is None or row.outcome == "ok"
    streak = (row.streak if row and not was_ok else 0) + 1 if failed else 0
    if not failed:
        first_failed = None
    elif row is not None and not was_ok and row.first_failed_at is not None:
        first_failed = row.first_failed_at
    else:
        first_failed = now
    flaky = flips(oks) >= 2
    new = failed and was_ok
    return Health(
        first_failed_at=iso(first_failed),
        consecutive_failures=streak,
        last_ok_at=iso(now if not failed else (row.last_ok_at if row else None)),
        flaky=flaky,
        new=new,
        counts=counts(fail_on, failed, new, streak, flaky),
    )
