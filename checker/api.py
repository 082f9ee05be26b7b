"""The library API: the same engine the CLI runs.

async for result in checker.check(urls=["https://example.com/"]):
    print(result.url, result.outcome)

report = checker.check_sync(sources=["urls.txt"], settings=Settings(retries=0))
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncGenerator, Coroutine, Iterable
from typing import Any, TypeVar

from checker.engine import Run
from checker.models import Report, Result
from checker.settings import Settings
from checker.sources import ARG, Fetch, Link, SourceError, empty_input_message, read_sources
from checker.sources.resolve import remapped
from checker.targets import TargetIndex

T = TypeVar("T")


def build_index(
    urls: Iterable[str] = (),
    sources: Iterable[str] = (),
    settings: Settings | None = None,
    fetch: Fetch | None = None,
) -> TargetIndex:
    """Read literal ``urls`` and then ``sources`` (paths, ``-``, directories,
    globs, ``settings.sitemap``) into a target index. Sitemaps are fetched
    with ``fetch`` (a bridged ``checker.sources.fetch.Fetcher`` over the
    run's session), else with a private session opened when first needed.

    Raises :class:`checker.sources.SourceError` for a source that cannot be
    read, or when no link at all was read, unless ``settings.allow_empty``.
    """
    settings = settings or Settings()
    index = TargetIndex()
    try:
        index.add(
            remapped((Link(url, ARG, n) for n, url in enumerate(urls, start=1)), settings.remap)
        )
        sources = list(sources)
        index.add(read_sources(sources, settings=settings, fetch=fetch))
        if not index.links and not settings.allow_empty:
            message = empty_input_message(sources, settings)
            if message is not None:
                raise SourceError(message)
    except BaseException:
        index.close()
        raise
    return index


async def check(
    urls: Iterable[str] = (), *, sources: Iterable[str] = (), settings: Settings | None = None
) -> AsyncGenerator[Result, None]:
    """Yield one :class:`Result` per unique URL, in the order the strategy gives."""
    settings = settings or Settings()
    with build_index(urls, sources, settings) as index:
        results = Run(settings, index).results()
        try:
            async for result in results:
                yield result
        finally:
            # When our consumer stops early, stop the checks now, not when the
            # garbage collector or loop shutdown gets round to it.
            await results.aclose()


def check_sync(
    urls: Iterable[str] = (), *, sources: Iterable[str] = (), settings: Settings | None = None
) -> Report:
    """Check everything and return the whole :class:`Report`. Not for use inside a running loop."""
    settings = settings or Settings()

    async def collect() -> Report:
        with build_index(urls, sources, settings) as index:
            run = Run(settings, index)
            results = [result async for result in run.results()]
            return Report(run.summary, results)

    return run_loop(collect())


# At CPython's default of 700 the collector ran ~100 times in a check of the
# 10k benchmark list, ~0.8 ms each: 80 ms, 6 % of the run, spent finding
# little. At 10,000 it runs twice (1 ms in all). Garbage in reference cycles
# now waits for 10,000 allocations instead of 700: a few MB at most (the 1M
# benchmark's peak RSS went down, 66 → 63 MB).
GC_YOUNG_THRESHOLD = 10_000


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop where it is installed (ENGINEERING.md: ~1.3x the stock loop),
    with the cyclic garbage collector's young generation widened meanwhile."""
    threshold = gc.get_threshold()
    if 0 < threshold[0] < GC_YOUNG_THRESHOLD:  # 0: the caller turned collection off
        gc.set_threshold(GC_YOUNG_THRESHOLD, *threshold[1:])
    try:
        try:
            import uvloop
        except ImportError:
            return asyncio.run(main)
        return uvloop.run(main)
    finally:
        gc.set_threshold(*threshold)
