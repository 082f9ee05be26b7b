"""Fixed-latency HTTP/1.1 server for the latency scenario.

Adapted from ../shared/peer-bench/latency_server.py. A raw ``asyncio.Protocol``
with keep-alive and pipelining (answers leave in request order), on uvloop
when it is importable. Every request is answered ``--delay`` seconds after it
arrived:

  /missing/<x>  -> 404
  /redir/<x>    -> 301 Location: /ok/<x>   (each hop pays the delay again)
  /head405/<x>  -> 405 for HEAD, 200 for GET
  anything else -> 200 "ok"
  /__stats      -> 200 JSON counters at once; /__stats?reset restarts the peaks

"In flight" is requests received and not yet answered: the concurrency a
client really used. Listens on 127.0.0.1 .. 127.0.0.<hosts> only, prints
``READY <port>`` once listening, exits on SIGTERM/SIGINT or after
``--max-seconds`` so it can never be orphaned for long.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import ipaddress
import json
import resource
import signal
import sys
from typing import Any, cast

STATS: dict[str, Any] = {
    "requests": 0,
    "by_method": collections.Counter(),
    "by_status": collections.Counter(),
    "conns_open": 0,
    "conns_max": 0,
    "conns_total": 0,
    "inflight": 0,
    "inflight_max": 0,
}

COMMON = b"Content-Type: text/plain\r\n"
REASON = {200: b"OK", 301: b"Moved Permanently", 400: b"Bad Request", 404: b"Not Found"}
REASON[405] = b"Method Not Allowed"
MAX_HEAD = 64 * 1024


def build(status: int, body: bytes, head_only: bool, keep_alive: bool, extra: bytes = b"") -> bytes:
    out = [
        b"HTTP/1.1 %d %s\r\n" % (status, REASON.get(status, b"X")),
        COMMON,
        extra,
        b"Content-Length: %d\r\n" % len(body),
        b"Connection: keep-alive\r\n\r\n" if keep_alive else b"Connection: close\r\n\r\n",
    ]
    if not head_only:
        out.append(body)
    return b"".join(out)


def route(method: str, path: str) -> tuple[int, bytes, bytes]:
    if path.startswith("/missing/"):
        return 404, b"missing\n", b""
    if path.startswith("/redir/"):
        location = b"/ok/" + path.removeprefix("/redir/").encode("latin-1")
        return 301, b"", b"Location: " + location + b"\r\n"
    if path.startswith("/head405/") and method == "HEAD":
        return 405, b"", b"Allow: GET\r\n"
    return 200, b"ok\n", b""


class DelayedHTTP(asyncio.Protocol):
    delay = 0.1

    def __init__(self) -> None:
        self.buf = bytearray()
        # (due, payload, close after, counted as in flight)
        self.queue: collections.deque[tuple[float, bytes, bool, bool]] = collections.deque()
        self.timer: asyncio.TimerHandle | None = None
        self.transport: asyncio.Transport | None = None
        self.closing = False
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        STATS["conns_open"] += 1
        STATS["conns_total"] += 1
        STATS["conns_max"] = max(STATS["conns_max"], STATS["conns_open"])

    def connection_lost(self, exc: Exception | None) -> None:
        STATS["conns_open"] -= 1
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self._drop_queue()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        self.buf += data
        while self._one_request():
            pass

    def _one_request(self) -> bool:
        """Parse and answer one request from the buffer; False when it needs more bytes."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > MAX_HEAD:
                self._bad()
            return False
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            self._bad()
            return False
        method, target, version = parts
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            length = 0
        total = end + 4 + length
        if len(self.buf) < total:
            return False
        del self.buf[:total]
        connection = headers.get("connection", "")
        keep = "keep-alive" in connection if version == "HTTP/1.0" else "close" not in connection
        path = target.split("?", 1)[0]
        STATS["requests"] += 1
        STATS["by_method"][method] += 1
        head_only = method == "HEAD"
        if path == "/__stats":
            body = json.dumps(STATS).encode() + b"\n"
            if "reset" in target:
                STATS["conns_max"] = STATS["conns_open"]
                STATS["inflight_max"] = STATS["inflight"]
            self._enqueue(0.0, build(200, body, head_only, keep), not keep, counted=False)
        else:
            status, body, extra = route(method, path)
            STATS["by_status"][status] += 1
            self._enqueue(self.delay, build(status, body, head_only, keep, extra), not keep)
        if not keep:
            self.closing = True
        return keep

    def _bad(self) -> None:
        self._enqueue(0.0, build(400, b"bad\n", False, False), True, counted=False)
        self.closing = True

    def _enqueue(self, delay: float, payload: bytes, close: bool, counted: bool = True) -> None:
        if counted:
            STATS["inflight"] += 1
            STATS["inflight_max"] = max(STATS["inflight_max"], STATS["inflight"])
        self.queue.append((self.loop.time() + delay, payload, close, counted))
        if self.timer is None:
            self.timer = self.loop.call_at(self.queue[0][0], self._flush)

    def _drop_queue(self) -> None:
        STATS["inflight"] -= sum(1 for item in self.queue if item[3])
        self.queue.clear()

    def _flush(self) -> None:
        self.timer = None
        if self.transport is None:
            return
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now:
            _, payload, close, counted = self.queue.popleft()
            if counted:
                STATS["inflight"] -= 1
            self.transport.write(payload)
            if close:
                self._drop_queue()
                self.transport.close()
                return
        if self.queue:
            self.timer = self.loop.call_at(self.queue[0][0], self._flush)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=18190)
    p.add_argument("--hosts", type=int, default=21, help="listen on 127.0.0.1 .. 127.0.0.<hosts>")
    p.add_argument("--delay", type=float, default=0.1, help="seconds before each answer")
    p.add_argument("--backlog", type=int, default=8192)
    p.add_argument("--max-seconds", type=float, default=3600.0, help="exit by itself after this")
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    addrs = [f"127.0.0.{i}" for i in range(1, args.hosts + 1)]
    if not all(ipaddress.ip_address(a).is_loopback for a in addrs):
        sys.exit("refusing to listen on a non-loopback address")
    DelayedHTTP.delay = args.delay
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        DelayedHTTP, host=addrs, port=args.port, backlog=args.backlog, reuse_address=True
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY {args.port} hosts={len(addrs)} delay={args.delay}", flush=True)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.max_seconds)
    except TimeoutError:
        print("latency_server: --max-seconds reached, exiting", file=sys.stderr)
    server.close()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args))
    else:
        uvloop.run(serve(args))


if __name__ == "__main__":
    main()
