"""The one fetch path for remote documents: sitemaps now, robots.txt and crawled pages later.

A document is fetched with the run's aiohttp session (checker/session.py)
and its connector limit, TLS and proxies (proxy.py); every hop, redirects
included, passes the run's exclusion rules first (checker/gate.py, the
ignore rules and both halves of ``--exclude-private`` among them). Only
``http``/``https`` is fetched: a remote sitemap naming ``file:///etc/passwd``
cannot make urlcheck open a local file.

Caps, per fetch: ``--fetch-timeout`` seconds in all (one byte every half
second ends at the cap), and :data:`MAX_BYTES` on the wire and after gzip is
undone (a gzip bomb too). The user's ``-H`` headers belong to the checks.

The source stage is synchronous, so the fetcher is a plain callable,
``fetch(url) -> BinaryIO``, over one async implementation, :func:`download`.
:meth:`Fetcher.private` runs it in a private loop and session on a thread of
its own (the library default); :meth:`Fetcher.bridged` hands it to a running
loop and its session from a worker thread (``asyncio.to_thread``), so a run
driver can build the index while its loop serves the run's own session.
Inflating gzip happens in the calling thread, never on the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import tempfile
import threading
import zlib
from typing import TYPE_CHECKING, BinaryIO

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from checker.filters import IgnoreRules
from checker.gate import Gate
from checker.models import Result, Target
from checker.proxy import Proxies
from checker.session import open_session
from checker.sources.interface import SourceError

if TYPE_CHECKING:
    from checker.settings import Settings

MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_LAYERS = 2  # Content-Encoding: gzip around a .xml.gz file; more is a bomb's trick
_CHUNK = 1 << 16
_SPOOL = 1 << 20  # bodies past 1 MB go to a temporary file, not memory
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT_GZIP: CIMultiDict[str] = CIMultiDict({"Accept-Encoding": "gzip"})
_HTTP = frozenset({"http", "https"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")  # anchored by match(): linear


class FetchError(SourceError):
    """One fetch failed or hit a cap; ``reason`` says which, without the URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot fetch {url}: {reason}")
        self.url = url
        self.reason = reason


class _Gate:
    """The run's gate (checker/gate.py), asked of every hop before it is
    requested, behind one rule of its own: only http and https are fetched
    (the run's gate checks a ``file:`` link on disk; a fetch never reads one)."""

    def __init__(self, settings: Settings, ignore: IgnoreRules) -> None:
        self._gate = Gate(settings, ignore)

    async def refuse(self, url: str) -> str | None:
        scheme = _SCHEME.match(url)
        if scheme is None or scheme[1].lower() not in _HTTP:
            named = scheme[1].lower() if scheme else "a URL without a scheme"
            return f"only http and https are fetched, not {named}"
        verdict = await self._gate(Target(0, url, ()))
        if not isinstance(verdict, Result):
            return None
        if verdict.reason is not None:
            return f"excluded: {verdict.reason}"
        return verdict.error.message if verdict.error is not None else "not requested"


async def download(
    session: aiohttp.ClientSession, url: str, settings: Settings, gate: _Gate, max_bytes: int
) -> BinaryIO:
    """The raw body of ``url`` (still gzipped, if it was), within the caps. Raises FetchError."""
    try:
        async with asyncio.timeout(settings.fetch_timeout):
            return await _follow(session, url, settings, gate, max_bytes)
    except TimeoutError:
        took = f"took longer than {settings.fetch_timeout:g} s (--fetch-timeout)"
        raise FetchError(url, took) from None


async def _follow(
    session: aiohttp.ClientSession, url: str, settings: Settings, gate: _Gate, max_bytes: int
) -> BinaryIO:
    current = url
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=settings.connect_timeout, sock_read=settings.timeout
    )
    # The run's proxies, chosen per hop as the probe chooses them (proxy.py).
    proxies = Proxies(settings.http_proxy, settings.https_proxy, settings.no_proxy)
    for _ in range(settings.max_redirects + 1):
        reason = await gate.refuse(current)
        if reason is not None:
            where = "" if current == url else f"redirected to {current}: "
            raise FetchError(url, where + reason)
        try:
            target = URL(current)
            proxy, proxy_headers, headers = proxies.for_url(target, _ACCEPT_GZIP)
            async with session.get(
                target,
                allow_redirects=False,
                auto_decompress=False,  # inflated by us, under the byte cap
                headers=headers,
                proxy=proxy,
                proxy_headers=proxy_headers,
                timeout=timeout,
            ) as response:
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location", "")
                    current = str(response.url.join(URL(location)))
                    continue
                if not 200 <= response.status < 300:
                    raise FetchError(url, f"HTTP {response.status}")
                encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
                if encoding not in ("identity", "", "gzip", "x-gzip"):
                    raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
                return await _body(response, url, max_bytes)
        except (aiohttp.ClientError, OSError, ValueError, IndexError, UnicodeError) as exc:
            raise FetchError(url, _describe(exc)) from None
    raise FetchError(url, f"more than {settings.max_redirects} redirects")


