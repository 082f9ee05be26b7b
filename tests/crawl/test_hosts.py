"""Page reads are checks like any other: per-host limits and retries hold for them."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from aiohttp import web

from tests.conftest import ServerThread, run_cli


class Paced:
    """/p/N links to /p/0 … /p/19 (all HTML pages); /flaky is a 503 once, then a
    page linking to /after. Tracks the most requests ever in flight at once."""

    def __init__(self) -> None:
        self.inflight = 0
        self.most = 0
        self.gets: Counter[str] = Counter()

    async def handle(self, request: web.Request) -> web.Response:
        self.inflight += 1
        self.most = max(self.most, self.inflight)
        try:
            await asyncio.sleep(0.02)
            path = request.path
            if request.method == "GET":
                self.gets[path] += 1
            if path == "/flaky":
                if self.gets[path] == 1:
                    return web.Response(status=503)
                return web.Response(text='<a href="/after">x</a>', content_type="text/html")
            if path.startswith("/p/"):
                links = "".join(f'<a href="/p/{i}">x</a>' for i in range(20))
                return web.Response(text=links, content_type="text/html")
            return web.Response(text="ok")
        finally:
            self.inflight -= 1


def _serve() -> tuple[Paced, ServerThread]:
    site = Paced()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", site.handle)
    return site, ServerThread(app)


def test_page_reads_keep_the_per_host_limit() -> None:
    site, server = _serve()
    with server:
        result = run_cli(
            ["--crawl", "--per-host", "2", "-q", "--format", "jsonl", server.url("/p/0")]
        )
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len([r for r in records if "late_sources" not in r]) == 20
    assert sum(site.gets.values()) >= 20  # every page read
    assert site.most <= 2


def test_a_page_that_fails_once_is_read_on_its_retry() -> None:
    site, server = _serve()
    with server:
        result = run_cli(["--crawl", "--retries", "1", "--format", "jsonl", server.url("/flaky")])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_url = {r["url"]: r for r in records}
    assert by_url[server.url("/flaky")]["attempts"] == 2
    assert by_url[server.url("/after")]["outcome"] == "ok"  # its links were read
    assert site.gets["/flaky"] == 2
