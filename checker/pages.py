"""Reading a page: the capped, streamed HTML body of one aiohttp response.

The one place urlcheck reads a body on purpose (the probe never does:
probe.py). Used for remote anchors (``--fragments all``,
checker/anchors/remote.py), through the probe, and meant for a crawl too:
:func:`read_page` takes any response and returns a :class:`Page` whose
``text`` both the anchor reader (``checker.anchors.html.anchors``) and the
link reader (``checker.sources.html.extract``) take.

The rules, for a hostile web:

* Only ``text/html`` and ``application/xhtml+xml`` are read; anything else
  (a PDF, an image, a JSON API) is left unread, and the page says why.
* At most ``cap`` bytes are held, read in chunks as they arrive (after
  decompression: a gzip bomb is capped like a large page). A body past the
  cap is dropped with its connection, unparsed: its anchors are unknown.
* A body still arriving at ``deadline`` (loop time) is dropped the same
  way: a page that drips keeps its status, not a worker.
* Only 2xx bodies are read: a 404's page has no anchors worth knowing.
* Bodies are read as sent: the session asks for no encoding and inflates
  nothing (session.py), so a page compressed all the same is left unread
  rather than parsed as garbage (whose anchors would all be "missing").
* Text is decoded by the ``Content-Type`` charset when it names a known
  one, else as a browser does (BOM, ``<meta charset>``, UTF-8); bad bytes
  are replaced, never raised on.
"""

from __future__ import annotations

import asyncio
import codecs
from dataclasses import dataclass

import aiohttp

from checker import replies
from checker.errors import MAPPED
from checker.sources._text import decode_html

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 65_536


@dataclass(slots=True, frozen=True)
class Page:
    """What one response's body gave: its HTML text, or why it was not read."""

    url: str  # where the body came from (after redirects): the base of its links
    status: int
    content_type: str  # the media type, lowercase, without parameters
    text: str | None = None  # the decoded HTML; None when not read
    note: str | None = None  # why ``text`` is None: "larger than …", "not HTML …"


async def read_page(resp: aiohttp.ClientResponse, cap: int, deadline: float | None = None) -> Page:
    """Read ``resp``'s body by the rules above. Never raises for what the
    server sends: a body cut off mid-way is a page with a note.
    ``deadline``: the event loop time by which the body must be in."""
    url, status, kind = str(resp.url), resp.status, resp.content_type.lower()

    def unread(note: str) -> Page:
        replies.drain(resp)  # a body still arriving goes with its connection
        return Page(url, status, kind, None, note)

    if not 200 <= status < 300:
        return unread(f"status {status}")
    if kind not in HTML_TYPES:
        return unread(f"not an HTML page ({kind or 'no content type'})")
    encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return unread(f"compressed ({encoding[:40]}) though no encoding was asked for")
    if (resp.content_length or 0) > cap:
        return unread(f"larger than --max-page-size ({cap} bytes)")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout_at(deadline):
            async for chunk in resp.content.iter_chunked(_CHUNK):
                size += len(chunk)
                if size > cap:
                    return unread(f"larger than --max-page-size ({cap} bytes)")
                chunks.append(chunk)
    except TimeoutError:
        return unread("the page was still arriving at the timeout")
    except MAPPED as exc:  # what aiohttp raises for a body cut off, bad chunking, bad gzip
        return unread(f"the page could not be read ({type(exc).__name__})")
    return Page(url, status, kind, _decode(b"".join(chunks), resp.charset), None)


def _decode(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            pass
        else:
            return data.decode(charset, errors="replace").replace("\r\n", "\n")
    return decode_html(data)


class PageRead:
    """The probe's hook for one GET that reads its final body
    (``Probe.__call__(..., read=...)``): afterwards ``page`` holds what was read,
    or None when no response came (a connection error, a redirect loop)."""

    __slots__ = ("cap", "deadline", "page")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.deadline: float | None = None  # set by the probe from its timeout
        self.page: Page | None = None

    async def __call__(self, resp: aiohttp.ClientResponse) -> None:
        self.page = await read_page(resp, self.cap, self.deadline)
