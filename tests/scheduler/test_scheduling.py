"""The scheduler against real servers on 127.0.0.1: dead hosts, black holes,
HEAD learning, fairness between hosts, and the limits as the server sees them.
The frontier's invariants under random host mixes are in test_frontier.py."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import RawTestServer

from checker.api import build_index
from checker.engine import Run
from checker.hoststats import HostStats
from checker.models import ErrorKind, Outcome, Result
from checker.settings import Settings
from tests.conftest import raw_server, run_cli

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


class Site:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.seen: list[tuple[str, str]] = []
        self.done: list[float] = []
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        self.seen.append((request.method, request.path))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await self.handler(request)
        finally:
            self.in_flight -= 1
            self.done.append(time.monotonic())


Serve = Callable[..., Awaitable[tuple[str, Site]]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    servers: list[RawTestServer] = []

    async def go(handler: Handler, address: str = "127.0.0.1") -> tuple[str, Site]:
        site = Site(handler)
        server = RawTestServer(site, host=address)
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/"), site

    yield go
    for server in servers:
        await server.close()


async def run(urls: list[str], **options: Any) -> tuple[list[Result], dict[str, HostStats]]:
    options.setdefault("retries", 0)
    with build_index(urls) as index:
        engine = Run(Settings(host_stats=True, **options), index)
        results = [r async for r in engine.results()]
    assert engine.host_stats is not None
    return results, engine.host_stats


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- one timeout per dead host ----------------------------------------------------


async def test_a_refusing_host_is_given_up_after_k_failures() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    urls = [f"{base}/{i}" for i in range(12)]
    results, stats = await run(urls, per_host=1, dead_host_after=3)
    assert all(r.outcome is Outcome.ERROR for r in results)
    assert all(r.error is not None and r.error.kind is ErrorKind.CONNECT for r in results)
    tried = [r for r in results if r.attempts]
    skipped = [r for r in results if not r.attempts]
    assert len(tried) == 3
    assert len(skipped) == 9
    assert {r.error.message for r in skipped if r.error} == {
        "host unreachable: 3 earlier attempts failed; not tried"
    }
    assert (stats["127.0.0.1"].requests, stats["127.0.0.1"].not_tried) == (3, 9)


async def test_dead_host_after_zero_tries_every_url() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    results, stats = await run([f"{base}/{i}" for i in range(6)], per_host=1, dead_host_after=0)
    assert all(r.attempts == 1 for r in results)
    assert stats["127.0.0.1"].requests == 6


async def test_a_success_resets_the_count(serve: Serve) -> None:
    """Failures that are not in a row never give the host up."""
    answers = iter([404, 200] * 20)

    async def alternate(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=next(answers))

    base, _ = await serve(alternate)
    dead = f"http://127.0.0.2:{closed_port()}"  # another host, which does die
    urls = [f"{base}/{i}" for i in range(10)] + [f"{dead}/{i}" for i in range(5)]
    results, _ = await run(urls, per_host=1, method="get", dead_host_after=1)
    by_host = {r.url: r for r in results}
    assert all(by_host[f"{base}/{i}"].attempts == 1 for i in range(10))
    assert sum(1 for i in range(5) if by_host[f"{dead}/{i}"].attempts == 0) == 4


async def test_a_black_hole_costs_k_timeouts_not_one_per_url() -> None:
    """Connects, reads the request, never answers: after 3 URLs timed out, the rest
    are not tried, and a timed-out URL is not retried once the host is given up."""
    connections = 0

    async def hole(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while await reader.read(1024):  # until the client gives up and closes
                pass
        finally:
            writer.close()

    async with raw_server(hole) as base:
        urls = [f"{base}/{i}" for i in range(10)]
        results, stats = await asyncio.wait_for(
            run(urls, timeout=0.3, retries=2, per_host=3, method="get"), 20
        )
    assert {(r.outcome, r.error and r.error.kind) for r in results} == {
        (Outcome.ERROR, ErrorKind.TIMEOUT)
    }
    not_tried = [r for r in results if r.attempts == 0]
    assert len(not_tried) >= 4  # the slow start doubles each second, retries go first
    assert connections <= 10
    assert stats["127.0.0.1"].not_tried == len(not_tried)


def test_dead_host_after_on_the_cli() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    args = ["--format", "json", "--per-host", "1", "--dead-host-after", "2"]
    result = run_cli([*args, *(f"{base}/{i}" for i in range(5))])
    assert result.exit_code == 1
    assert result.stdout.count("host unreachable: 2 earlier attempts failed; not tried") == 3
    bad = run_cli(["--dead-host-after", "-1", f"{base}/"])
    assert bad.exit_code == 2


# --- HEAD learnt per host -------------------------------------------------------


def _liar(head_status: int) -> Handler:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=head_status)
        return web.Response(status=404 if "missing" in request.path else 200)

    return handler


@pytest.mark.parametrize("head_status", [405, 501, 403, 404])
async def test_a_host_that_lies_on_head_gets_get_first(serve: Serve, head_status: int) -> None:
    base, site = await serve(_liar(head_status))
    urls = [f"{base}/{i}" for i in range(6)]
    results, stats = await run(urls, per_host=1)
    assert [r.outcome for r in results] == [Outcome.OK] * 6
    assert site.seen[:2] == [("HEAD", "/0"), ("GET", "/0")]
    assert [m for m, _ in site.seen[2:]] == ["GET"] * 5
    assert stats["127.0.0.1"].head == "get-first"


async def test_a_host_whose_head_failures_gget_confirmed_is_trusted(serve: Serve) -> None:
    base, site = await serve(_liar(404))  # HEAD says 404 and so does GET, on /missing
    urls = [f"{base}/missing/{i}" for i in range(6)]
    results, stats = await run(urls, per_host=1)
    assert [r.status for r in results] == [404] * 6
    methods = [m for m, _ in site.seen]
    assert methods == ["HEAD", "GET"] * 3 + ["HEAD"] * 3
    assert stats["127.0.0.1"].head == "trusted"


async def test_auto_strict_confirms_every_failing_head(serve: Serve) -> None:
    base, site = await serve(_liar(404))
    urls = [f"{base}/missing/{i}" for i in range(6)]
    await run(urls, per_host=1, method="auto-strict")
    assert [m for m, _ in site.seen] == ["HEAD", "GET"] * 6


# --- fairness and limits --------------------------------------------------------


async def test_a_slow_host_does_not_hold_back_a_fast_one(serve: Serve) -> None:
    """The slow host's URLs come first in the input and could fill every slot;
    the fast host's are done while the slow host is still being checked."""

    async def slow(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(0.5)
        return web.Response()

    async def fast(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response()

    slow_base, slow_site = await serve(slow)
    fast_base, fast_site = await serve(fast, "127.0.0.2")
    urls = [f"{slow_base}/{i}" for i in range(12)] + [f"{fast_base}/{i}" for i in range(40)]
    results, _ = await run(urls, per_host=2, concurrency=4, method="get")
    assert len(results) == 52
    assert max(fast_site.done) < max(slow_site.done)
    assert slow_site.peak <= 2
    assert fast_site.peak <= 2


async def test_per_host_limit_holds_with_many_urls_and_retries(serve: Serve) -> None:
    served = 0

    async def flaky(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal served
        served += 1
        await asyncio.sleep(0.02)
        return web.Response(status=503 if served % 3 == 0 else 200)

    base, site = await serve(flaky)
    results, _ = await run([f"{base}/{i}" for i in range(60)], per_host=4, retries=2)
    assert len(results) == 60
    assert site.peak <= 4
