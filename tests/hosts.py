"""Loopback hosts that record what they saw, for the per-host tests
(test_hostpolicy.py, test_hostlimit.py).

Two hosts are two loopback addresses, 127.0.0.1 and 127.0.0.2 (all of
127/8 is loopback on Linux); two ports on one address are two origins of one
host. Gaps are measured by each server's own timestamps, and only ever
bounded from below.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import RawTestServer

from checker.api import build_index, check
from checker.engine import Run
from checker.hoststats import HostStats
from checker.models import Result
from checker.settings import Settings

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]
# Server-side gaps may come out shorter than the client's by the jitter of
# the loopback round trip; this is the slack allowed for it.
SLACK = 0.05


class Host:
    """A server that records what it saw: path, headers, arrival time, concurrency."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler or _ok
        self.base = ""
        self.paths: list[str] = []
        self.methods: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        self.paths.append(request.path)
        self.methods.append(request.method)
        self.headers.append(dict(request.headers))
        self.times.append(time.monotonic())
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self.handler(request)
        finally:
            self.in_flight -= 1

    def url(self, path: str) -> str:
        return self.base + path

    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]

    def saw(self, name: str) -> list[str | None]:
        return [h.get(name) for h in self.headers]


async def _ok(request: web.BaseRequest) -> web.StreamResponse:
    return web.Response(text="ok")


Start = Callable[..., Awaitable[Host]]


@pytest.fixture(name="start")
async def start_fixture() -> AsyncIterator[Start]:
    """``await start(handler, address)`` serves a :class:`Host`; closed after the test."""
    servers: list[RawTestServer] = []

    async def go(handler: Handler | None = None, address: str = "127.0.0.1") -> Host:
        host = Host(handler)
        server = RawTestServer(host, host=address)
        await server.start_server()
        servers.append(server)
        host.base = str(server.make_url("")).rstrip("/")
        return host

    yield go
    for server in servers:
        await server.close()


async def run(urls: list[str], **options: Any) -> dict[str, Result]:
    options.setdefault("retries", 0)
    return {r.url: r async for r in check(urls, settings=Settings(**options))}


async def run_with_stats(
    urls: list[str], **options: Any
) -> tuple[list[Result], dict[str, HostStats]]:
    with build_index(urls) as index:
        engine = Run(Settings(host_stats=True, **options), index)
        results = [r async for r in engine.results()]
    assert engine.host_stats is not None
    return results, engine.host_stats
