"""Hostile pages for a crawl: garbage HTML, link floods, sites without end,
a page that never ends, a robots.txt that is not one. Each ends as results,
never a crash, a hang or a lost report."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ServerThread, run_cli

HTML = "text/html"


class Hostile:
    """Routes: /garbage (``body``), /flood, /gen/N (a site without end), /drip, robots.txt."""

    def __init__(self) -> None:
        self.body = b""
        self.robots: tuple[int, bytes] = (404, b"")
        self.gets: Counter[str] = Counter()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if request.method == "GET":
            self.gets[path] += 1
        if path == "/robots.txt":
            status, body = self.robots
            return web.Response(status=status, body=body, content_type="text/plain")
        if path == "/garbage":
            return web.Response(body=self.body, content_type=HTML)
        if path == "/flood":
            links = "".join(f'<a href="/f/{i % 5}">x</a>' for i in range(20_000))
            return web.Response(text=links, content_type=HTML)
        if path.startswith("/gen/"):
            n = int(path.rsplit("/", 1)[1] or 1)
            return web.Response(
                text=f'<a href="/gen/{2 * n}">a</a><a href="/gen/{2 * n + 1}">b</a>',
                content_type=HTML,
            )
        if path == "/drip":
            return await self._drip(request)
        return web.Response(text="ok", content_type="text/plain")

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": HTML})
        await response.prepare(request)
        try:
            await response.write(b'<a href="/from-drip">x</a>')
            for _ in range(600):  # a minute at most, a byte every 0.1 s
                await response.write(b" ")
                await asyncio.sleep(0.1)
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[Hostile, ServerThread]]:
    site = Hostile()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", site.handle)
    with ServerThread(app) as server:
        yield site, server


def crawl(server: ServerThread, path: str, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = run_cli(["--crawl", "--format", "jsonl", "--retries", "0", *args, server.url(path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, [r for r in records if "url" in r], result.stderr


_TOKENS = st.sampled_from(
    [
        "<a href=",
        '"',
        "'",
        ">",
        "</a>",
        "<base href=",
        "http://",
        "//",
        "[",
        "#",
        "?",
        "%",
        "\x00",
        "\ufffd",
        "<img srcset=",
        ", ",
        "javascript:",
        "<!--",
        "<script>",
        "<meta http-equiv=refresh content='0;url=",
        "<div>" * 50,
        "../" * 20,
        "x" * 300,
        "\n",
    ]
)


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(_TOKENS, max_size=60).map("".join), st.binary(max_size=64))
def test_garbage_html_is_read_without_a_crash(
    hostile: tuple[Hostile, ServerThread], text: str, noise: bytes
) -> None:
    site, server = hostile
    site.body = text.encode("utf-8", "surrogatepass") + noise
    code, results, stderr = crawl(server, "/garbage", "--depth", "0", "--timeout", "2")
    assert code in (0, 1), stderr
    assert "internal" not in stderr
    seed = [r for r in results if r["url"] == server.url("/garbage")]
    assert seed[0]["outcome"] == "ok"
    assert len({r["url"] for r in results}) == len(results)


def test_a_link_flood_is_one_url_per_link_with_every_place_counted(
    hostile: tuple[Hostile, ServerThread],
) -> None:
    _, server = hostile
    code, results, _ = crawl(server, "/flood")
    assert code == 0
    flooded = [r for r in results if "/f/" in r["url"]]
    assert len(flooded) == 5
    for result in flooded:
        assert result["sources_total"] == 4000
        assert len(result["sources"]) <= 100


def test_a_site_without_end_stops_at_max_pages(hostile: tuple[Hostile, ServerThread]) -> None:
    site, server = hostile
    site.gets.clear()
    code, results, _ = crawl(server, "/gen/1", "--max-pages", "40")
    assert code == 0
    read = sum(n for path, n in site.gets.items() if path.startswith("/gen/"))
    assert read == 40  # pages read with GET; the rest only checked (HEAD)
    assert len(results) > 40


def test_a_site_without_end_stops_at_depth(hostile: tuple[Hostile, ServerThread]) -> None:
    site, server = hostile
    site.gets.clear()
    code, results, _ = crawl(server, "/gen/1", "--depth", "3")
    assert code == 0
    read = {path for path in site.gets if path.startswith("/gen/")}
    assert len(read) == 1 + 2 + 4 + 8  # depths 0 to 3
    assert len(results) == 1 + 2 + 4 + 8 + 16  # and depth 4, checked


def test_a_page_that_never_ends_is_cut_off(hostile: tuple[Hostile, ServerThread]) -> None:
    _, server = hostile
    code, results, _ = crawl(server, "/drip", "--timeout", "1")
    assert code == 0
    drip = results[0]
    assert drip["outcome"] == "ok"
    assert drip["reason"].startswith("page not read")
    assert [r["url"] for r in results] == [server.url("/drip")]


@pytest.mark.parametrize(
    ("status", "body", "read"),
    [
        (500, b"", False),  # RFC 9309: a server error disallows everything
        (200, b"User-agent: *\nDisallow: /\n" + b"#" * 1_000_000, False),  # over the cap
        (200, b"\x00\xff garbage \n Disallow", True),  # nothing it says applies
        (404, b"", True),
    ],
)
def test_a_robots_txt_that_is_not_one(
    hostile: tuple[Hostile, ServerThread], status: int, body: bytes, read: bool
) -> None:
    site, server = hostile
    site.robots = (status, body)
    site.gets.clear()
    try:
        code, results, stderr = crawl(server, "/gen/1", "--depth", "1")
    finally:
        site.robots = (404, b"")
    assert code == 0
    assert (site.gets["/gen/1"] == 1) is read
    assert results[0]["outcome"] == "ok"
    if status == 500:
        assert "robots.txt answered 500" in stderr
