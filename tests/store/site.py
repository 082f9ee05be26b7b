"""A loopback site whose answers the test sets between runs, counting requests."""

from __future__ import annotations

import asyncio

from aiohttp import web


class FlipSite:
    """``/<name>`` answers ``statuses[name]`` (200 when unset); ``hits``
    counts the requests each path got."""

    def __init__(self) -> None:
        self.statuses: dict[str, int] = {}
        self.hits: dict[str, int] = {}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{name:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        return web.Response(status=self.statuses.get(name, 200))

    @property
    def total(self) -> int:
        return sum(self.hits.values())


class SlowFlipSite(FlipSite):
    """A :class:`FlipSite` that takes ``delay`` seconds per answer, and never
    answers paths starting with ``hang`` (for a run killed while it waits)."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.released = False  # set by the test (from its thread) to let hanging paths go

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["name"].startswith("hang"):
            for _ in range(600):
                if self.released:
                    break
                await asyncio.sleep(0.05)
        elif self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle(request)
