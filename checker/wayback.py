"""``--suggest``: an archived copy, from the Wayback Machine, for each dead link.

Asks the availability API (``GET {--wayback-url}/wayback/available?url=URL``,
https://archive.org/help/wayback_api.php) once per broken or errored URL,
after its check, and puts the closest snapshot's URL in the result's
``suggestion``. The answer is the hostile web like any other: read up to
64 KiB, within ``--timeout``; anything that is not the documented JSON (an
error status, a wrong type, a snapshot URL that is not http(s)) is no
suggestion, never an error of the link. Goes through the run's session, so
proxies apply.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from yarl import URL

from checker.https_upgrade import ProbeLike
from checker.models import ErrorKind, Outcome, Result, Target
from checker.proxy import Proxies
from checker.settings import Settings

DEFAULT_URL = "https://archive.org"
MAX_BODY = 64 * 1024
_DEAD = frozenset({Outcome.BROKEN, Outcome.ERROR})


class Wayback:
    def __init__(self, session: aiohttp.ClientSession, settings: Settings) -> None:
        self._session = session
        base = URL(settings.wayback_url.rstrip("/"))
        self._api = base.with_path(base.path.rstrip("/") + "/wayback/available")
        self._timeout = settings.timeout
        self._proxies = Proxies(settings.http_proxy, settings.https_proxy, settings.no_proxy)

    async def suggest(self, url: str) -> str | None:
        api = self._api.with_query(url=url)
        proxy, proxy_headers, headers = self._proxies.for_url(api, None)
        try:
            async with asyncio.timeout(self._timeout):
                async with self._session.get(
                    api, proxy=proxy, proxy_headers=proxy_headers, headers=headers
                ) as resp:
                    if resp.status != 200:
                        return None
                    body = await _read(resp.content)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        if body is None:
            return None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return None
        return _closest(data)


async def _read(stream: aiohttp.StreamReader) -> bytes | None:
    """The body, or None past MAX_BODY: no answer of that size is the API's."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(MAX_BODY + 1 - size):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            return None
    return b"".join(chunks)


def _closest(data: Any) -> str | None:
    snapshots = data.get("archived_snapshots") if isinstance(data, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    found = closest.get("url")
    if not isinstance(found, str) or not found.startswith(("http://", "https://")):
        return None
    return found if len(found) <= 8192 and not any(c.isspace() for c in found) else None


class Suggest:
    """Wraps the probe: a dead link's result gets the Wayback Machine's snapshot."""

    def __init__(self, probe: ProbeLike, wayback: Wayback) -> None:
        self._probe = probe
        self._wayback = wayback

    async def __call__(self, target: Target, parsed: URL | None = None) -> Result:
        result = await self._probe(target, parsed)
        if result.outcome in _DEAD and not (
            result.error is not None and result.error.kind is ErrorKind.INTERNAL
        ):
            result.suggestion = await self._wayback.suggest(target.url)
        return result
