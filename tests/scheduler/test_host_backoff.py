"""Per-host pacing by the scheduler (checker/scheduler/hosts.py) on real
servers: the request interval, and backoff by cause (rate limit, server
error). Bounded host state is tested in test_frontier.py. Servers: hosts.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

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


async def test_a_rate_limit_waits_what_the_host_asked_and_no_more(start: Start) -> None:
    """Retry-After is the wait asked for: the next request comes after it, not
    after a doubled or minute-long backoff (issue 10: it once grew to 60 s)."""
    a = await start(_throttle_first(1, retry_after="1"))
    results, stats = await run_with_stats(
        [a.url(f"/{i}") for i in range(3)],
        method="get",
        retries=1,
        hosts={"127.0.0.1": {"concurrency": 1}},
    )
    assert [r.outcome for r in results] == [Outcome.OK] * 3
    gaps = a.gaps()
    assert gaps[0] >= 1 - SLACK
    assert gaps[0] < 4  # generous: not 2 s doubled twice, nor 60 s
    host = stats["127.0.0.1"]
    assert (host.throttled, host.rate_limit_steps, host.requests) == (1, 1, 4)


async def test_a_burst_of_refusals_is_one_step(start: Start) -> None:
    """Two requests in flight both refused: the host is slowed once, not twice."""

    async def slow_429(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(0.2)
        first = len([t for t in seen if t < 0.5])
        seen.append(time.monotonic() - began)
        if first < 2:
            return web.Response(status=429, headers={"Retry-After": "0"})
        return web.Response(text="ok")

    seen: list[float] = []
    began = time.monotonic()
    a = await start(slow_429)
    results, stats = await run_with_stats(
        [a.url(f"/{i}") for i in range(2)], method="get", retries=1
    )
    assert [r.outcome for r in results] == [Outcome.OK] * 2
    host = stats["127.0.0.1"]
    assert host.throttled == 2
    assert host.rate_limit_steps == 1


async def test_503_with_retry_after_is_a_rate_limit(start: Start) -> None:
    a = await start(_throttle_first(1, status=503, retry_after="0"))
    _, stats = await run_with_stats([a.url("/0")], method="get", retries=1)
    host = stats["127.0.0.1"]
    assert (host.throttled, host.server_errors) == (1, 0)


async def test_5xx_without_retry_after_adds_to_the_gap_and_success_relaxes_it(
    start: Start,
) -> None:
    """A server error is not a rate limit. The first 5xx of a URL paces nothing
    (its retry may fix it: a cold cache); each retry that fails again adds 0.2 s
    to the host's gap, and the first normal answer ends it."""
    a = await start(_throttle_first(3, status=503))
    results, stats = await run_with_stats(
        [a.url("/0"), a.url("/later")], method="get", retries=3, per_host=1
    )
    assert all(r.outcome is Outcome.OK for r in results)
    gaps = a.gaps()
    assert gaps[1] >= 0.2 - SLACK
    assert gaps[2] >= 0.4 - SLACK
    host = stats["127.0.0.1"]
    assert (host.server_errors, host.throttled, host.rate_limit_steps) == (3, 0, 0)
    assert host.max_interval_s == pytest.approx(0.4)
    assert host.interval_s == 0  # ended by the first normal answer


async def test_a_long_retry_after_is_capped_for_the_host_too(start: Start) -> None:
    a = await start(_throttle_first(1, retry_after="5"))
    await asyncio.wait_for(
        run_with_stats(
            [a.url("/0"), a.url("/1")],
            method="get",
            retries=1,
            max_retry_wait=0.3,
            hosts={"127.0.0.1": {"request_interval": 0.1, "concurrency": 1}},
        ),
        10,
    )
    assert 0.3 - SLACK <= a.gaps()[0] < 4


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
    assert host.rate_limit_steps == 1
