"""The probe against real servers on 127.0.0.1: methods, redirects, retries, failures.

Each test starts its own server; the server's own records (requests seen,
timestamps, bytes sent, requests in flight) are what the assertions rest on.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import RawTestServer

from checker import session as session_module
from checker.api import check
from checker.models import ErrorKind, Outcome, Result
from checker.settings import Settings
from tests.conftest import probe_url, raw_server

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


class Recorder:
    """Wraps a handler and records what the server saw."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.seen: list[tuple[str, str]] = []
        self.times: list[float] = []
        self.headers: list[dict[str, str]] = []

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        self.seen.append((request.method, request.path_qs))
        self.times.append(time.monotonic())
        self.headers.append(dict(request.headers))
        return await self.handler(request)

    @property
    def methods(self) -> list[str]:
        return [method for method, _ in self.seen]


@pytest.fixture
def serve(aiohttp_raw_server: Any) -> Callable[[Handler], Awaitable[tuple[str, Recorder]]]:
    """Start a raw aiohttp server (any method, any path); returns its base URL and recorder."""

    async def start(handler: Handler) -> tuple[str, Recorder]:
        recorder = Recorder(handler)
        server = await aiohttp_raw_server(recorder)
        return str(server.make_url("")).rstrip("/"), recorder

    return start


Serve = Callable[[Handler], Awaitable[tuple[str, Recorder]]]


def status(code: int, **headers: str) -> Handler:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=code, headers=headers)

    return handler


def by_method(head: int, get: int) -> Handler:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=head if request.method == "HEAD" else get)

    return handler


def sequence(*replies: tuple[int, dict[str, str]]) -> Handler:
    """Answer each request with the next reply; the last one repeats."""
    served = 0

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal served
        code, headers = replies[min(served, len(replies) - 1)]
        served += 1
        return web.Response(status=code, headers=headers)

    return handler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- method: HEAD first, GET to confirm -------------------------------------------


async def test_ok_head_needs_no_get(serve: Serve) -> None:
    base, server = await serve(status(200))
    result = await probe_url(base + "/page")
    assert (result.outcome, result.status, result.attempts) == (Outcome.OK, 200, 1)
    assert result.final_url == base + "/page"
    assert result.redirects == []
    assert result.error is None
    assert result.elapsed_ms is not None
    assert server.methods == ["HEAD"]


@pytest.mark.parametrize("head", [405, 404, 500, 403])
async def test_head_that_fails_or_lies_is_confirmed_with_get(serve: Serve, head: int) -> None:
    base, server = await serve(by_method(head=head, get=200))
    result = await probe_url(base + "/", retries=2)
    assert (result.outcome, result.status, result.attempts) == (Outcome.OK, 200, 1)
    assert server.methods == ["HEAD", "GET"]


def _head_throttled_once(code: int, retry_after: str) -> Handler:
    refused = False

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal refused
        if request.method == "HEAD" and not refused:
            refused = True
            return web.Response(status=code, headers={"Retry-After": retry_after})
        return web.Response(text="ok")

    return handler


@pytest.mark.parametrize("code", [429, 503])
async def test_head_refused_with_a_throttle_is_retried_after_the_wait_not_confirmed_at_once(
    serve: Serve, code: int
) -> None:
    """The host asked us to slow down: no GET 2 ms later, but the retry path,
    which waits as Retry-After asks (up to --max-retry-wait)."""
    base, server = await serve(_head_throttled_once(code, "1"))
    result = await probe_url(base + "/", retries=1, max_retry_wait=0.3)
    assert (result.outcome, result.status, result.attempts) == (Outcome.OK, 200, 2)
    assert server.methods == ["HEAD", "HEAD"]
    assert server.times[1] - server.times[0] >= 0.25


async def test_head_refused_with_a_throttle_and_no_retries_left_reports_it(
    serve: Serve,
) -> None:
    base, server = await serve(status(429))
    result = await probe_url(base + "/", retries=0)
    assert (result.outcome, result.status, result.attempts) == (Outcome.BROKEN, 429, 1)
    assert server.methods == ["HEAD"]


