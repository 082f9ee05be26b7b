"""Loopback servers for the --workers tests: each counts the requests it has
in flight, and the most it ever had, per Host header."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from aiohttp import web

from checker.scheduler.hostkey import host_bucket
from tests.conftest import ServerThread

# 127.0.0.1, .5 and .6 fall in bucket 0 of 2; .2, .3 and .4 in bucket 1
# (checker/scheduler/hostkey.host_bucket): every worker of two gets hosts.
HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6")


class CountingSite:
    """``/slow/*`` holds until ``released``; ``/fail*`` answers 500 (``/fail-after/N``
    once N requests, itself included, are in flight); anything else 200 after
    ``delay`` seconds. Counts in flight per host."""

    def __init__(self, delay: float = 0.02) -> None:
        self.delay = delay
        self.released = False
        self.in_flight: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.served = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = request.host.rsplit(":", 1)[0]
        now = self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.most[host] = max(self.most.get(host, 0), now)
        try:
            if request.path.startswith(("/slow", "/fail-after/")):
                wanted = int(request.path.rsplit("/", 1)[1]) if "after" in request.path else 0
                for _ in range(3000):  # 60 s at most: a loaded machine starts workers slowly
                    if self.released if not wanted else self.holding() >= wanted:
                        break
                    await asyncio.sleep(0.02)
            else:
                await asyncio.sleep(self.delay)
        finally:
            self.in_flight[host] -= 1
        self.served += 1
        if request.path.startswith("/fail"):
            return web.Response(status=500)
        return web.Response()

    def holding(self) -> int:
        return sum(self.in_flight.values())


@contextlib.contextmanager
def serve(site: CountingSite, hosts: tuple[str, ...] = HOSTS) -> Iterator[list[ServerThread]]:
    """One server per loopback address, all answering from ``site``."""
    assert {host_bucket(h, 2) for h in hosts} == {0, 1} or len(hosts) < 2
    with contextlib.ExitStack() as stack:
        try:
            yield [stack.enter_context(ServerThread(site.app(), host)) for host in hosts]
        finally:
            site.released = True
