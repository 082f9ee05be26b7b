"""What one request chain answered (:class:`Reply`), and what the probe does
with a raw aiohttp response: pool it or drop it, read the chain's cookies,
count the requests an attempt sent."""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp
from aiohttp import CookieJar
from yarl import URL

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(slots=True)
class Reply:
    status: int
    final_url: str
    redirects: list[str] = field(default_factory=list)
    retry_after: str | None = None
    moved_to: str | None = None  # where the chain's leading 301/308 hops led


def cookie_header(jar: CookieJar, url: URL) -> str:
    return "; ".join(
        f"{name}={morsel.coded_value}" for name, morsel in jar.filter_cookies(url).items()
    )


def drain(resp: aiohttp.ClientResponse) -> None:
    """Pool the connection only when its reply has fully arrived.

    The body is never waited for: once the status is known, a slow or endless
    body must not turn the result into a timeout, nor hold a worker. A body
    still on its way is dropped with its connection; one that is already in
    (most small ones arrive with the headers) costs nothing and keeps the
    connection for the next URL. It is never read, so never decoded.
    """
    if not resp.content.is_eof():
        resp.close()


def requests_of(reply: Reply | object) -> int:
    """Requests an attempt's chain sent: a host's rate limit counts each hop."""
    return len(reply.redirects) + 1 if isinstance(reply, Reply) else 1
