"""robots.txt, honoured for the pages a crawl reads (never for link checks).

One fetch per origin, shared by every page of it (concurrent asks wait for
the same fetch), over the run's session, capped at :data:`ROBOTS_CAP` bytes
and the request timeout. As RFC 9309 says: a 4xx (no robots.txt) allows
everything; a 5xx or an unreachable file disallows everything for the
crawl, with one warning, since the site may not want to be read. Parsing is
the stdlib's ``urllib.robotparser``.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import aiohttp
from yarl import URL

from checker.errors import MAPPED
from checker.proxy import Proxies
from checker.sources.interface import Warn

_FAILED: tuple[type[BaseException], ...] = (
    TimeoutError,
    *MAPPED,
)  # what aiohttp raises, mapped once in errors.py
ROBOTS_CAP = 512 * 1024  # Google reads the first 500 KiB


class Robots:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        proxies: Proxies,
        user_agent: str,
        timeout: float,
        warn: Warn,
    ) -> None:
        self._session = session
        self._proxies = proxies
        self._agent = user_agent
        self._timeout = timeout
        self._warn = warn
        self._rules: dict[str, asyncio.Future[RobotFileParser | None]] = {}

    async def allowed(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        rules = self._rules.get(origin)
        if rules is None:
            rules = self._rules[origin] = asyncio.get_running_loop().create_future()
            try:
                rules.set_result(await self._fetch(origin))
            except BaseException:
                del self._rules[origin]  # cancelled: the next ask fetches again
                rules.cancel()
                raise
        parser = await asyncio.shield(rules)
        return True if parser is None else parser.can_fetch(self._agent, url)

    async def _fetch(self, origin: str) -> RobotFileParser | None:
        """The parsed file; None when there is none (everything allowed)."""
        where = f"{origin}/robots.txt"
        try:
            async with asyncio.timeout(self._timeout):
                body, status = await self._get(URL(where))
        except _FAILED as exc:
            self._warn(f"{where} could not be read ({type(exc).__name__}): its pages are not read")
            return _disallow_all()
        if 400 <= status < 500:
            return None
        if status >= 500 or body is None:
            self._warn(f"{where} answered {status}: its pages are not read")
            return _disallow_all()
        parser = RobotFileParser()
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser

    async def _get(self, url: URL) -> tuple[bytes | None, int]:
        proxy, proxy_headers, headers = self._proxies.for_url(url, None)
        async with self._session.get(
            url, headers=headers, proxy=proxy, proxy_headers=proxy_headers, max_redirects=5
        ) as resp:
            if resp.status >= 300:
                return None, resp.status
            chunks: list[bytes] = []
            size = 0
            while size < ROBOTS_CAP and (chunk := await resp.content.read(ROBOTS_CAP - size)):
                chunks.append(chunk)
                size += len(chunk)
            resp.close()  # the rest, if any, is not read
            return b"".join(chunks), resp.status


def _disallow_all() -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(["User-agent: *", "Disallow: /"])
    return parser
