"""A small site on loopback and a URL list that yields every outcome but
cancelled: ok, broken (twice, on two lines), error (connection refused) and
excluded. Each format's end-to-end test runs the real CLI over it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import CliResult, ServerThread, run_cli

SECRET = "s3cret-header-value"


def refused_url() -> str:
    """A loopback port nobody listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


@dataclass
class Site:
    server: ServerThread
    urls: Path
    ok: str
    missing: str
    down: str
    excluded: str

    def run(self, fmt: str, *extra: str, source: str | None = None) -> CliResult:
        return run_cli(
            [
                source or str(self.urls),
                "--format",
                fmt,
                "--retries",
                "0",
                "--exclude",
                "/excluded",
                "-H",
                f"X-Api-Key: {SECRET}",
                *extra,
            ]
        )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/ok", ok)
    with ServerThread(app) as server:
        urls = tmp_path / "urls.txt"
        s = Site(
            server,
            urls,
            ok=server.url("/ok"),
            missing=server.url("/missing"),
            down=refused_url(),
            excluded=server.url("/excluded"),
        )
        urls.write_text(f"{s.ok}\n{s.missing}\n{s.down}\n{s.missing}\n{s.excluded}\n")
        yield s
