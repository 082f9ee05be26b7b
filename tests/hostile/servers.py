"""Misbehaving servers on loopback, one behaviour each, for any test to reuse.

A behaviour is a raw asyncio connection handler (``tests.conftest.raw_server``
serves one inside a test's loop; :class:`RawServerThread` serves one from a
thread for the CLI, which owns its loop). Each records what it saw, so a test
can assert on the requests too: ``heads`` (every request head, bytes) and
``connections``.

``BEHAVIOURS`` names one instance factory per hostile class of issue 8; every
test that loops over it gets each new behaviour for free.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import struct
from collections.abc import Callable, Iterator

from aiohttp import web

from tests.conftest import LoopThread

# Written in a reply wherever a behaviour echoes what the client sent in its
# X-Token header: a server that reflects a secret into a Location or a status line.
ECHO = b"{ECHO}"
SECRET_HEADER = b"x-token"


class Behaviour:
    """Reads each request head and lets :meth:`reply` answer it.

    ``reply`` returns True to keep the connection open for another request.
    ``{ECHO}`` in what ``send`` writes becomes the request's X-Token value.
    """

    def __init__(self) -> None:
        self.heads: list[bytes] = []
        self.connections = 0

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, OSError):
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    self.heads.append(head)
                    if not await self.reply(head, writer):
                        break
            except (asyncio.LimitOverrunError, asyncio.CancelledError):
                pass  # cancelled: the test is over and its server torn down
            finally:
                writer.close()

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        raise NotImplementedError

    @staticmethod
    async def send(writer: asyncio.StreamWriter, head: bytes, data: bytes) -> None:
        writer.write(data.replace(ECHO, echoed(head)))
        await writer.drain()


def echoed(head: bytes) -> bytes:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == SECRET_HEADER:
            return value.strip()
    return b""


def method(head: bytes) -> bytes:
    return head.split(b" ", 1)[0]


def path(head: bytes) -> bytes:
    parts = head.split(b" ", 2)
    return parts[1] if len(parts) > 1 else b""


def response(
    status: str = "200 OK", headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    headers = {"Content-Length": str(len(body)), **(headers or {})}
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Replay(Behaviour):
    """The same bytes for every request: for generated replies. ``then`` is
    what follows them: "close", "keep" (read the next request on the same
    connection) or "hang" (hold the connection open and say nothing)."""

    def __init__(self, data: bytes = b"", then: str = "close") -> None:
        super().__init__()
        self.data = data
        self.then = then

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        await self.send(writer, head, self.data)
        if self.then == "hang":
            await asyncio.sleep(3600)
        return self.then == "keep"


class BadLocation(Replay):
    """302 to a Location yarl cannot parse (``http://][@``: IndexError in yarl)."""

    def __init__(self, location: bytes = b"http://][@") -> None:
        super().__init__(
            b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"
        )


class GarbageStatus(Replay):
    """A status line no HTTP server sends."""

    def __init__(self, line: bytes = b"HTTP/1.1 2OO \x00K\x1b[31m " + ECHO) -> None:
        super().__init__(line + b"\r\nContent-Length: 0\r\n\r\n")


class HugeHeader(Replay):
    """One header of ``size`` bytes: browsers load it; aiohttp's default is 8190."""

    def __init__(self, size: int = 16 * 1024) -> None:
        super().__init__(response(headers={"Content-Security-Policy": "a" * size}))


class ManyHeaders(Replay):
    """``count`` headers: browsers set no count limit; aiohttp's default is 128."""

    def __init__(self, count: int = 300) -> None:
        super().__init__(response(headers={f"X-H{n}": "v" for n in range(count)}))


class TrickleBody(Behaviour):
    """A 200 header, then a body of ``size`` bytes, one every ``interval`` seconds."""

    def __init__(self, size: int = 1000, interval: float = 0.2) -> None:
        super().__init__()
        self.size = size
        self.interval = interval
        self.trickled = 0

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        await self.send(writer, head, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % self.size)
        if method(head) == b"HEAD":
            return True
        for _ in range(self.size):
            await asyncio.sleep(self.interval)
            writer.write(b"x")
            await writer.drain()
            self.trickled += 1
        return True


class ResetMidReply(Behaviour):
    """Half a status line, then a TCP reset (SO_LINGER 0)."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 O")
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False


class BlackHole(Behaviour):
    """Accepts, reads the request, never answers (until the client goes away)."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(3600)
        return False


class RedirectLoop(Behaviour):
    """/a → /b → /a … forever (and every other path to itself)."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        target = {b"/a": "/b", b"/b": "/a"}.get(path(head), path(head).decode("latin-1"))
        await self.send(writer, head, response("302 Found", {"Location": target}))
        return True


class CookieWall(Behaviour):
    """Without the cookie: 302 to the same URL with Set-Cookie. With it: 200."""

    def __init__(self, cookie: str = "consent=yes") -> None:
        super().__init__()
        self.cookie = cookie

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        if self.cookie.encode() in cookie_header(head):
            data = response()
        else:
            here = path(head).decode("latin-1")
            data = response("302 Found", {"Location": here, "Set-Cookie": f"{self.cookie}; Path=/"})
        await self.send(writer, head, data)
        return True


def cookie_header(head: bytes) -> bytes:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"cookie":
            return value.strip()
    return b""


class NewCookieEveryTime(Behaviour):
    """302 to itself with a new cookie each time: never repeats, never ends."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        n = len(self.heads)
        here = path(head).decode("latin-1")
        await self.send(
            writer, head, response("302 Found", {"Location": here, "Set-Cookie": f"n={n}"})
        )
        return True


class Brotli(Replay):
    """``Content-Encoding: br`` on a body that is not even Brotli."""

    def __init__(self) -> None:
        super().__init__(response(headers={"Content-Encoding": "br"}, body=b"\x8b\x00garbage"))


def gzip_bomb(inflated: int = 63 * 1024 * 1024) -> bytes:
    return gzip.compress(b"\0" * inflated, compresslevel=9)


_BOMB: list[bytes] = []


class GzipBomb(Replay):
    """~61 KB of gzip that inflates to 63 MB."""

    def __init__(self) -> None:
        if not _BOMB:
            _BOMB.append(gzip_bomb())
        super().__init__(response(headers={"Content-Encoding": "gzip"}, body=_BOMB[0]))


class TwoRepliesPerRequest(Behaviour):
    """Keep-alive abuse: a 200 for each request, then, a moment later, an
    unasked-for 404 on the same connection. A client that pools the
    connection would read that 404 as the next URL's answer."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        await self.send(writer, head, response())
        await asyncio.sleep(0.05)
        await self.send(writer, head, response("404 Not Found"))
        return True


class HeadWithBody(Behaviour):
    """Keep-alive abuse: answers HEAD with a body, which desynchronises the connection."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        body = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        await self.send(writer, head, response(headers={"Content-Length": str(len(body))}) + body)
        return True


class KeepAliveLiar(Behaviour):
    """Keep-alive abuse: promises keep-alive, then closes after every reply."""

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        await self.send(writer, head, response(headers={"Connection": "keep-alive"}))
        return False


# name → factory: one per hostile class. A test that loops over this dict
# covers a behaviour added later too.
BEHAVIOURS: dict[str, Callable[[], Behaviour]] = {
    "bad_location": BadLocation,
    "garbage_status": GarbageStatus,
    "huge_header": HugeHeader,
    "many_headers": ManyHeaders,
    "trickle_body": TrickleBody,
    "reset_mid_reply": ResetMidReply,
    "black_hole": BlackHole,
    "redirect_loop": RedirectLoop,
    "cookie_wall": CookieWall,
    "new_cookie_every_time": NewCookieEveryTime,
    "brotli": Brotli,
    "gzip_bomb": GzipBomb,
    "two_replies_per_request": TwoRepliesPerRequest,
    "head_with_body": HeadWithBody,
    "keep_alive_liar": KeepAliveLiar,
}


class RawServerThread(LoopThread):
    """A behaviour served on ``host`` from its own thread and loop (for CLI tests)."""

    def __init__(self, handler: Behaviour, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.handler = handler
        self._server: asyncio.Server | None = None

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self.handler, self.host, 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        current = asyncio.current_task()
        for task in asyncio.all_tasks():  # connections still held (a black hole)
            if task is not current:
                task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.sleep(0.05)


@contextlib.contextmanager
def serving(handler: Behaviour) -> Iterator[RawServerThread]:
    with RawServerThread(handler) as server:
        yield server


# --- aiohttp servers: for behaviours that need a real HTTP server's parsing ---


def login_wall_app(name: str, value: str) -> web.Application:
    """A login wall: 403 without the cookie ``name=value``. With it, a redirect
    that echoes the cookie into its Location (as a careless site does), then 200;
    every reply also sets a cookie of the server's own, which must never travel
    to another URL."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.cookies.get(name) != value:
            response = web.Response(status=403)
        elif "seen" not in request.query:
            response = web.Response(
                status=302, headers={"Location": f"{request.path}?seen={value}"}
            )
        else:
            response = web.Response()
        response.set_cookie("server", "set")
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app
