"""The library API: the same run driver the CLI uses (checker/runner.py).

async for result in checker.check(urls=["https://example.com/"]):
    print(result.url, result.outcome)

report = checker.check_sync(sources=["urls.txt"], settings=Settings(retries=0))

No configuration file and no ``.urlcheckignore`` is read unless asked:
``ignore=checker.filters.read_ignore_file()`` applies the ignore file as the CLI does.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Any

from checker.filters import IgnoreRules
from checker.models import Report, Result
from checker.settings import Settings
from checker.sources import ARG, Fetch, Link, SourceError, empty_input_message, read_batches
from checker.sources.resolve import remapped
from checker.targets import TargetIndex

if TYPE_CHECKING:
    from checker.runner import run_loop

__all__ = ["build_index", "check", "check_sync", "run_loop"]


def __getattr__(name: str) -> Any:
    # The run driver imports the engine and aiohttp (~0.3 s, SSL contexts built
    # at import): only checking needs them, not build_index or a --dump.
    if name == "run_loop":
        from checker import runner

        return runner.run_loop
    raise AttributeError(f"module 'checker.api' has no attribute {name!r}")


def build_index(
    urls: Iterable[str] = (),
    sources: Iterable[str] = (),
    settings: Settings | None = None,
    fetch: Fetch | None = None,
    ignore: IgnoreRules = (),
) -> TargetIndex:
    """Read literal ``urls`` and then ``sources`` (paths, ``-``, directories,
    globs, ``settings.sitemap``) into a target index. Sitemaps are fetched
    with ``fetch`` (a bridged ``checker.sources.fetch.Fetcher`` over the
    run's session), else with a private session opened when first needed;
    either way ``ignore`` (.urlcheckignore rules) is asked before each fetch.

    With ``settings.shard``, only that shard's URLs are kept, and
    ``index.shard`` says which (checker/shard.py).

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
        index.add_batches(read_batches(sources, settings=settings, fetch=fetch, ignore=ignore))
        if not index.links and not settings.allow_empty:
            message = empty_input_message(sources, settings)
            if message is not None:
                raise SourceError(message)
        if settings.shard is not None:
            # After the emptiness check: a shard whose hosts hold no URL of an
            # input that has some is an empty shard, not "no links found".
            from checker.shard import select

            index.shard = select(index, settings.shard, settings)
    except BaseException:
        index.close()
        raise
    return index


async def check(
    urls: Iterable[str] = (),
    *,
    sources: Iterable[str] = (),
    settings: Settings | None = None,
    ignore: IgnoreRules = (),
) -> AsyncGenerator[Result, None]:
    """Yield one :class:`Result` per unique URL, in the order the strategy gives.

    ``ignore``: exclusion rules such as :func:`checker.filters.read_ignore_file` returns.
    """
    from checker.runner import Driver, stream

    settings = settings or Settings()
    with build_index(urls, sources, settings) as index:
        results = stream(Driver(settings, index, ignore))
        try:
            async for result in results:
                yield result
        finally:
            # When our consumer stops early, stop the checks now, not when the
            # garbage collector or loop shutdown gets round to it.
            await results.aclose()


def check_sync(
    urls: Iterable[str] = (),
    *,
    sources: Iterable[str] = (),
    settings: Settings | None = None,
    ignore: IgnoreRules = (),
) -> Report:
    """Check everything and return the whole :class:`Report`. Not for use inside a running loop."""
    from checker.runner import Driver, collect, run_loop

    settings = settings or Settings()

    async def run() -> Report:
        with build_index(urls, sources, settings) as index:
            return await collect(Driver(settings, index, ignore))

    return run_loop(run())