async def test_really_broken_url_is_broken_after_get(serve: Serve) -> None:
    base, server = await serve(status(404))
    result = await probe_url(base + "/gone")
    assert (result.outcome, result.status, result.error) == (Outcome.BROKEN, 404, None)
    assert server.methods == ["HEAD", "GET"]


async def test_method_head_never_sends_get(serve: Serve) -> None:
    base, server = await serve(by_method(head=405, get=200))
    result = await probe_url(base + "/", method="head")
    assert (result.outcome, result.status) == (Outcome.BROKEN, 405)
    assert server.methods == ["HEAD"]


async def test_method_get_never_sends_head(serve: Serve) -> None:
    base, server = await serve(by_method(head=405, get=200))
    result = await probe_url(base + "/", method="get")
    assert result.outcome is Outcome.OK
    assert server.methods == ["GET"]


async def test_accepted_statuses_are_judged_on_the_final_status(serve: Serve) -> None:
    base, server = await serve(status(403))
    result = await probe_url(base + "/", accept="200..299,403")
    assert (result.outcome, result.status) == (Outcome.OK, 403)
    assert server.methods == ["HEAD"], "an accepted HEAD needs no GET"


async def test_user_agent_is_sent(serve: Serve) -> None:
    base, server = await serve(status(200))
    await probe_url(base + "/")
    await probe_url(base + "/", user_agent="my-bot/1")
    assert server.headers[0]["User-Agent"].startswith("urlcheck/")
    assert server.headers[1]["User-Agent"] == "my-bot/1"


# --- bodies are never downloaded -------------------------------------------------

BIG = 200 * 1024 * 1024


class BigBody:
    """A raw server whose GET would send 200 MB; it counts the bytes it managed to send."""

    def __init__(self, chunked: bool = False) -> None:
        self.chunked = chunked
        self.sent = 0
        self.methods: list[bytes] = []
        self.finished = asyncio.Event()

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method = head.split(b" ", 1)[0]
                self.methods.append(method)
                if method == b"HEAD":
                    writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                await self._send_body(writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.finished.set()
            writer.close()

    async def _send_body(self, writer: asyncio.StreamWriter) -> None:
        chunk = b"x" * 65536
        if self.chunked:
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % BIG)
            frame = chunk
        while self.sent < BIG:
            writer.write(frame)
            await writer.drain()
            self.sent += len(chunk)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("method", ["auto", "get"])
async def test_a_200_mb_body_is_not_downloaded(chunked: bool, method: str) -> None:
    body = BigBody(chunked)
    async with raw_server(body) as base:
        result = await asyncio.wait_for(probe_url(base + "/big", method=method), 10)
        await asyncio.wait_for(body.finished.wait(), 10)
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert b"GET" in body.methods
    # Kernel socket buffers absorb a few MB after the client stops reading.
    assert body.sent < 32 * 1024 * 1024, f"server sent {body.sent} bytes"


async def test_small_bodies_are_read_so_the_connection_is_reused() -> None:
    """aiohttp reuses a connection only once its body was read to the end, so
    an unread body forces a reconnect; a small one is drained."""
    connections = 0
    requests = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections, requests
        connections += 1
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                requests += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"y" * 1000)
                await writer.drain()
        writer.close()

    async with raw_server(handler) as base:
        urls = [f"{base}/{n}" for n in range(5)]
        settings = Settings(method="get", concurrency=1, retries=0)  # type: ignore[arg-type]
        results = [r async for r in check(urls, settings=settings)]
    assert [r.outcome for r in results] == [Outcome.OK] * 5
    assert (requests, connections) == (5, 1)


async def test_a_truncated_body_does_not_change_the_status() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nonly this")
        await writer.drain()
        writer.close()

    async with raw_server(handler) as base:
        result = await probe_url(base + "/", method="get")
    assert (result.outcome, result.status) == (Outcome.OK, 200)


# --- redirects --------------------------------------------------------------------


async def hops(request: web.BaseRequest) -> web.StreamResponse:
    """/hop/N redirects to /hop/N-1 (relative Location); /hop/0 answers 200."""
    n = int(request.path.rsplit("/", 1)[1])
    if n == 0:
        return web.Response(status=200)
    return web.Response(status=301 + n % 2, headers={"Location": f"{n - 1}"})


