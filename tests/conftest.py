"""Shared fixtures: real loopback servers, the aioresponses shim, and a CLI runner.

Every HTTP request a test makes goes to a server the test started on
127.0.0.1. Async tests use pytest-aiohttp's ``aiohttp_server`` /
``aiohttp_raw_server`` or :func:`raw_server`; synchronous CLI tests use
:class:`ServerThread`, because the CLI runs its own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Self
from unittest import mock

import pytest
from aiohttp import web

from checker import retry
from checker.models import Result
from checker.settings import Settings


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait 0 s in tests, as Sphinx's linkcheck tests patch their delays."""
    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.0)


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run the same on a GitHub runner: no annotations mixed into the
    text report, no writes to the real job summary. Tests of that behaviour
    set the variables themselves."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _no_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests reach their loopback servers directly even on a machine with a
    proxy configured, or a GitHub token; tests of those set the variables themselves."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    # On a GitHub runner this is set: github.com links would go to the API.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)


@pytest.fixture
def aioresponses_mock() -> Iterator[object]:
    """aioresponses with the aiohttp 3.14 shim (aioresponses issue #289).

    aiohttp 3.14 made ``stream_writer`` a required argument of ClientResponse,
    which aioresponses 0.7.9 does not pass; a subclass supplies a stub.
    """
    import aiohttp
    from aioresponses import aioresponses, core

    original = core.ClientResponse

    class ShimmedResponse(aiohttp.ClientResponse):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("stream_writer", mock.Mock(output_size=0))
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    core.ClientResponse = ShimmedResponse  # type: ignore[misc]
    try:
        with aioresponses() as mocked:
            yield mocked
    finally:
        core.ClientResponse = original  # type: ignore[misc]


class LoopThread:
    """A server on ``host``, run from its own thread and event loop.

    For synchronous tests (the CLI owns its event loop, so it cannot run
    inside a test's loop). ``host`` may be another loopback address, such as
    127.0.0.2 (all of 127/8 is loopback on Linux), for a second host name.
    A subclass starts its server in :meth:`_start` and stops it in :meth:`_stop`.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    async def _start(self) -> int:
        """Start serving on ``self.host``; return the port."""
        raise NotImplementedError

    async def _stop(self) -> None:
        """Stop serving, and let go of what the server still holds."""

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self.port = self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._stop())
        self._loop.close()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


class ServerThread(LoopThread):
    """An aiohttp app served from its own thread and loop (see :class:`LoopThread`)."""

    def __init__(self, app: web.Application, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.app = app
        self._runner = web.AppRunner(app, handle_signals=False)

    async def _start(self) -> int:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        return int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    async def _stop(self) -> None:
        await self._runner.cleanup()


class SlowSite:
    """For CLI and subprocess runs (with :class:`ServerThread`): ``/slow/*``
    waits until ``released`` (at most 10 s), ``/fail*`` answers 500, anything
    else 200. Polls rather than awaits an event: the test sets ``released``
    from another thread."""

    def __init__(self) -> None:
        self.released = False
        self.in_flight = 0
        self.done: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/slow"):
            self.in_flight += 1
            try:
                deadline = time.monotonic() + 10
                while not self.released and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
            finally:
                self.in_flight -= 1
        if request.path.startswith("/fail"):
            return web.Response(status=500)
        self.done.append(request.path)
        return web.Response()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], stdin: bytes = b"") -> CliResult:
    """Run ``urlcheck ARGS`` in-process, the way the console script does."""
    from checker.cli import main

    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    code = 0
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        mock.patch.object(sys, "stdin", fake_stdin),
    ):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
    return CliResult(code, out.getvalue(), err.getvalue())


def spawn_cli(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start ``python -m checker ARGS`` as a real process, stdout and stderr piped.

    For what only a process shows: signals, a closed pipe, a terminal.
    """
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    # Unbuffered pipes: a test that waits for a line with select() (read_line in
    # tests/cli/test_signals.py) must not find a second line already drawn into
    # a buffer by the readline before it, where select cannot see it.
    kwargs.setdefault("bufsize", 0)
    return subprocess.Popen([sys.executable, "-m", "checker", *args], **kwargs)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli


async def probe_url(url: str, settings: Settings | None = None, **options: object) -> Result:
    """Check one URL as a run does (gate, probe, containment, and the scheduler,
    which owns the retries) over the real session; ``options`` are Settings fields.

    Retries default to 0 here so that a test opts into them explicitly.
    """
    from checker.engine import Run
    from checker.targets import TargetIndex

    settings = settings or Settings.model_validate({"retries": 0, **options})
    with TargetIndex() as index:
        index.add([(url, "<arg>", 1, None)])
        results = [result async for result in Run(settings, index).results()]
    assert len(results) == 1
    return results[0]


RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def raw_server(handler: RawHandler) -> AsyncIterator[str]:
    """A raw asyncio TCP server on 127.0.0.1; yields its base URL.

    For replies no HTTP server would send: garbage, resets, hangs.
    """
    # Connections and handlers still open at the end are closed and stopped
    # here: left to the garbage collector, a transport warns (an error under
    # filterwarnings) inside whichever later test it is collected in.
    open_: dict[asyncio.StreamWriter, asyncio.Task[Any] | None] = {}

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        open_[writer] = asyncio.current_task()
        await handler(reader, writer)

    server = await asyncio.start_server(tracked, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for writer, task in open_.items():
            writer.close()
            if task is not None:
                task.cancel()
        for writer, task in open_.items():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(writer.wait_closed(), 2)
            if task is not None:
                with contextlib.suppress(BaseException):
                    await task
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)


@pytest.fixture
def slow_site() -> Iterator[tuple[SlowSite, ServerThread]]:
    """A SlowSite served from a thread; whatever a test leaves held is let go."""
    site = SlowSite()
    with ServerThread(site.app()) as server:
        try:
            yield site, server
        finally:
            site.released = True
