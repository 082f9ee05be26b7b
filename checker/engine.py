"""Targets → strategy → scheduler → check (gate, then one attempt of the
probe) → results: one run over one shared session.

:class:`Check` is the one containment: whatever a check raises, other than
cancellation, becomes that URL's ``internal`` result and the run goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time
import traceback
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import aiohttp

from checker import strategies
from checker.choices import Fragments
from checker.crawl.stats import CrawlStats
from checker.errors import internal
from checker.filters import IgnoreRules
from checker.gate import Gate
from checker.hoststats import HostStats
from checker.https_upgrade import ProbeLike, RequireHttps
from checker.levels import Judge
from checker.models import LateSources, Outcome, Result, Summary, Target
from checker.probe import Probe
from checker.redact import Masker, forms, redact
from checker.scheduler import Attempt, Attempted, Rules, Schedule
from checker.scheduler.hostkey import host_of
from checker.session import open_session
from checker.settings import Settings
from checker.store import Store, path_of
from checker.store.memory import Memory
from checker.targets import TargetIndex

if TYPE_CHECKING:
    from checker.crawl.crawler import Crawl

# Targets read ahead of the checks, so that hosts further down the input can
# run while the first ones wait (docs/SCHEDULING.md: why this bound suffices).
LOOKAHEAD = 8192


class Check:
    """The check every strategy calls for one target: the gate decides whether
    it is requested, the probe requests it, and the judge (--warn, --redirects)
    decides whether its failure is only a warning. Never raises but for
    cancellation."""

    __slots__ = ("_debug", "_gate", "_judge", "_memory", "_probe", "_secrets")

    def __init__(
        self, gate: Gate, probe: ProbeLike, settings: Settings, memory: Memory | None = None
    ) -> None:
        self._gate = gate
        self._probe = probe
        self._judge = Judge.of(settings)
        self._debug = settings.debug
        self._secrets = forms(settings.secrets)
        self._memory = memory  # the store (--cache): results reused, health set

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()

    def limits(self, host: str) -> tuple[int, float]:
        return self._probe.limits(host)

    @property
    def gate(self) -> Gate:
        """What decides whether a target is requested (a crawl asks it before a page read)."""
        return self._gate

    async def __call__(self, target: Target, tries: int = 1) -> Result | Attempted:
        """Attempt number ``tries`` at ``target``: a final :class:`Result`, or
        an :class:`Attempted` the scheduler may retry."""
        try:
            answer: Result | Attempted
            if self._memory is not None:
                answer = await self._memory.check(self._gate, self._probe, target, tries)
            else:
                gate = self._gate
                admitted = await gate(target) if gate.resolves else gate.offline(target)
                if isinstance(admitted, Result):
                    answer = admitted
                else:
                    answer = await self._probe(target, admitted, tries)
            return self.judged(answer)
        except Exception as exc:  # a bug: CancelledError is not an Exception, so it passes
            if self._debug:
                self.print_traceback(target, exc)
            return Result.for_target(target, Outcome.ERROR, error=internal(exc))

    def answer(self, target: Target) -> Result | None:
        """``target``'s result when it is known without an attempt (a fresh
        one in the store, --cache), judged; None: it is checked. The
        scheduler asks before queuing it, so it takes no host slot."""
        if self._memory is None:
            return None
        try:
            cached = self._memory.answer(self._gate, target)
        except Exception:  # a bug: the check meets it again, and contains it
            return None
        if cached is None or self._judge is None:
            return cached
        return self._judge(cached)

    def prefetching(self, targets: Iterator[Target]) -> Iterator[Target]:
        """``targets``, with the store's rows read ahead in batches (--cache)."""
        return targets if self._memory is None else self._memory.prefetch(targets)

    def judged(self, answer: Result | Attempted) -> Result | Attempted:
        """``answer`` as --warn and --redirects see it (a crawl's page reads too)."""
        judge = self._judge
        if judge is None:
            return answer
        if isinstance(answer, Result):
            return judge(answer)
        # Judged whether or not it is retried: a retry is judged again.
        judged = judge(answer.result)
        return answer if judged is answer.result else dataclasses.replace(answer, result=judged)

    def print_traceback(self, target: Target, exc: Exception) -> None:
        text = f"urlcheck: internal error while checking {target.url}\n"
        text += "".join(traceback.format_exception(exc))
        # A traceback quotes URLs and messages: masked as every output is.
        sys.stderr.write(Masker(self._secrets).text(text))


def check_for(
    session: aiohttp.ClientSession,
    settings: Settings,
    ignore: IgnoreRules = (),
    host_stats: dict[str, HostStats] | None = None,
    targets: TargetIndex | None = None,
) -> Check:
    """The check a run makes of each target, over ``session``. ``targets``:
    the run's index, which --fragments all asks for the pages with anchors."""
    base = Probe(session, settings, host_stats)
    probe: ProbeLike = base
    if settings.fragments is Fragments.ALL:  # innermost: it asks the probe to read pages
        from checker.anchors.remote import RemoteAnchors, pages_with_fragments

        pages = pages_with_fragments(targets.urls_containing("#")) if targets else None
        probe = RemoteAnchors(base, settings, pages)
    if settings.require_https:
        probe = RequireHttps(probe)
    if settings.suggest:
        from checker.wayback import Suggest, Wayback

        probe = Suggest(probe, Wayback(session, settings), settings.retries)
    memory = Memory(settings, forms(settings.secrets)) if settings.cache else None
    return Check(Gate(settings, ignore), probe, settings, memory)


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