async def test_redirect_chain_is_recorded(serve: Serve) -> None:
    base, server = await serve(hops)
    result = await probe_url(base + "/hop/3")
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert result.redirects == [base + "/hop/2", base + "/hop/1", base + "/hop/0"]
    assert result.final_url == base + "/hop/0"
    assert result.url == base + "/hop/3"
    assert server.methods == ["HEAD"] * 4


async def test_no_redirects_followed_and_3xx_accepted_reports_the_3xx_as_ok(
    serve: Serve,
) -> None:
    """``--max-redirects 0 --accept 200..399``: the 302 itself is the answer."""
    base, server = await serve(hops)
    result = await probe_url(f"{base}/hop/1", max_redirects=0, accept="200..399")
    assert (result.outcome, result.status, result.error) == (Outcome.OK, 302, None)
    assert result.redirects == []
    assert server.seen == [("HEAD", "/hop/1")]


async def test_no_redirects_followed_and_3xx_not_accepted_is_broken_with_the_3xx(
    serve: Serve,
) -> None:
    """``--max-redirects 0`` follows nothing: a 3xx outside --accept is broken, and is
    the status the server gave, not a made-up too_many_redirects."""
    base, server = await serve(hops)
    result = await probe_url(f"{base}/hop/1", max_redirects=0)
    assert (result.outcome, result.status, result.error) == (Outcome.BROKEN, 302, None)
    assert "/hop/0" not in {path for _, path in server.seen}


@pytest.mark.parametrize("limit", [1, 3])
async def test_exactly_max_redirects_hops_are_followed(serve: Serve, limit: int) -> None:
    base, server = await serve(hops)
    ok = await probe_url(f"{base}/hop/{limit}", max_redirects=limit)
    assert (ok.outcome, len(ok.redirects)) == (Outcome.OK, limit)

    before = len(server.seen)
    over = await probe_url(f"{base}/hop/{limit + 1}", max_redirects=limit)
    assert over.outcome is Outcome.ERROR
    assert over.error is not None
    assert over.error.kind is ErrorKind.TOO_MANY_REDIRECTS
    # The hop past the limit is never requested.
    assert len(server.seen) - before == limit + 1
    assert "/hop/0" not in {path for _, path in server.seen[before:]}


async def test_a_redirect_loop_is_an_error(serve: Serve) -> None:
    async def loop(request: web.BaseRequest) -> web.StreamResponse:
        target = "/b" if request.path == "/a" else "/a"
        return web.Response(status=302, headers={"Location": target})

    base, server = await serve(loop)
    result = await probe_url(base + "/a")
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.TOO_MANY_REDIRECTS
    assert "loop" in result.error.message
    assert len(server.seen) < 10, "a loop must be noticed, not run to the limit"


@pytest.mark.parametrize(
    "location",
    ["ftp://127.0.0.1/file", "mailto:someone@example.com", "http://[::1", "javascript:alert(1)"],
)
async def test_a_redirect_to_a_non_http_or_broken_url_is_a_bad_redirect(
    serve: Serve, location: str
) -> None:
    base, _ = await serve(status(302, Location=location))
    result = await probe_url(base + "/")
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.BAD_REDIRECT


async def test_a_redirect_to_a_broken_page_is_broken_with_its_chain(serve: Serve) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        if request.path == "/old":
            return web.Response(status=308, headers={"Location": "/new"})
        return web.Response(status=404)

    base, _ = await serve(handler)
    result = await probe_url(base + "/old")
    assert (result.outcome, result.status) == (Outcome.BROKEN, 404)
    assert result.redirects == [base + "/new"]
    assert result.final_url == base + "/new"


async def test_a_redirect_without_location_is_the_final_answer(serve: Serve) -> None:
    base, _ = await serve(status(302))
    result = await probe_url(base + "/")
    assert (result.outcome, result.status, result.redirects) == (Outcome.BROKEN, 302, [])


# --- headers and origins ----------------------------------------------------------

