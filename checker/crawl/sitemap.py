"""``--crawl-sitemap``: the pages a seed's ``/sitemap.xml`` lists join the crawl.

The sitemap is read by the sitemap source (checker/sources/sitemap.py) over
the one fetch path (checker/sources/fetch.py, bridged to the run's session),
so its caps hold: ``--max-sitemaps``, ``--fetch-timeout``, 50 MB, gzip bombs,
an index followed. A seed without one (404, unreachable) is a warning, not a
failure. Only the pages inside the crawl scope are added.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import aiohttp

from checker.filters import IgnoreRules
from checker.settings import Settings
from checker.sources import SourceError, read_sources
from checker.sources.fetch import Fetcher
from checker.sources.interface import Link, Warn


async def sitemap_pages(
    seeds: Iterable[str],
    settings: Settings,
    session: aiohttp.ClientSession,
    ignore: IgnoreRules,
    in_scope: Callable[[str], bool],
    warn: Warn,
) -> list[Link]:
    fetch = Fetcher.bridged(asyncio.get_running_loop(), session, settings, ignore)
    origins = dict.fromkeys(_origin(seed) for seed in seeds)
    found: list[Link] = []
    for origin in origins:
        if origin is None:
            continue
        url = f"{origin}/sitemap.xml"
        only = settings.model_copy(update={"sitemap": (url,), "files_from": None})

        def read(only: Settings = only, url: str = url) -> list[Link]:
            try:
                return [
                    link
                    for link in read_sources([], settings=only, fetch=fetch, warn=warn)
                    if in_scope(link.url)
                ]
            except SourceError as exc:
                warn(f"--crawl-sitemap: {exc}")
                return []

        found += await asyncio.to_thread(read)
    return found


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc}" if parts.netloc else None