async def _body(response: aiohttp.ClientResponse, url: str, max_bytes: int) -> BinaryIO:
    body = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 - returned open
    size = 0
    try:
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, _too_large(max_bytes))
            body.write(chunk)
    except BaseException:
        body.close()
        raise
    body.seek(0)
    return body  # type: ignore[return-value]


def inflated(raw: BinaryIO, url: str, max_bytes: int) -> BinaryIO:
    """``raw`` with up to two gzip layers undone (a Content-Encoding, then a .gz
    file), sniffed by the magic number, never more than ``max_bytes`` out."""
    for _ in range(_GZIP_LAYERS + 1):
        if raw.read(2) != _GZIP_MAGIC:
            raw.seek(0)
            return raw
        raw.seek(0)
        with raw:
            raw = _gunzip(raw, url, max_bytes)
    raw.close()
    raise FetchError(url, f"more than {_GZIP_LAYERS} layers of gzip")


def _gunzip(source: BinaryIO, url: str, max_bytes: int) -> BinaryIO:
    out = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 - returned open
    inflater = zlib.decompressobj(wbits=31)
    size = 0
    pending = b""
    try:
        while pending or (pending := source.read(_CHUNK)):
            if inflater.eof:  # a multi-member gzip file: the next member starts here
                inflater = zlib.decompressobj(wbits=31)
            piece = inflater.decompress(pending, _CHUNK)  # bounded output per call
            size += len(piece)
            if size > max_bytes:
                raise FetchError(url, _too_large(max_bytes) + " once gunzipped")
            out.write(piece)
            pending = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")
        if not inflater.eof:
            raise FetchError(url, "truncated gzip data")
    except zlib.error as exc:
        out.close()
        raise FetchError(url, f"bad gzip data: {exc}") from None
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out  # type: ignore[return-value]


def _too_large(max_bytes: int) -> str:
    mib = 1024 * 1024
    return (
        f"larger than {max_bytes // mib} MB"
        if max_bytes % mib == 0
        else (f"larger than {max_bytes} bytes")
    )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Fetcher:
    """``fetcher(url) -> BinaryIO``: one document, fetched synchronously. Raises FetchError.

    Build it with :meth:`private` or :meth:`bridged`; :meth:`close` it when done
    (a bridged fetcher leaves the run's loop and session open).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        session: aiohttp.ClientSession,
        settings: Settings,
        ignore: IgnoreRules = (),
        *,
        owned: threading.Thread | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self._loop = loop
        self._session = session
        self._settings = settings
        self._owned = owned
        self._max_bytes = max_bytes
        self._gate = _Gate(settings, ignore)

    @classmethod
    def private(
        cls, settings: Settings, ignore: IgnoreRules = (), *, max_bytes: int = MAX_BYTES
    ) -> Fetcher:
        """A fetcher with its own loop and session, on a daemon thread of its own."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="urlcheck-fetch", daemon=True)
        thread.start()

        async def session() -> aiohttp.ClientSession:
            return open_session(settings)  # created inside the loop it will run on

        opened = asyncio.run_coroutine_threadsafe(session(), loop).result()
        return cls(loop, opened, settings, ignore, owned=thread, max_bytes=max_bytes)

    @classmethod
    def bridged(
        cls,
        loop: asyncio.AbstractEventLoop,
        session: aiohttp.ClientSession,
        settings: Settings,
        ignore: IgnoreRules = (),
        *,
        max_bytes: int = MAX_BYTES,
    ) -> Fetcher:
        """A fetcher over a running loop's session, to be called from a worker thread."""
        return cls(loop, session, settings, ignore, max_bytes=max_bytes)

    def __call__(self, url: str) -> BinaryIO:
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:  # waiting here would block the loop that must do the work
            raise RuntimeError("call a bridged Fetcher from a worker thread (asyncio.to_thread)")
        coroutine = download(self._session, url, self._settings, self._gate, self._max_bytes)
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            # The cap is enforced on the loop; this bound only guards a loop that stopped.
            raw = future.result(timeout=self._settings.fetch_timeout + 30)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise FetchError(url, "the fetch loop did not answer") from None
        return inflated(raw, url, self._max_bytes)

    def close(self) -> None:
        if self._owned is None:
            return
        loop, thread = self._loop, self._owned
        self._owned = None
        if loop.is_running():
            done = asyncio.run_coroutine_threadsafe(self._session.close(), loop)
            try:
                done.result(timeout=10)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(10)
        if not loop.is_running():
            loop.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
