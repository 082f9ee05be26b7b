"""Remote anchors (--fragments all) against real loopback servers.

``Site`` counts every request it answers, so each test can prove how many
requests a page cost: one GET per page, however many fragments of it are
linked, and none when no fragment needs the page.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.anchors.remote import pages_with_fragments
from tests.conftest import ServerThread, probe_url, run_cli

PAGE = '<h1 id="intro">Intro</h1><a name="legacy"></a><h2 id="installation">I</h2>'


class Site:
    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        self.failures_left = 0  # /flaky answers 503 this many times first

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append((request.method, request.path))
        path = request.path
        if path in {"/page", "/slow"}:
            if path == "/slow":
                await asyncio.sleep(0.3)
            return web.Response(text=PAGE, content_type="text/html")
        if path == "/old":
            raise web.HTTPFound("/page")
        if path == "/gone":
            return web.Response(status=404, text=PAGE, content_type="text/html")
        if path == "/doc.pdf":
            return web.Response(body=b"%PDF-1.4 id=intro", content_type="application/pdf")
        if path == "/xhtml":
            return web.Response(text=PAGE, content_type="application/xhtml+xml")
        if path == "/broken-html":
            body = b"\x00\xff<div <<id=x><p id=found><table><td id=cell class='unterminated>"
            return web.Response(body=body, content_type="text/html", charset="bogus-charset")
        if path == "/huge":  # chunked: no Content-Length to refuse it by
            resp = web.StreamResponse(headers={"Content-Type": "text/html"})
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            await resp.write(b'<a id="intro"></a>')
            for _ in range(64):
                await resp.write(b"<p>" + b"x" * 1024)
            return resp
        if path == "/drip":  # headers, then a byte now and then, for up to 10 s
            resp = web.StreamResponse(headers={"Content-Type": "text/html"})
            await resp.prepare(request)
            for _ in range(100):
                await resp.write(b"<p id=intro>")
                await asyncio.sleep(0.1)
            return resp
        if path == "/blob":  # github.com's file view: rendered Markdown inside JSON
            payload = '{"richText":"<h2 id=\\"user-content-setup\\">Setup</h2>"}'
            body = f'<script type="application/json">{payload}</script>'
            return web.Response(text=body, content_type="text/html")
        if path == "/gzipped":  # compressed though the client asked for no encoding
            body = gzip.compress(PAGE.encode())
            headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
            return web.Response(body=body, headers=headers)
        if path == "/flaky":
            if self.failures_left > 0:
                self.failures_left -= 1
                return web.Response(status=503)
            return web.Response(text=PAGE, content_type="text/html")
        return web.Response(text=PAGE, content_type="text/html")


@pytest.fixture
def site() -> Iterator[tuple[Site, ServerThread]]:
    served = Site()
    with ServerThread(served.app()) as server:
        yield served, server


def _check(urls: list[str], *args: str) -> tuple[int, dict[str, dict[str, Any]]]:
    stdin = "\n".join(urls).encode()
    result = run_cli(
        ["--format", "json", "--fragments", "all", "--retries", "0", *args, "-"], stdin
    )
    assert result.exit_code in (0, 1), result.stderr
    results = {r["url"]: r for r in json.loads(result.stdout)["results"]}
    assert len(results) == len(urls)
    return result.exit_code, results


def test_one_get_per_page_however_many_fragments(site: tuple[Site, ServerThread]) -> None:
    served, server = site
    page = server.url("/page")
    urls = [page, page + "#intro", page + "#legacy", page + "#instalation", page + "#top"]
    code, results = _check(urls)
    assert served.hits == [("GET", "/page")]  # one request, parsed once, for five results
    assert code == 1
    assert [results[u]["outcome"] for u in urls] == ["ok", "ok", "ok", "broken", "ok"]
    missing = results[page + "#instalation"]
    assert missing["status"] == 200
    assert missing["error"] == {
        "kind": "missing_fragment",
        "message": "no anchor #instalation; did you mean #installation?",
    }


def test_concurrent_fragments_of_a_slow_page_share_its_get(
    site: tuple[Site, ServerThread],
) -> None:
    served, server = site
    urls = [server.url(f"/slow#{name}") for name in ("intro", "legacy", "x", "y", "z")]
    _check(urls, "-c", "50", "--per-host", "10")
    assert served.hits == [("GET", "/slow")]


def test_a_page_is_read_only_when_a_fragment_needs_it(site: tuple[Site, ServerThread]) -> None:
    served, server = site
    code, _ = _check([server.url("/alone"), server.url("/other#top"), server.url("/spa#/route")])
    assert code == 0
    assert sorted(served.hits) == [("HEAD", "/alone"), ("HEAD", "/other"), ("HEAD", "/spa")]


def test_anchors_through_a_redirect(site: tuple[Site, ServerThread]) -> None:
    served, server = site
    found, lost = server.url("/old#installation"), server.url("/old#nowhere")
    code, results = _check([found, lost])
    assert code == 1
    assert results[found]["outcome"] == "ok"
    assert results[found]["final_url"] == server.url("/page")
    assert results[lost]["error"]["kind"] == "missing_fragment"
    assert served.hits == [("GET", "/old"), ("GET", "/page")]


def test_a_missing_page_is_broken_by_its_status_not_its_anchor(
    site: tuple[Site, ServerThread],
) -> None:
    _, server = site
    url = server.url("/gone#intro")
    _, results = _check([url])
    assert results[url]["outcome"] == "broken"
    assert results[url]["status"] == 404
    assert results[url]["error"] is None


def test_pages_that_cannot_be_read_keep_their_status_and_say_so(
    site: tuple[Site, ServerThread],
) -> None:
    _, server = site
    pdf, huge, drip = server.url("/doc.pdf#intro"), server.url("/huge#nope"), server.url("/drip#x")
    gzipped = server.url("/gzipped#nope")
    options = ("--max-page-size", "16384", "--timeout", "1")
    code, results = _check([pdf, huge, drip, gzipped], *options)
    assert code == 0
    for url, why in (
        (pdf, "not an HTML page (application/pdf)"),
        (huge, "larger than --max-page-size (16384 bytes)"),
        (drip, "still arriving at the timeout"),
        (gzipped, "compressed (gzip)"),
    ):
        assert results[url]["outcome"] == "ok", url
        assert results[url]["status"] == 200
        assert why in results[url]["reason"], url
        assert "anchors not verified" in results[url]["reason"]


def test_xhtml_and_broken_html_are_read(site: tuple[Site, ServerThread]) -> None:
    _, server = site
    urls = [server.url("/xhtml#legacy"), server.url("/broken-html#found")]
    swallowed = server.url("/broken-html#cell")  # a tag cut off by the end: browsers drop it
    _, results = _check([*urls, swallowed])
    assert [results[url]["outcome"] for url in urls] == ["ok", "ok"]
    assert results[swallowed]["error"]["kind"] == "missing_fragment"


def test_user_content_ids_inside_a_script_count(site: tuple[Site, ServerThread]) -> None:
    _, server = site
    found, lost = server.url("/blob#setup"), server.url("/blob#install")
    code, results = _check([found, lost])
    assert code == 1
    assert results[found]["outcome"] == "ok"
    assert results[lost]["error"]["kind"] == "missing_fragment"


def test_a_retried_page_is_requested_once_per_try(site: tuple[Site, ServerThread]) -> None:
    served, server = site
    served.failures_left = 1
    urls = [server.url("/flaky#intro"), server.url("/flaky#legacy")]
    code, results = _check(urls, "--retries", "1")
    assert code == 0, results
    assert served.hits == [("GET", "/flaky"), ("GET", "/flaky")]


def test_a_host_table_turns_fragment_checks_off(
    site: tuple[Site, ServerThread], tmp_path: Path
) -> None:
    served, server = site
    config = tmp_path / "urlcheck.toml"
    config.write_text(f'[hosts."{server.host}"]\nfragments = false\n', encoding="utf-8")
    code, results = _check([server.url("/page#nowhere")], "--config", str(config))
    assert code == 0, results
    assert served.hits == [("HEAD", "/page")]


def test_fragments_local_leaves_remote_anchors_alone(site: tuple[Site, ServerThread]) -> None:
    served, server = site
    code, _ = _check([server.url("/page#nowhere")], "--fragments", "local")
    assert code == 0
    assert served.hits == [("HEAD", "/page")]


def test_the_index_names_the_pages_with_fragments() -> None:
    pages = pages_with_fragments(
        ["http://a.example/p#x", "http://a.example/q#top", "file:///x#y", "http://b.example/#:~:t"]
    )
    assert pages == {"http://a.example/p"}


_FRAGMENTS = st.text(max_size=30) | st.binary(max_size=12).map(lambda b: b.hex("%").upper())


@pytest.fixture(scope="module")
def shared_site() -> Iterator[ServerThread]:
    with ServerThread(Site().app()) as server:
        yield server


@settings(max_examples=25, derandomize=True, deadline=None)
@given(fragment=_FRAGMENTS)
def test_odd_fragments_are_judged_never_crash(shared_site: ServerThread, fragment: str) -> None:
    url = shared_site.url("/page") + "#" + fragment
    result = asyncio.run(probe_url(url, fragments="all"))
    assert result.outcome in ("ok", "broken", "error"), result
    if result.error is not None:
        assert result.error.kind in ("missing_fragment", "invalid_url"), result.error
