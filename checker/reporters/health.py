"""How every format marks a failure the store (``--cache``) knows: new,
known (failing for some runs already) or flaky. One wording for all."""

from __future__ import annotations

from checker.models import Result


def is_new(result: Result) -> bool:
    """A failure of a URL that was ok (or unseen) in its previous check."""
    return result.outcome.failed and result.health is not None and result.health.new


def note(result: Result) -> str | None:
    """``new``, ``flaky`` or ``known: failing 3 runs since …``; None without
    the store's health or for a result that did not fail."""
    health = result.health
    if health is None or not result.outcome.failed:
        return None
    if health.flaky:
        return "flaky"
    if health.new:
        return "new"
    since = f" since {health.first_failed_at}" if health.first_failed_at else ""
    return f"known: failing {health.consecutive_failures} runs{since}"
