"""Requests inside one attempt keep the host's gap (checker/scheduler/pacing.py):
redirect hops and the GET after a HEAD, on real servers; and a host refused
with nothing else in flight is never relaxed past the rate it admitted."""

from __future__ import annotations

from aiohttp import web

from checker.models import Outcome
from checker.scheduler.hosts import RELAX_EVERY, TRIP_MARGIN, Cause, Host
from tests.hosts import (  # noqa: F401 - start_fixture provides the start fixture
    SLACK,
    Start,
    run,
    start_fixture,
)


async def _chain(request: web.BaseRequest) -> web.StreamResponse:
    """/hop/N redirects to /hop/N-1 ... /hop/0 answers 200."""
    left = int(request.path.rsplit("/", 1)[1])
    if left:
        raise web.HTTPFound(f"/hop/{left - 1}")
    return web.Response(text="ok")


async def test_redirect_hops_keep_the_hosts_interval(start: Start) -> None:
    """A host that admits one request per 0.2 s: sent back to back, the three
    hops of a chain would break its budget (and a strict host refuses the last
    one, and every retry of it)."""
    a = await start(_chain)
    results = await run(
        [a.url("/hop/3"), a.url("/hop/0")],
        method="get",
        hosts={"127.0.0.1": {"request_interval": 0.2, "concurrency": 2}},
    )
    assert [r.outcome for r in results.values()] == [Outcome.OK] * 2
    assert len(a.times) == 5
    assert min(a.gaps()) >= 0.2 - SLACK


async def test_the_get_after_a_head_keeps_the_interval(start: Start) -> None:
    async def no_head(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=405 if request.method == "HEAD" else 200)

    a = await start(no_head)
    results = await run([a.url("/x")], method="auto", request_interval=0.3)
    assert [r.outcome for r in results.values()] == [Outcome.OK]
    assert a.methods == ["HEAD", "GET"]
    assert a.gaps()[0] >= 0.3 - SLACK


async def test_pacing_a_chain_is_not_under_the_timeout(start: Start) -> None:
    """Three hops 0.3 s apart take 0.9 s of waiting against a 0.5 s timeout:
    the waits are the host's, not the request's, so the chain ends in its 200."""
    a = await start(_chain)
    results = await run([a.url("/hop/3")], method="get", timeout=0.5, request_interval=0.3)
    assert [r.outcome for r in results.values()] == [Outcome.OK]
    assert len(a.times) == 4


def _rate_limited_after(host: Host, admitted: int, alone: bool) -> None:
    """``admitted`` requests 0.2 s apart answered, then one refused (Retry-After 1)."""
    t = 0.0
    for _ in range(admitted):
        host.started(t)
        host.ended(Cause.ANSWERED, t, t + 0.05, None, False)
        t += 0.2
    host.started(t)
    host.ended(Cause.RATE_LIMITED, t, t + 0.05, 1.0, False, alone=alone)


def test_a_rate_refusal_sets_the_floor_the_gap_relaxes_to() -> None:
    """4 admitted in the second before a refusal with nothing else in flight:
    the host's budget is under 5 a second, so relaxing stops above 0.25 s. The
    same refusal while others were in flight may be about concurrency: the
    gap may relax further (and the window was halved for it)."""
    for alone, floor in ((True, 0.25 * TRIP_MARGIN), (False, 0.0)):
        host = Host("h", 10, 0.0, None)
        _rate_limited_after(host, 4, alone)
        t = 10.0
        for _ in range(RELAX_EVERY * 40):  # long after: relaxed as far as it goes
            host.started(t)
            host.ended(Cause.ANSWERED, t, t + 0.05, None, False)
            t += 1.0
        assert abs(host.gap - floor) < 0.01 or (not alone and host.gap < 0.25), host.gap