SECRET_HEADERS = ("X-Api-Key: key-4b1d", "Authorization: Bearer tok-9f3e")


async def test_headers_are_sent_and_kept_on_a_same_origin_redirect(serve: Serve) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        if request.path == "/start":
            return web.Response(status=302, headers={"Location": "/end"})
        return web.Response(status=200)

    base, server = await serve(handler)
    result = await probe_url(base + "/start", headers=SECRET_HEADERS)
    assert result.outcome is Outcome.OK
    assert [path for _, path in server.seen] == ["/start", "/end"]
    for seen in server.headers:
        assert seen["X-Api-Key"] == "key-4b1d"
        assert seen["Authorization"] == "Bearer tok-9f3e"


async def test_headers_are_dropped_on_a_cross_origin_redirect(serve: Serve) -> None:
    other, elsewhere = await serve(status(200))
    base, here = await serve(status(302, Location=other + "/landing"))
    result = await probe_url(base + "/start", headers=SECRET_HEADERS)
    assert result.outcome is Outcome.OK
    assert result.final_url == other + "/landing"
    assert here.headers[0]["X-Api-Key"] == "key-4b1d"
    assert elsewhere.seen == [("HEAD", "/landing")]
    assert "X-Api-Key" not in elsewhere.headers[0]
    assert "Authorization" not in elsewhere.headers[0]


# --- retries ----------------------------------------------------------------------


async def test_5xx_is_retried_until_ok(serve: Serve) -> None:
    base, server = await serve(sequence((500, {}), (502, {}), (200, {})))
    result = await probe_url(base + "/", method="get", retries=2)
    assert (result.outcome, result.status, result.attempts) == (Outcome.OK, 200, 3)
    assert len(server.seen) == 3


async def test_retries_run_out(serve: Serve) -> None:
    base, server = await serve(status(500))
    result = await probe_url(base + "/", retries=2)
    assert (result.outcome, result.status, result.attempts) == (Outcome.BROKEN, 500, 3)
    assert server.methods == ["HEAD", "GET"] * 3


async def test_a_client_error_is_not_retried(serve: Serve) -> None:
    base, server = await serve(status(404))
    result = await probe_url(base + "/", method="get", retries=3)
    assert result.attempts == 1
    assert len(server.seen) == 1


@pytest.mark.parametrize("code", [429, 503])
async def test_retry_after_seconds_is_waited_for(serve: Serve, code: int) -> None:
    base, server = await serve(sequence((code, {"Retry-After": "1"}), (200, {})))
    result = await probe_url(base + "/", method="get", retries=1)
    assert (result.outcome, result.attempts) == (Outcome.OK, 2)
    assert server.times[1] - server.times[0] >= 0.95


async def test_retry_after_http_date_is_waited_for(serve: Serve) -> None:
    def handler() -> Handler:
        served = 0

        async def reply(request: web.BaseRequest) -> web.StreamResponse:
            nonlocal served
            served += 1
            if served == 1:
                # Whole seconds only, so the wait asked for is between 0.5 and 1.5 s.
                when = formatdate(time.time() + 1.5, usegmt=True)
                return web.Response(status=429, headers={"Retry-After": when})
            return web.Response(status=200)

        return reply

    base, server = await serve(handler())
    result = await probe_url(base + "/", method="get", retries=1)
    assert (result.outcome, result.attempts) == (Outcome.OK, 2)
    assert server.times[1] - server.times[0] >= 0.45


async def test_a_long_retry_after_is_capped_by_max_retry_wait(serve: Serve) -> None:
    base, server = await serve(sequence((429, {"Retry-After": "3600"}), (200, {})))
    result = await asyncio.wait_for(
        probe_url(base + "/", method="get", retries=1, max_retry_wait=0.3), 10
    )
    assert (result.outcome, result.attempts) == (Outcome.OK, 2)
    assert server.times[1] - server.times[0] >= 0.25


async def test_no_retries_means_one_attempt(serve: Serve) -> None:
    base, server = await serve(status(429, **{"Retry-After": "1"}))
    result = await probe_url(base + "/", method="get", retries=0)
    assert (result.outcome, result.status, result.attempts) == (Outcome.BROKEN, 429, 1)
    assert len(server.seen) == 1


