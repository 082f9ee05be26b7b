"""Requests inside one attempt keep the host's gap (checker/scheduler/pacing.py):
redirect hops and the GET after a HEAD, on real servers; and a host refused
with nothing else in flight is never relaxed past the rate it admitted."""

from __future__ import annotations

from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import ErrorKind, Outcome
from checker.scheduler.hosts import RELAX_EVERY, TRIP_MARGIN, Cause, Host
from checker.scheduler.pacing import HOP_WAIT_CAP, HopPacer
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


async def test_a_redirect_loop_on_a_paced_host_ends_as_a_loop(start: Start) -> None:
    """Hostile: a host that redirects to itself for ever, with a gap. Every hop
    waits for the gap, and the chain still ends as too_many_redirects after
    --max-redirects hops, not as a timeout (the waits are not the request's)."""

    async def forever(request: web.BaseRequest) -> web.StreamResponse:
        n = int(request.path.rsplit("/", 1)[1])
        raise web.HTTPFound(f"/loop/{n + 1}")

    a = await start(forever)
    results = await run(
        [a.url("/loop/0")], method="get", timeout=0.3, request_interval=0.2, max_redirects=3
    )
    [result] = results.values()
    assert result.error is not None
    assert result.error.kind is ErrorKind.TOO_MANY_REDIRECTS
    assert len(a.times) == 4
    assert min(a.gaps()) >= 0.2 - SLACK


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    gap=st.floats(0, 1e9),
    blocked=st.one_of(st.just(float("-inf")), st.floats(-1e9, 1e12)),
    calls=st.lists(
        st.tuples(st.sampled_from(["h", "other", None]), st.floats(0, 100)), max_size=20
    ),
)
def test_a_hop_never_waits_past_the_cap_nor_moves_the_host_back(
    gap: float, blocked: float, calls: list[tuple[str | None, float]]
) -> None:
    """Whatever gap or Retry-After block the host has learnt (a hostile one
    asks for a year), a hop waits at most HOP_WAIT_CAP, and the host's last
    start only ever moves forward."""
    host = Host("h", 10, 0.0, None)
    host.gap, host.blocked_until = gap, blocked
    pacer = HopPacer(host)
    now = 0.0
    for name, step in calls:
        now += step
        before = host.last_start
        wait = pacer.delay(name, now)
        assert 0.0 <= wait <= HOP_WAIT_CAP
        assert host.last_start >= before
        if name != "h":
            assert wait == 0.0


def test_host_stats_in_the_report_carry_what_the_scheduler_learnt() -> None:
    """--host-stats through the CLI: the causes and modes the scheduler records
    (rate-limit steps, server errors, the window, HEAD's mode) reach the
    report, not only the request counts (they were dropped on the way: every
    host of the simulated web showed 0 steps, 0 server errors, window 0)."""
    import json

    from tests.conftest import ServerThread, run_cli

    seen: dict[str, int] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        seen[request.path] = seen.get(request.path, 0) + 1
        if request.method == "HEAD":
            return web.Response(status=405)
        if request.path == "/limited" and seen[request.path] == 2:
            return web.Response(status=429, headers={"Retry-After": "0"})
        if request.path == "/flaky" and seen[request.path] == 2:
            return web.Response(status=503)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    with ServerThread(app) as server:
        urls = [server.url("/limited"), server.url("/flaky"), server.url("/ok")]
        out = run_cli([*urls, "--retries", "1", "--host-stats", "--format", "json", "--no-config"])
    host = json.loads(out.stdout)["hosts"]["127.0.0.1"]
    assert host["ok"] == 3
    assert (host["throttled"], host["rate_limit_steps"], host["server_errors"]) == (1, 1, 1)
    assert host["concurrency"] >= 1
    assert host["head"] == "get-first"
