"""The one ClientSession (and connector) a run uses, hardened for the hostile web.

* No body is decoded: ``Accept-Encoding`` is not sent and aiohttp's
  decompression is off, so ``Content-Encoding: br`` (no Brotli installed) or a
  gzip bomb cannot turn a status we already have into an error or 63 MB of RAM.
* Header limits are a browser's, not aiohttp's 8 KB per line and 128 lines.
* No run-wide cookie jar: cookies live in one URL's redirect chain (probe.py),
  so a result never depends on which URL was checked first. The only cookies
  every request may carry are the user's own (``--cookie-jar``, cookies.py).
* Idle keep-alive sockets are capped at ``--concurrency``, and a pooled
  connection holding bytes nobody asked for is closed rather than reused.
"""

from __future__ import annotations

import contextlib
from typing import Any

import aiohttp
from aiohttp import connector as _connector

from checker import tls
from checker.settings import Settings

# aiohttp's connector limit counts only connections in use: idle keep-alive
# sockets come on top, one set per host. 5 s still keeps a connection warm
# across a list that revisits a host; IdleCappedConnector bounds their number.
KEEPALIVE_TIMEOUT = 5.0
DNS_CACHE_TTL = 300

# Chrome accepts 256 KB of response headers in all, with no count limit
# (net/http/http_stream_parser.cc); aiohttp's defaults (8190 bytes per line,
# 128 lines) turn real pages into `protocol` errors. aiohttp 3.14 only has
# per-line and count limits, so the most a server can make one response hold
# is MAX_HEADERS * MAX_FIELD_SIZE (32 MB), and only while the attempt's
# deadline runs.
MAX_LINE_SIZE = 64 * 1024  # the status line
MAX_FIELD_SIZE = 64 * 1024  # one header, name and value
MAX_HEADERS = 512
# File descriptors a run needs beyond its sockets: sources, DNS, the report.
FD_SLACK = 256


def open_session(settings: Settings) -> aiohttp.ClientSession:
    concurrency = settings.concurrency
    # In use (<= concurrency) plus idle (<= concurrency) sockets.
    raise_fd_limit(2 * concurrency + FD_SLACK)
    connector = IdleCappedConnector(
        idle_cap=concurrency,
        limit=concurrency,
        limit_per_host=0,  # per-host limits are ours: see checker/scheduler/hosts.py
        ttl_dns_cache=DNS_CACHE_TTL,
        keepalive_timeout=KEEPALIVE_TIMEOUT,
        # aiohttp warns when this is set on a Python that no longer needs it.
        enable_cleanup_closed=getattr(_connector, "NEEDS_CLEANUP_CLOSED", False),
        ssl=tls.context(settings.min_tls, settings.insecure),
        resolver=_resolver(),
    )
    return aiohttp.ClientSession(
        connector=connector,
        # The attempt's deadline is ours (probe.py), started after the host
        # slot is won; aiohttp only bounds the TCP and TLS handshake.
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=settings.connect_timeout),
        headers={"User-Agent": settings.user_agent},
        skip_auto_headers=("Accept-Encoding",),
        auto_decompress=False,
        cookie_jar=_jar(settings),
        max_line_size=MAX_LINE_SIZE,
        max_field_size=MAX_FIELD_SIZE,
        max_headers=MAX_HEADERS,
        raise_for_status=False,
    )


def _jar(settings: Settings) -> aiohttp.abc.AbstractCookieJar:
    if settings.cookie_jar is None:
        return aiohttp.DummyCookieJar()
    from checker import cookies
    from checker.cookiejar import FileCookieJar

    return FileCookieJar(cookies.read(settings.cookie_jar))


class IdleCappedConnector(aiohttp.TCPConnector):
    """A TCPConnector whose idle keep-alive sockets are at most ``idle_cap``,
    so file descriptors follow ``--concurrency``, not the number of hosts.

    When a release would pool one socket too many, the oldest idle socket of
    the host pooled earliest is closed. ``_idle`` counts pooled sockets;
    it may run high (aiohttp also drops idle sockets itself), never low, and
    is recounted before anything is closed.
    """

    def __init__(self, *, idle_cap: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._idle_cap = idle_cap
        self._idle = 0
        # aiohttp closes only a resolver it made itself; an unclosed aiodns
        # channel kept 4 file descriptors per session open for good.
        self._given_resolver: aiohttp.abc.AbstractResolver | None = kwargs.get("resolver")

    async def close(self, *, abort_ssl: bool = False) -> None:
        await super().close(abort_ssl=abort_ssl)
        if self._given_resolver is not None:
            resolver, self._given_resolver = self._given_resolver, None
            await resolver.close()

    def _release(self, key: Any, protocol: Any, *, should_close: bool = False) -> None:
        super()._release(key, protocol, should_close=should_close)
        if self._closed or protocol.transport is None:
            return  # closed, not pooled
        self._idle += 1
        if self._idle > self._idle_cap:
            self._evict()

    def _evict(self) -> None:
        conns = self._conns
        self._idle = sum(map(len, conns.values()))
        while self._idle > self._idle_cap and conns:
            key = next(iter(conns))  # keys come in the order hosts were first pooled
            queue = conns[key]
            proto, _ = queue.popleft()
            if not queue:
                del conns[key]
            proto.close()
            self._idle -= 1

    async def _get(self, key: Any, traces: Any) -> Any:
        while True:
            conn = await super()._get(key, traces)
            # A pooled connection is clean when its last reply was read to the
            # end and nothing arrived since. A server that sent more (a second
            # reply, a late HEAD body) would have it read as the next URL's
            # answer: close it and take another.
            if conn is None or (conn.protocol is not None and not conn.protocol.should_close):
                return conn
            conn.close()


def _resolver() -> aiohttp.abc.AbstractResolver:
    try:
        return aiohttp.AsyncResolver()
    except RuntimeError:  # aiodns missing: fall back to the threaded resolver
        return aiohttp.ThreadedResolver()


def raise_fd_limit(needed: int) -> None:
    """Lift the soft file-descriptor limit to ``needed``, as far as the hard limit allows."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY or soft >= needed:
            return
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        if target > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