# --- failures below HTTP ----------------------------------------------------------


async def test_timeout_is_an_error_and_retried(serve: Serve) -> None:
    async def slow(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response()

    base, server = await serve(slow)
    result = await probe_url(base + "/", timeout=0.3, retries=1)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.TIMEOUT
    assert result.attempts == 2
    assert len(server.seen) == 2


async def test_a_slow_redirect_chain_times_out_as_a_whole(serve: Serve) -> None:
    """--timeout bounds the attempt, not each hop."""

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(0.15)
        n = int(request.path.strip("/"))
        return web.Response(status=302, headers={"Location": f"/{n + 1}"})

    base, server = await serve(handler)
    result = await probe_url(base + "/0", timeout=0.5, max_redirects=100)
    assert result.error is not None
    assert result.error.kind is ErrorKind.TIMEOUT
    assert len(server.seen) <= 5


async def test_a_server_that_never_answers_times_out() -> None:
    connections = 0

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.read()  # until the client gives up
        writer.close()

    async with raw_server(hang) as base:
        result = await probe_url(base + "/", timeout=0.3, retries=1)
    assert result.error is not None
    assert result.error.kind is ErrorKind.TIMEOUT
    assert (result.attempts, connections) == (2, 2)


async def test_a_reset_connection_is_disconnected_and_retried() -> None:
    connections = 0

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async with raw_server(reset) as base:
        result = await probe_url(base + "/", retries=2)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.DISCONNECTED
    assert result.attempts == 3
    # aiohttp itself resends an idempotent request once after a disconnect.
    assert connections in {3, 6}


async def test_a_server_closing_without_reply_is_disconnected() -> None:
    async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    async with raw_server(close) as base:
        result = await probe_url(base + "/")
    assert result.error is not None
    assert result.error.kind is ErrorKind.DISCONNECTED


@pytest.mark.parametrize(
    "reply",
    [b"SSH-2.0-OpenSSH_9.6\r\n", b"\x00\xff\x13garbage\r\n\r\n", b"HTTP/1.1 abc Nope\r\n\r\n"],
)
async def test_non_http_garbage_is_a_protocol_error_not_retried(reply: bytes) -> None:
    connections = 0

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply)
        await writer.drain()
        writer.close()

    async with raw_server(garbage) as base:
        result = await probe_url(base + "/", retries=2)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.PROTOCOL
    assert (result.attempts, connections) == (1, 1)


async def test_connection_refused_is_connect_and_not_retried() -> None:
    result = await probe_url(f"http://127.0.0.1:{free_port()}/", retries=2)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.CONNECT
    assert result.attempts == 1


class FakeDns(aiohttp.abc.AbstractResolver):
    """Offline DNS: ``*.test`` names resolve to 127.0.0.1, anything else fails."""

    def __init__(self) -> None:
        self.asked: Counter[str] = Counter()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[aiohttp.abc.ResolveResult]:
        self.asked[host] += 1
        if not host.endswith(".test"):
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        pass


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    dns = FakeDns()
    monkeypatch.setattr(session_module, "_resolver", lambda: dns)
    return dns


async def test_dns_failure_is_dns_and_not_retried(fake_dns: FakeDns) -> None:
    result = await probe_url("http://no-such-host.invalid/", retries=2)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.DNS
    assert result.attempts == 1
    assert fake_dns.asked == {"no-such-host.invalid": 1}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/a b",
        "http://a..b/",
        "ftp://127.0.0.1/",
        "not a url",
        "http://999.0.0.1/",
    ],
)
async def test_invalid_urls_are_never_requested(fake_dns: FakeDns, url: str) -> None:
    result = await probe_url(url, retries=2)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind in {ErrorKind.INVALID_URL, ErrorKind.UNSUPPORTED_SCHEME}
    assert result.attempts == 0
    assert not fake_dns.asked


