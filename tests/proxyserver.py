"""A real forward proxy on 127.0.0.1, for the proxy tests: absolute-form
requests (``GET http://host/path``) and ``CONNECT host:port`` tunnels.

Every request goes to ``upstream`` whatever host it names, so a URL whose host
does not resolve (``http://intranet.invalid/``) is answered only through the
proxy, as behind a corporate proxy. ``seen`` records each request line and
``auth`` each ``Proxy-Authorization`` received; with ``require`` set, a
request without that exact header gets 407.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class ForwardProxy:
    def __init__(self, upstream: tuple[str, int], require: str | None = None) -> None:
        self.upstream = upstream
        self.require = require
        self.seen: list[str] = []
        self.auth: list[str | None] = []
        # Every stream opened, closed at shutdown: one left for the garbage
        # collector warns inside whichever later test it lands in.
        self.writers: set[asyncio.StreamWriter] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        self.seen.append(f"{method} {target}")
        headers = [line for line in lines[1:] if line]
        auth = next(
            (h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("proxy-auth")),
            None,
        )
        self.auth.append(auth)
        if self.require is not None and auth != self.require:
            writer.write(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b"Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
            await writer.drain()
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        self.writers.add(up_writer)
        if method == "CONNECT":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            path = "/" + target.split("://", 1)[1].partition("/")[2]
            kept = [
                h
                for h in headers
                if not h.lower().startswith(("proxy-", "connection", "keep-alive"))
            ]
            request = [f"{method} {path} {version}", *kept, "Connection: close", "", ""]
            up_writer.write("\r\n".join(request).encode("latin-1"))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


@contextlib.asynccontextmanager
async def forward_proxy(proxy: ForwardProxy) -> AsyncIterator[str]:
    """Serve ``proxy`` on 127.0.0.1; yields its URL."""
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for writer in proxy.writers:
            writer.close()
        for writer in proxy.writers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)
