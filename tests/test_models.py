"""The counting rules every reporter and the exit code rely on."""

from __future__ import annotations

from checker.models import Health, Outcome, Result, Summary


def _summary(*results: Result) -> Summary:
    summary = Summary("gather")
    for result in results:
        summary.add(result)
    return summary


def test_a_warning_is_counted_but_does_not_fail_the_run() -> None:
    summary = _summary(
        Result("http://a/", Outcome.OK),
        Result("http://b/", Outcome.BROKEN, status=403, warning="403 is a warning (--warn)"),
    )
    assert (summary.broken, summary.warnings, summary.failing) == (1, 1, 0)
    assert not summary.failed
    assert summary.to_dict()["warnings"] == 1


def test_a_failure_the_store_excuses_does_not_fail_the_run_but_a_new_one_does() -> None:
    known = Result("http://k/", Outcome.ERROR, health=Health(consecutive_failures=4, counts=False))
    new = Result("http://n/", Outcome.BROKEN, health=Health(consecutive_failures=1, new=True))
    assert not _summary(known).failed
    summary = _summary(known, new)
    assert (summary.failing, summary.warnings, summary.failed) == (1, 0, True)


def test_only_failures_can_be_excused() -> None:
    # An ok result with a stray warning or health record never changes the counts.
    ok = Result("http://a/", Outcome.OK, warning="x", health=Health(counts=False))
    summary = _summary(ok)
    assert (summary.warnings, summary.excused, summary.failing) == (0, 0, 0)
    assert not ok.fails_run


def test_the_optional_fields_appear_in_the_dict_only_when_set() -> None:
    plain = Result("http://a/", Outcome.OK).to_dict()
    assert not {"warning", "health", "cached", "checked_at"} & plain.keys()
    cached = Result("http://a/", Outcome.OK, cached_at="2026-11-29T10:00:00Z").to_dict()
    assert (cached["cached"], cached["checked_at"]) == (True, "2026-11-29T10:00:00Z")
