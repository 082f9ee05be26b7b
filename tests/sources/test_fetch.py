"""The one fetch path (checker/sources/fetch.py): run's session, filters, caps.

Every server here is on 127.0.0.1. Waits are bounded generously; no test
asserts wall-clock time.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
from pathlib import Path

import pytest
from aiohttp import web

from checker.api import build_index
from checker.session import open_session
from checker.settings import Settings
from checker.sources import SourceError, read_sources
from checker.sources.fetch import Fetcher, FetchError
from tests.conftest import ServerThread, run_cli

URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'


def _urlset(*urls: str) -> bytes:
    return URLSET.format("".join(f"<url><loc>{u}</loc></url>" for u in urls)).encode()


def _index(*urls: str) -> bytes:
    locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return f"<sitemapindex>{locs}</sitemapindex>".encode()


class Site:
    """Routes by path; counts every request."""

    def __init__(self, routes: dict[str, object], default: object = None) -> None:
        self.routes = routes
        self.default = default
        self.requests: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        route = self.routes.get(request.path, self.default)
        if callable(route):
            return await route(request)  # type: ignore[no-any-return]
        if isinstance(route, bytes):
            return web.Response(body=route, content_type="application/xml")
        return web.Response(status=404)


@pytest.fixture
def warnings() -> list[str]:
    return []


def _read(specs: list[str], warnings: list[str], **options: object) -> list[str]:
    settings = Settings.model_validate(options)
    return [link.url for link in read_sources(specs, settings=settings, warn=warnings.append)]


def test_a_remote_sitemap_naming_a_local_file_never_makes_urlcheck_open_it(
    tmp_path: Path, warnings: list[str]
) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(_urlset("https://e.example/from-a-local-file"))
    site = Site({"/index.xml": _index(secret.as_uri(), "file:///etc/passwd")})
    with ServerThread(site.app()) as server:
        urls = _read([], warnings, sitemap=[server.url("/index.xml")])
    assert "https://e.example/from-a-local-file" not in urls
    assert urls == [secret.as_uri(), "file:///etc/passwd"]  # listed as links, never read
    assert len(warnings) == 2
    assert all("only http and https are fetched" in w for w in warnings)


def test_exclude_private_applies_to_sitemaps_also_with_dump() -> None:
    site = Site({"/index.xml": _urlset("https://e.example/a")})
    with ServerThread(site.app()) as server:
        result = run_cli(
            ["--no-config", "--exclude-private", "--sitemap", server.url("/index.xml"), "--dump"]
        )
    assert result.exit_code == 2
    assert "127.0.0.1 is a private address (--exclude-private)" in result.stderr
    assert site.requests == []


def test_a_redirect_is_asked_of_the_filters_too(warnings: list[str]) -> None:
    async def to_excluded(request: web.Request) -> web.Response:
        raise web.HTTPFound("/secret/sitemap.xml")

    site = Site({"/index.xml": to_excluded, "/secret/sitemap.xml": _urlset("https://e.example/")})
    with (
        ServerThread(site.app()) as server,
        pytest.raises(SourceError, match=r"redirected to .*/secret/sitemap\.xml: excluded"),
    ):
        _read([], warnings, sitemap=[server.url("/index.xml")], exclude=["secret"])
    assert site.requests == ["/index.xml"]


def test_a_sitemap_sent_one_byte_every_half_second_ends_at_the_total_cap(
    warnings: list[str],
) -> None:
    """Each byte arrives well within the read timeout; only a cap on the whole fetch ends it."""

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/xml"})
        await response.prepare(request)
        try:
            for byte in _urlset(*(f"https://e.example/{n}" for n in range(100))):
                await response.write(bytes([byte]))
                await asyncio.sleep(0.5)
        except ConnectionError:
            pass  # the client gave up: what the test wants
        return response

    site = Site({"/slow.xml": drip})
    with (
        ServerThread(site.app()) as server,
        pytest.raises(SourceError, match=r"took longer than 1 s \(--fetch-timeout\)"),
    ):
        _read([], warnings, sitemap=[server.url("/slow.xml")], fetch_timeout=1, timeout=5)


@pytest.mark.parametrize("encoded", [False, True])
def test_the_byte_cap_holds_on_the_wire_and_after_gunzip(encoded: bool) -> None:
    big = _urlset(*(f"https://e.example/{n:06}" for n in range(5000)))  # ~250 KB
    body = gzip.compress(big) if encoded else big
    assert len(body) < 100_000 or not encoded
    site = Site({"/big.xml": body})
    settings = Settings()
    with (
        ServerThread(site.app()) as server,
        Fetcher.private(settings, max_bytes=100_000) as fetch,
        pytest.raises(
            FetchError, match="larger than 100000 bytes" + (" once gunzipped" if encoded else "")
        ),
    ):
        fetch(server.url("/big.xml"))


def test_a_gzip_bomb_is_not_inflated_past_the_cap() -> None:
    bomb = gzip.compress(gzip.compress(b"<urlset>" + b" " * 20_000_000))  # two layers, ~20 MB
    site = Site({"/bomb.xml.gz": bomb})
    with (
        ServerThread(site.app()) as server,
        Fetcher.private(Settings(), max_bytes=1 << 20) as fetch,
        pytest.raises(FetchError, match="larger than 1 MB once gunzipped"),
    ):
        fetch(server.url("/bomb.xml.gz"))


async def _fan_out(request: web.Request) -> web.Response:
    """Every index names 50 sub-indexes, at every level."""
    base = f"http://{request.host}{request.path.removesuffix('.xml')}"
    return web.Response(body=_index(*(f"{base}-{n}.xml" for n in range(50))))


def test_an_index_fanning_out_at_every_level_ends_at_max_sitemaps(warnings: list[str]) -> None:
    site = Site({}, default=_fan_out)
    with ServerThread(site.app()) as server:
        urls = _read([], warnings, sitemap=[server.url("/i.xml")], max_sitemaps=30)
    assert len(site.requests) == 30
    assert len(urls) == 30 * 50  # every index read is listed in full
    limits = [w for w in warnings if "--max-sitemaps" in w]
    assert len(limits) == 1
    assert limits[0].startswith("sitemap limit reached: 30 sitemaps read (--max-sitemaps); ")
    nested = [w for w in warnings if "nested" in w]
    assert len(nested) == 1  # once for the run, not once per index (it was 978 at defaults)
    assert "sitemaps named under " + server.url("/i.xml") in nested[0]


def test_build_index_runs_bridged_into_a_running_loops_session() -> None:
    """The run driver's shape: its loop and session serve the fetches while
    the index is built in a worker thread."""
    site = Site({"/s.xml": _urlset("https://e.example/a", "https://e.example/b")})
    settings = Settings()

    async def main(url: str) -> list[str]:
        loop = asyncio.get_running_loop()
        async with open_session(settings) as session:
            fetch = Fetcher.bridged(loop, session, settings)
            with pytest.raises(RuntimeError, match="worker thread"):
                fetch(url)  # from the loop's own thread it would deadlock: refused
            sitemap_settings = settings.model_copy(update={"sitemap": (url,)})
            index = await asyncio.to_thread(build_index, (), (), sitemap_settings, fetch)
            with index:
                return [target.url for target in index]

    with ServerThread(site.app()) as server:
        assert asyncio.run(main(server.url("/s.xml"))) == [
            "https://e.example/a",
            "https://e.example/b",
        ]


def test_the_private_fetcher_leaves_no_thread_behind() -> None:
    site = Site({"/s.xml": _urlset("https://e.example/a")})
    before = {t.name for t in threading.enumerate()}
    with ServerThread(site.app()) as server:
        assert _read([], [], sitemap=[server.url("/s.xml")]) == ["https://e.example/a"]
    assert "urlcheck-fetch" not in {t.name for t in threading.enumerate()} - before


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://][@", "cannot fetch .*: (ValueError|IndexError|InvalidURL)"),
        ("file:///etc/passwd", "redirected to file:///etc/passwd: only http and https"),
        ("/loop", r"more than 3 redirects"),
    ],
)
def test_a_hostile_redirect_ends_the_fetch_with_its_reason(location: str, reason: str) -> None:
    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": location})

    site = Site({}, default=redirect)
    with (
        ServerThread(site.app()) as server,
        Fetcher.private(Settings(max_redirects=3)) as fetch,
        pytest.raises(FetchError, match=reason),
    ):
        fetch(server.url("/loop"))
    assert len(site.requests) <= 4
