"""Reading one page for a crawl: a GET whose body is kept, capped and streamed.

The probe (probe.py) never reads a body; a crawled page must be read, so
this is the second, smaller request path. It keeps the probe's rules that
matter for a page: redirects followed here (``--max-redirects``, a loop is a
loop), the host's headers (``-H``, ``[hosts]``) sent only while the chain
stays on the first origin, each hop through its proxy (proxy.py), and what
aiohttp raises mapped once (errors.py). A redirect that leaves the crawl
scope ends the read: the link is then checked as any other link.

Caps: ``cap`` bytes of body after decoding (a gzip bomb stops there too),
and ``timeout`` seconds for the whole read, so a page that never ends is cut
off. A page over the cap is reported by its status, with a note that it
was not read; a body that is not HTML is not read at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from checker import replies
from checker.errors import MAPPED, classify
from checker.models import ErrorKind, Failure
from checker.proxy import Proxies
from checker.urls import HTTP_SCHEMES

PAGE_CAP = 10 * 1024 * 1024  # the default: a 10 MB page is read, more is not
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 1 << 16


@dataclass(slots=True)
class Page:
    """What a page read got: the final status, the chain, and the body if read."""

    status: int
    final_url: str
    redirects: list[str] = field(default_factory=list)
    retry_after: str | None = None
    body: bytes | None = None  # None: not read (see ``unread``)
    unread: str | None = None  # why the body was not read, when the status allowed it


class LeftScope(Exception):
    """A redirect left the crawl scope: not a page of this crawl."""


class PageReader:
    """Reads pages over the run's session: ``await reader(url, headers, timeout)``."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        proxies: Proxies,
        max_redirects: int,
        in_scope: Callable[[str], bool],
        cap: int = PAGE_CAP,
    ) -> None:
        self._session = session
        self._proxies = proxies
        self._max_redirects = max_redirects
        self._in_scope = in_scope
        self.cap = cap

    async def __call__(
        self,
        url: str,
        headers: CIMultiDict[str] | None,
        timeout: float,
        wanted: Callable[[str], bool] = lambda final: True,
    ) -> Page | Failure:
        """``wanted(final_url)``: whether to read the body of the page the chain
        reached (False: it was read already under another URL). Raises
        :class:`LeftScope`."""
        answered: list[Page] = []  # the final answer, once its status is in
        try:
            async with asyncio.timeout(timeout):
                return await self._follow(URL(url), headers, wanted, answered)
        except TimeoutError:
            failure = classify(TimeoutError(), timeout=timeout)
        except MAPPED as exc:
            failure = classify(exc, timeout=timeout)
        if not answered:
            return failure
        # The status was in, the body was not: the link stands, the page is unread.
        page = answered[0]
        page.body = None
        page.unread = f"page not read: {failure.message}"
        return page

    async def _follow(
        self,
        url: URL,
        headers: CIMultiDict[str] | None,
        wanted: Callable[[str], bool],
        answered: list[Page],
    ) -> Page | Failure:
        start = url
        redirects: list[str] = []
        seen = {url}
        while True:
            proxy, proxy_headers, sent = self._proxies.for_url(url, headers)
            async with self._session.get(
                url,
                headers=sent,
                allow_redirects=False,
                proxy=proxy,
                proxy_headers=proxy_headers,
            ) as resp:
                status = resp.status
                location = (
                    resp.headers.get("Location") if status in replies.REDIRECT_STATUSES else None
                )
                if location is None or not self._max_redirects:
                    page = Page(status, str(url), redirects, resp.headers.get("Retry-After"))
                    answered.append(page)
                    if 200 <= status < 300:
                        await self._body(resp, page, wanted)
                    else:
                        replies.drain(resp)
                    return page
                replies.drain(resp)
            try:
                url = url.join(URL(location))
            except (ValueError, TypeError, IndexError) as exc:
                return Failure(ErrorKind.BAD_REDIRECT, f"bad Location {location!r}: {exc}")
            text = str(url)
            if url.scheme not in HTTP_SCHEMES:
                return Failure(ErrorKind.BAD_REDIRECT, f"redirect to non-HTTP URL {text!r}")
            if not self._in_scope(text):
                raise LeftScope(text)
            if url in seen:
                return Failure(ErrorKind.TOO_MANY_REDIRECTS, f"redirect loop back to {text}")
            if len(redirects) >= self._max_redirects:
                return Failure(
                    ErrorKind.TOO_MANY_REDIRECTS, f"more than {self._max_redirects} redirects"
                )
            redirects.append(text)
            seen.add(url)
            if headers and url.origin() != start.origin():
                headers = None  # the user's headers never go to another origin

    async def _body(
        self, resp: aiohttp.ClientResponse, page: Page, wanted: Callable[[str], bool]
    ) -> None:
        kind = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind not in HTML_TYPES:
            pass  # an image, a PDF: a link to check, not a page to read
        elif resp.content_length is not None and resp.content_length > self.cap:
            page.unread = f"page not read: larger than {self.cap:,} bytes"
        elif not wanted(page.final_url):
            pass  # read already, under another URL
        else:
            page.body = await self._read(resp, page)
        if page.body is None:
            replies.drain(resp)

    async def _read(self, resp: aiohttp.ClientResponse, page: Page) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > self.cap:
                page.unread = f"page not read: larger than {self.cap:,} bytes"
                return None
            chunks.append(chunk)
        return b"".join(chunks)
