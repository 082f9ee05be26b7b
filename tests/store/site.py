"""A loopback site whose answers the test sets between runs, counting requests."""

from __future__ import annotations

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