async def test_a_redirect_to_a_malformed_host_is_a_bad_redirect(
    serve: Serve, fake_dns: FakeDns
) -> None:
    """Such hosts pass yarl and would fail later as a misleading DNS error."""
    base, _ = await serve(status(302, Location="http://a..b/"))
    result = await probe_url(base + "/")
    assert result.error is not None
    assert result.error.kind is ErrorKind.BAD_REDIRECT
    assert not fake_dns.asked


async def test_excluded_urls_are_never_requested(serve: Serve) -> None:
    base, server = await serve(status(200))
    result = await probe_url(base + "/private/x", exclude=["/private/"])
    assert result.outcome is Outcome.EXCLUDED
    assert result.attempts == 0
    assert result.reason is not None
    assert server.seen == []


# --- per-host politeness -----------------------------------------------------------


class InFlight:
    """Counts requests in flight per Host, as the server sees them."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.total_now = 0
        self.total_peak = 0

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        host = request.url.host or ""
        self.now[host] += 1
        self.total_now += 1
        self.peak[host] = max(self.peak[host], self.now[host])
        self.total_peak = max(self.total_peak, self.total_now)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.now[host] -= 1
            self.total_now -= 1
        return web.Response()


async def _run(urls: list[str], **options: object) -> list[Result]:
    settings = Settings.model_validate({"retries": 0, **options})
    return [result async for result in check(urls, settings=settings)]


async def test_per_host_limit_is_enforced_as_the_server_sees_it(aiohttp_raw_server: Any) -> None:
    counter = InFlight(delay=0.05)
    server = await aiohttp_raw_server(counter)
    urls = [str(server.make_url(f"/{n}")) for n in range(24)]
    results = await _run(urls, per_host=3, concurrency=20)
    assert {r.outcome for r in results} == {Outcome.OK}
    assert counter.peak["127.0.0.1"] == 3


async def test_two_hosts_are_limited_separately(aiohttp_raw_server: Any) -> None:
    counter = InFlight(delay=0.05)
    one = await aiohttp_raw_server(counter)
    two = RawTestServer(counter, host="127.0.0.2")  # the fixture cannot set the host
    await two.start_server()
    try:
        urls = [str(s.make_url(f"/{n}")) for n in range(12) for s in (one, two)]
        results = await _run(urls, per_host=2, concurrency=20)
    finally:
        await two.close()
    assert {r.outcome for r in results} == {Outcome.OK}
    assert counter.peak == {"127.0.0.1": 2, "127.0.0.2": 2}
    assert counter.total_peak == 4


async def test_waiting_for_a_busy_host_does_not_count_against_the_timeout(
    aiohttp_raw_server: Any,
) -> None:
    """Five 0.2 s requests, one at a time, take 1 s; each attempt's clock is 0.5 s."""
    counter = InFlight(delay=0.2)
    server = await aiohttp_raw_server(counter)
    urls = [str(server.make_url(f"/{n}")) for n in range(5)]
    results = await _run(urls, per_host=1, timeout=0.5)
    assert [r.outcome for r in results] == [Outcome.OK] * 5
    assert counter.peak["127.0.0.1"] == 1


# --- decision logic alone (aioresponses) -----------------------------------------


async def test_accepted_status_judgement_with_a_mocked_session(aioresponses_mock: Any) -> None:
    aioresponses_mock.head("http://mocked.test/a", status=403)
    aioresponses_mock.head("http://mocked.test/b", status=404)
    aioresponses_mock.get("http://mocked.test/b", status=404)
    accepted = await probe_url("http://mocked.test/a", accept="200..299,403")
    rejected = await probe_url("http://mocked.test/b", accept="200..299,403")
    assert (accepted.outcome, accepted.status) == (Outcome.OK, 403)
    assert (rejected.outcome, rejected.status) == (Outcome.BROKEN, 404)


async def test_head_fallback_decision_with_a_mocked_session(aioresponses_mock: Any) -> None:
    aioresponses_mock.head("http://mocked.test/", status=405)
    aioresponses_mock.get("http://mocked.test/", status=200)
    result = await probe_url("http://mocked.test/")
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    methods = [method for method, _ in aioresponses_mock.requests]
    assert methods == ["HEAD", "GET"]
