"""Health from the stored history, and --fail-on's rule, as pure logic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.choices import FailOnMode
from checker.durations import MAX_DURATION, parse_duration
from checker.models import ErrorKind, Failure, Outcome, Result
from checker.settings import FailOn, Settings
from checker.store.codec import record
from checker.store.health import Row, counts, updated


def _row(outcomes: str, streak: int = 0) -> Row:
    """A stored row whose history is ``outcomes`` ('o' ok, 'f' failed), oldest first."""
    blob = b"".join(
        record(
            Result(
                "u", Outcome.OK if c == "o" else Outcome.BROKEN, status=200 if c == "o" else 500
            ),
            1e9 + n,
        )
        for n, c in enumerate(outcomes)
    )
    last_ok = outcomes[-1] == "o"
    status = 200 if last_ok else 500
    outcome = "ok" if last_ok else "broken"
    return Row(1e9, outcome, status, None, 1e9, None if last_ok else 1e9, streak, blob)


FAILED = Result("u", Outcome.ERROR, error=Failure(ErrorKind.TIMEOUT, "t"))
OK = Result("u", Outcome.OK, status=200)


def test_a_first_failure_is_new_and_counts_under_new() -> None:
    health = updated(None, FAILED, 2e9, FailOn.parse("new"))
    assert health.new
    assert health.counts
    assert health.consecutive_failures == 1


def test_a_known_failure_is_not_new_and_excused_under_new() -> None:
    health = updated(_row("of", streak=1), FAILED, 2e9, FailOn.parse("new"))
    assert not health.new
    assert not health.counts
    assert health.consecutive_failures == 2
    assert health.first_failed_at == "2001-09-09T01:46:40Z"  # the streak's start is kept


def test_persistent_counts_from_the_nth_failure_in_a_row() -> None:
    rule = FailOn.parse("persistent:3")
    assert not updated(_row("oof", streak=1), FAILED, 2e9, rule).counts
    assert updated(_row("off", streak=2), FAILED, 2e9, rule).counts


def test_flaky_never_counts_under_new_or_persistent_but_does_under_any() -> None:
    row = _row("ofofo")
    for text, expected in (("new", False), ("persistent:1", False), ("any", True)):
        health = updated(row, FAILED, 2e9, FailOn.parse(text))
        assert health.flaky, text
        assert health.counts is expected, text


def test_an_ok_result_resets_the_streak() -> None:
    health = updated(_row("fff", streak=3), OK, 2e9, FailOn.parse("new"))
    assert health.consecutive_failures == 0
    assert health.first_failed_at is None
    assert health.last_ok_at is not None
    assert not health.new


@pytest.mark.parametrize("mode", list(FailOnMode))
def test_every_fail_on_mode_is_wired(mode: FailOnMode) -> None:
    rule = FailOn.parse(mode.value if mode is not FailOnMode.PERSISTENT else "persistent:2")
    assert rule.mode is mode
    assert counts(rule, failed=False, new=False, streak=0, flaky=False)
    assert isinstance(counts(rule, failed=True, new=True, streak=5, flaky=False), bool)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "none",
        "persistent",
        "persistent:",
        "persistent:0",
        "persistent:-1",
        "persistent:99999",
        "new:3",
        "persistent:٣",
        "any\n"[:-1] + "\0",
    ],
)
def test_hostile_fail_on_values_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="fail_on"):
        Settings(cache=True, fail_on=text)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=60))
def test_any_max_cache_age_text_is_a_bounded_duration_or_refused(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        message = str(exc)
    else:
        assert 0 <= seconds <= MAX_DURATION
        return
    assert "\n" not in message


@pytest.mark.parametrize("text", ["-1d", "nan", "inf", "1e999", "9" * 400 + "d", "1d;DROP"])
def test_hostile_max_cache_age_is_refused_by_settings(text: str) -> None:
    with pytest.raises(ValueError, match="max_cache_age"):
        Settings(max_cache_age=text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, 1e300])
def test_hostile_numeric_max_cache_age_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="max_cache_age"):
        Settings(max_cache_age=value)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.binary(max_size=260), st.integers(min_value=1, max_value=60))
def test_outcomes_read_from_the_bytes_agree_with_the_decoded_history(
    blob: bytes, last: int
) -> None:
    """Hostile: any bytes another program left in a history, torn records too."""
    from checker.store.codec import history, outcomes

    assert outcomes(blob, last) == [check.ok for check in history(blob, 1.8e9)][-last:]


def test_flips_counts_changes_between_neighbours() -> None:
    from checker.store.health import flips

    assert flips([]) == 0
    assert flips([True]) == 0
    assert flips([True, False, False, True, True, False]) == 3
