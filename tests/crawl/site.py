"""A generated site for crawl tests, served on loopback (tests/conftest.py ServerThread).

Every request is recorded in ``requests`` (method, path), so a test can say
what urlcheck read, what it only checked, and what it never asked for.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp import web

DEEP = 12  # /docs/deep/1 → /docs/deep/2 → … → /docs/deep/DEEP
BIG = 11 * 1024 * 1024  # over the 10 MB page cap


def page(*links: str, extra: str = "") -> str:
    anchors = "\n".join(f'<p><a href="{link}">{link}</a></p>' for link in links)
    head = "<!doctype html>\n<html><head><title>t</title></head><body>\n"
    return f"{head}{anchors}\n{extra}</body></html>\n"


class Site:
    def __init__(self, other: str = "") -> None:
        self.other = other  # the out-of-scope host's base URL, e.g. http://127.0.0.2:PORT
        self.requests: Counter[tuple[str, str]] = Counter()
        self.sitemap = True  # False: /sitemap.xml is a 404

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    def gets(self, path: str) -> int:
        return self.requests["GET", path]

    def asked(self, path: str) -> int:
        return sum(n for (_, p), n in self.requests.items() if p == path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests[request.method, path] += 1
        html = "text/html"
        match path:
            case "/robots.txt":
                return web.Response(text="User-agent: *\nDisallow: /docs/private/\n")
            case "/sitemap.xml" if self.sitemap:
                xml = (
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{request.url.origin()}/docs/orphan</loc></url></urlset>"
                )
                return web.Response(text=xml, content_type="application/xml")
            case "/docs/" | "/docs/index.html":
                links = [
                    "p1",
                    "p1",  # a duplicate on the same page
                    "/docs/p2",
                    "moved",
                    "deep/1",
                    "private/secret",
                    "big",
                    "missing",
                    "image.png",
                    "/outside/prefix",
                    f"{self.other}/elsewhere",
                    "#top",
                ]
                return web.Response(text=page(*links), content_type=html)
            case "/docs/p1":
                return web.Response(text=page("/docs/", "p2", "p1#part"), content_type=html)
            case "/docs/p2":
                return web.Response(text=page("p1", "leaf"), content_type=html)
            case "/docs/moved":
                raise web.HTTPMovedPermanently("/docs/p2")  # a page read under another URL
            case "/docs/leaf":
                # One page linked three ways, met at once (tests/crawl/test_site.py).
                links = ["anchors", "anchors#here", "anchors#gone"]
                return web.Response(text=page(*links), content_type=html)
            case "/docs/anchors":
                return web.Response(text=page(extra='<h2 id="here">h</h2>'), content_type=html)
            case "/docs/orphan":
                return web.Response(text=page("orphan-child"), content_type=html)
            case "/docs/private/secret":
                return web.Response(text=page("never-found"), content_type=html)
            case "/docs/big":
                return await self._big(request)
            case "/docs/missing":
                return web.Response(status=404, text="no")
            case "/docs/image.png":
                return web.Response(body=b"\x89PNG", content_type="image/png")
            case "/outside/prefix":
                return web.Response(text=page("/outside/never"), content_type=html)
        if path.startswith("/docs/deep/"):
            n = int(path.rsplit("/", 1)[1])
            # The deepest page links back to a 404 the seed linked long before:
            # a failure with a place found late (tests/crawl/test_engine.py).
            links = [f"{n + 1}"] if n < DEEP else ["/docs/missing"]
            return web.Response(text=page(*links), content_type=html)
        if path == "/docs/orphan-child":
            return web.Response(text=page(), content_type=html)
        return web.Response(status=404)

    async def _big(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(page("from-big").encode())
        chunk = b"<p>" + b"x" * 65_532 + b"</p>"
        try:
            for _ in range(BIG // len(chunk) + 1):
                await response.write(chunk)
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response


def other_app(site: Site) -> web.Application:
    """The out-of-scope host: its pages name links that must never be requested."""

    async def handle(request: web.Request) -> web.Response:
        site.requests[request.method, "other:" + request.path] += 1
        return web.Response(text=page("/never"), content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app
