"""Targets → strategy → scheduler → check (targetcheck.py: gate, then one
attempt of the probe) → results: one run over one shared session.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import aiohttp

from checker import strategies
from checker.crawl.stats import CrawlStats
from checker.filters import IgnoreRules
from checker.hoststats import HostStats
from checker.levels import Judge
from checker.models import LateSources, Outcome, Result, Summary, Target
from checker.redact import Masker, forms, redact
from checker.scheduler import Attempt, Rules, Schedule
from checker.scheduler.hostkey import host_of
from checker.session import open_session
from checker.settings import Settings
from checker.store import Store, path_of
from checker.targetcheck import Check, check_for
from checker.targets import TargetIndex

if TYPE_CHECKING:
    from checker.crawl.crawler import Crawl

# Targets read ahead of the checks, so that hosts further down the input can
# run while the first ones wait (docs/SCHEDULING.md: why this bound suffices).
LOOKAHEAD = 8192


# Starts a crawl over the run's session and plain check (Run._start_crawl).
StartCrawl = Callable[[Check, aiohttp.ClientSession], Awaitable["Crawl"]]


async def checks(
    settings: Settings,
    targets: Iterator[Target],
    count: int,
    ignore: IgnoreRules = (),
    host_stats: dict[str, HostStats] | None = None,
    index: TargetIndex | None = None,
    start_crawl: StartCrawl | None = None,
) -> AsyncGenerator[Result, None]:
    """Every target's result, as the strategy gives them, over one session:
    the path a run takes, in one process or in each worker (checker/workers/).
    ``count`` (how many targets there are) caps the concurrency; ``index``
    is the run's target index, which ``--fragments all`` asks for the pages
    with anchors; ``start_crawl`` makes the run a crawl (``--crawl``)."""
    async with open_session(settings) as session:
        strategy = strategies.load(settings.strategy)
        plain = check_for(session, settings, ignore, host_stats, index)
        check: Attempt = plain
        crawl = None
        if start_crawl is not None:
            crawl = await start_crawl(plain, session)
            check, targets, count = crawl, crawl.feed, settings.concurrency
        else:  # --cache: fresh results answered before the scheduler (a crawl reads pages)
            targets = plain.prefetching(targets)
        rules = Rules(
            retries=settings.retries,
            max_retry_wait=settings.max_retry_wait,
            retry_wait=settings.retry_wait,
            dead_after=settings.dead_host_after,
            lookahead=max(LOOKAHEAD, 4 * settings.concurrency),
            limits=plain.limits,
            stats=host_stats,
            on_grow=None if crawl is None else crawl.attach,
            judge=Judge.of(settings),
            answer=plain.answer if crawl is None and settings.cache else None,
        )
        # One worker per target at most: -c 1000000 for one URL is one worker.
        workers = max(1, min(settings.concurrency, count))
        stream = strategy(targets, check, workers, Schedule(rules, host_of))
        try:
            async for result in stream:
                if crawl is not None:
                    crawl.late.refresh(result)  # the places known by now
                yield result
        finally:
            await stream.aclose()
            plain.close()


class Run:
    """Checks every target of an index once.

    Every target is reported exactly once: by the strategy, or, when the run
    stops early (fail-fast, an interrupt, a consumer that goes away), as
    ``cancelled`` by :meth:`unfinished`. ``summary`` counts what was reported.
    """

    def __init__(self, settings: Settings, targets: TargetIndex, ignore: IgnoreRules = ()) -> None:
        self.settings = settings
        self._ignore = ignore  # .urlcheckignore rules, when the caller read the file
        self.summary = Summary(strategy=settings.strategy.value)
        self._targets = targets
        self._reported = bytearray(len(targets))  # grows with a crawl's targets
        self.crawl: Crawl | None = None
        self.crawl_stats = CrawlStats()
        self._started = time.perf_counter()
        self._secrets = forms(settings.secrets)
        # Filled in as the run goes, one entry per host; only with --host-stats.
        self.host_stats: dict[str, HostStats] | None = {} if settings.host_stats else None
        # --cache: opened here so that a bad store fails before any request
        # (StoreError); results are recorded as they are reported, in batches.
        self._store = Store(path_of(settings.cache_file)) if settings.cache else None

    async def results(self) -> AsyncGenerator[Result, None]:
        self._started = time.perf_counter()
        checked = checks(
            self.settings,
            iter(self._targets),
            len(self._targets),
            self._ignore,
            self.host_stats,
            self._targets,
            self._start_crawl if self.settings.crawl else None,
        )
        store = self._store
        flusher = asyncio.create_task(store.keep_flushing()) if store is not None else None
        try:
            async for result in checked:
                self._count(redact(result, self._secrets))
                if store is not None:
                    store.add(result)  # masked: the store holds what reports show
                yield result
        finally:
            await checked.aclose()
            self._clock()
            if flusher is not None:
                flusher.cancel()
            if store is not None:
                store.finish(self.summary, len(self._targets))
        if self.summary.total < len(self._targets):  # else a second pass over the index for nothing
            for result in self.unfinished():
                yield result

    async def _start_crawl(self, plain: Check, session: aiohttp.ClientSession) -> Crawl:
        from checker.crawl.crawler import Crawl

        crawl = self.crawl = Crawl(
            self.settings,
            self._targets,
            plain,
            session,
            self._was_reported,
            self.crawl_stats,
            self._ignore,
            self.host_stats,
        )
        await crawl.start()
        return crawl

    def unfinished(self) -> Iterator[Result]:
        """Report as ``cancelled`` every target no result was given for."""
        if self.summary.total >= len(self._targets):
            return  # all reported: no pass over the index (a crawl's may be large)
        for target in self._targets:
            if not self._was_reported(target.index):
                result = Result.for_target(target, Outcome.CANCELLED)
                self._count(result)
                yield result
        self._clock()

    def late_sources(self) -> Iterator[LateSources]:
        """A crawl's places found after their URL's result was out, masked."""
        if self.crawl is None:
            return
        masker = Masker(self._secrets)
        for late in self.crawl.late.records():
            sources = tuple(replace(s, path=masker.text(s.path)) for s in late.sources)
            yield replace(late, url=masker.text(late.url), sources=sources)

    def _was_reported(self, index: int) -> bool:
        return index < len(self._reported) and bool(self._reported[index])

    def _count(self, result: Result) -> None:
        reported = self._reported
        if result.index >= len(reported):
            reported.extend(bytes(max(result.index + 1, 2 * len(reported)) - len(reported)))
        reported[result.index] = 1
        self.summary.add(result)

    def _clock(self) -> None:
        """The run's duration, set once its results are out, not per result."""
        self.summary.duration_s = time.perf_counter() - self._started
