"""Retry decisions and waits: what is retried, backoff, Retry-After in both forms, caps."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import retry
from checker.models import ErrorKind, Failure
from checker.retry import backoff, retry_after, should_retry, wait_before_retry

NOW = 1_700_000_000.0


@pytest.fixture
def real_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo conftest's zero backoff: these tests are about the real waits."""
    monkeypatch.setattr(retry, "BACKOFF_BASE", 1.0)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 599])
def test_retried_statuses(status: int) -> None:
    assert should_retry(status, None)


@pytest.mark.parametrize("status", [200, 204, 301, 400, 401, 403, 404, 405, 410, 499, 600, None])
def test_statuses_not_retried(status: int | None) -> None:
    assert not should_retry(status, None)


@pytest.mark.parametrize(
    ("kind", "retried"),
    [
        (ErrorKind.TIMEOUT, True),
        (ErrorKind.DISCONNECTED, True),
        (ErrorKind.DNS, False),
        (ErrorKind.TLS, False),
        (ErrorKind.INVALID_URL, False),
        (ErrorKind.UNSUPPORTED_SCHEME, False),
        (ErrorKind.CONNECT, False),
        (ErrorKind.PROTOCOL, False),
        (ErrorKind.TOO_MANY_REDIRECTS, False),
        (ErrorKind.BAD_REDIRECT, False),
    ],
)
def test_failures_retried_only_when_another_try_may_help(kind: ErrorKind, retried: bool) -> None:
    assert should_retry(None, Failure(kind, "x")) is retried


@pytest.mark.usefixtures("real_backoff")
@pytest.mark.parametrize(("attempt", "base"), [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)])
def test_backoff_starts_at_one_second_and_doubles_with_jitter(attempt: int, base: float) -> None:
    waits = [backoff(attempt, cap=1000) for _ in range(200)]
    assert all(base * 0.75 <= w <= base * 1.25 for w in waits)
    assert len(set(waits)) > 1, "no jitter"


@pytest.mark.usefixtures("real_backoff")
def test_backoff_is_capped() -> None:
    assert backoff(30, cap=5.0) == 5.0
    assert backoff(1, cap=0.0) == 0.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("0", 0.0), ("1", 1.0), ("120", 120.0), (" 7 ", 7.0), ("86400", 86400.0)],
)
def test_retry_after_in_seconds(header: str, seconds: float) -> None:
    assert retry_after(header, now=NOW) == seconds


def test_retry_after_as_an_http_date() -> None:
    header = formatdate(NOW + 30, usegmt=True)  # "Tue, 14 Nov 2023 22:13:50 GMT"
    assert header.endswith("GMT")
    assert retry_after(header, now=NOW) == pytest.approx(30.0)


def test_retry_after_date_in_the_past_means_now() -> None:
    assert retry_after(formatdate(NOW - 3600, usegmt=True), now=NOW) == 0.0


def test_retry_after_obsolete_date_formats() -> None:
    """RFC 9110 asks recipients to accept the RFC 850 and asctime forms too."""
    assert retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now=784111777.0 - 10) == 10.0
    assert retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now=784111777.0 - 10) == 10.0


def test_retry_after_date_uses_the_clock_by_default() -> None:
    waited = retry_after(formatdate(time.time() + 100, usegmt=True))
    assert waited is not None
    assert 98 <= waited <= 100


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "soon",
        "-5",
        "1.5",
        "3e2",
        "Mon, 99 Foo 2024 99:99:99 GMT",
        "\u0661",
        "\u00b2",
        # OverflowError inside the date parser: it ended the whole run.
        "Wed, 99999999999999999999 Dec 2025 00:00:00 GMT",
        "Wed, 01 Dec 99999999999999999999 00:00:00 GMT",
        "Wed, 01 Dec 2025 99999999999999999999:00:00 GMT",
    ],
)
def test_unusable_retry_after_is_ignored(header: str | None) -> None:
    assert retry_after(header, now=NOW) is None


@pytest.mark.usefixtures("real_backoff")
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_on_429_and_503(status: int) -> None:
    assert wait_before_retry(1, status, "7", cap=60) == 7.0
    date = formatdate(time.time() + 30, usegmt=True)
    assert 28 <= wait_before_retry(1, status, date, cap=60) <= 30


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_capped_by_max_retry_wait(status: int) -> None:
    assert wait_before_retry(1, status, "3600", cap=2.5) == 2.5
    assert wait_before_retry(1, status, formatdate(time.time() + 3600, usegmt=True), cap=2.5) == 2.5


@pytest.mark.usefixtures("real_backoff")
@pytest.mark.parametrize("status", [500, 502, 408, None])
def test_retry_after_is_ignored_on_other_statuses(status: int | None) -> None:
    """Only 429 and 503 are defined to carry a Retry-After worth obeying."""
    assert 0.75 <= wait_before_retry(1, status, "30", cap=60) <= 1.25


@pytest.mark.usefixtures("real_backoff")
def test_unparsable_retry_after_falls_back_to_backoff() -> None:
    assert 1.5 <= wait_before_retry(2, 429, "soon", cap=60) <= 2.5


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_retry_after_never_raises(header: str) -> None:
    """The header comes from the server: no value of it may crash a check."""
    waited = retry_after(header, now=NOW)
    assert waited is None or waited >= 0


_DATE_PARTS = st.sampled_from(
    [
        "Wed,",
        "01",
        "Dec",
        "2025",
        "00:00:00",
        "GMT",
        "+0000",
        "-9999",
        "99999999999999999999",
        "\x00",
    ]
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.text(max_size=80)
    | st.lists(_DATE_PARTS | st.text(max_size=8), max_size=8).map(" ".join)
    | st.integers(min_value=0).map(str)
)
def test_fuzz_any_retry_after_gives_a_usable_wait(header: str) -> None:
    """Whatever a server sends as Retry-After: no exception, and a wait that
    sleep() accepts, within --max-retry-wait."""
    seconds = retry_after(header, now=NOW)
    assert seconds is None or seconds >= 0
    for status in (429, 503):
        wait = wait_before_retry(1, status, header, cap=5.0)
        assert 0 <= wait <= 5.0
