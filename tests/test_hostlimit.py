"""The host limiter (hostlimit.py) on real servers: the request interval,
the adaptive backoff on 429 and 503, and bounded state. Servers: hosts.py.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from checker import hostlimit
from checker.hostlimit import HostLimiter
from checker.models import Outcome
from tests.hosts import (  # noqa: F401 - start_fixture provides the start fixture
    SLACK,
    Handler,
    Start,
    run,
    run_with_stats,
    start_fixture,
)

# --- request interval and adaptive backoff ----------------------------------


async def test_request_interval_spaces_requests_to_that_host(start: Start) -> None:
    a = await start()
    await run(
        [a.url(f"/{i}") for i in range(4)],
        method="get",
        hosts={"127.0.0.1": {"request_interval": 0.2, "concurrency": 4}},
    )
    assert len(a.times) == 4
    assert min(a.gaps()) >= 0.2 - SLACK


async def test_waiting_for_the_interval_is_not_under_the_timeout(start: Start) -> None:
    """With a gap longer than the timeout, every request still has its full timeout."""
    a = await start()
    results = await run(
        [a.url(f"/{i}") for i in range(3)],
        method="get",
        timeout=0.15,
        hosts={"127.0.0.1": {"request_interval": 0.3}},
    )
    assert [r.outcome for r in results.values()] == [Outcome.OK] * 3
    assert min(a.gaps()) >= 0.3 - SLACK


def _throttle_first(count: int, status: int = 429, retry_after: str | None = None) -> Handler:
    answered = 0

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal answered
        answered += 1
        if answered <= count:
            headers = {"Retry-After": retry_after} if retry_after else None
            return web.Response(status=status, headers=headers)
        return web.Response(text="ok")

    return handler


async def test_429_doubles_the_gap_and_success_relaxes_it_to_the_floor(start: Start) -> None:
    a = await start(_throttle_first(1))
    results, stats = await run_with_stats(
        [a.url(f"/{i}") for i in range(3)],
        method="get",
        retries=1,
        hosts={"127.0.0.1": {"request_interval": 0.2, "concurrency": 1}},
    )
    assert [r.outcome for r in results] == [Outcome.OK] * 3
    gaps = a.gaps()
    assert gaps[0] >= 0.4 - SLACK  # doubled after the 429
    assert min(gaps[1:]) >= 0.2 - SLACK  # relaxed, never below the floor
    host = stats["127.0.0.1"]
    assert (host.throttled, host.requests) == (1, 4)
    assert host.max_interval_s == pytest.approx(0.4)
    assert host.interval_s == pytest.approx(0.2)


async def test_503_backs_off_a_host_without_an_interval_and_relaxes_to_zero(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hostlimit, "BACKOFF_START", 0.2)
    a = await start(_throttle_first(2, status=503))
    results, stats = await run_with_stats(
        [a.url(f"/{i}") for i in range(2)] + [a.url("/later")],
        method="get",
        retries=2,
        per_host=1,
    )
    assert all(r.outcome is Outcome.OK for r in results)
    gaps = a.gaps()
    assert gaps[0] >= 0.2 - SLACK
    assert gaps[1] >= 0.4 - SLACK
    host = stats["127.0.0.1"]
    assert host.max_interval_s == pytest.approx(0.4)
    assert host.interval_s == 0  # 0.4 → 0.2 → below BACKOFF_START: back to none


async def test_backoff_honours_retry_after_up_to_the_cap(start: Start) -> None:
    a = await start(_throttle_first(1, retry_after="5"))
    _, stats = await run_with_stats(
        [a.url("/0"), a.url("/1")],
        method="get",
        retries=1,
        max_retry_wait=0.3,
        hosts={"127.0.0.1": {"request_interval": 0.1, "concurrency": 1}},
    )
    assert a.gaps()[0] >= 0.3 - SLACK
    assert stats["127.0.0.1"].max_interval_s == pytest.approx(0.3)


async def test_a_head_refused_with_429_is_counted_and_backs_the_host_off(
    start: Start,
) -> None:
    """--method auto: the HEAD's 429 used to be hidden by an immediate GET."""
    refused = False

    async def head_throttled_once(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal refused
        if request.method == "HEAD" and not refused:
            refused = True
            return web.Response(status=429)
        return web.Response(text="ok")

    a = await start(head_throttled_once)
    results, stats = await run_with_stats([a.url("/0")], retries=1, per_host=1)
    assert [r.outcome for r in results] == [Outcome.OK]
    assert a.methods == ["HEAD", "HEAD"]
    host = stats["127.0.0.1"]
    assert (host.throttled, host.requests) == (1, 2)
    assert host.max_interval_s > 0


# --- state stays bounded ----------------------------------------------------


async def test_unpaced_hosts_are_forgotten_and_paced_ones_swept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A host with no gap to keep is dropped when idle; one with a gap is kept
    until a sweep finds its gap over, so memory does not grow with the input."""
    monkeypatch.setattr(hostlimit, "_SWEEP_MIN", 4)
    limiter = HostLimiter(per_host=2)
    for i in range(10):
        async with limiter.slot(f"h{i}.example"):
            pass
    assert len(limiter) == 0
    async with limiter.slot("paced.example", interval=0.001):
        pass
    assert len(limiter) == 1
    for i in range(10):
        await asyncio.sleep(0.002)
        async with limiter.slot(f"p{i}.example", interval=0.001):
            pass
    assert len(limiter) <= 4
