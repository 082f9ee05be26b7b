"""The one run driver, for the CLI and the library alike.

:class:`Driver` turns a target index into every result exactly once, and
:func:`run_loop` runs a coroutine on the fastest loop at hand. The CLI feeds
the results to its reporters and calls :meth:`Driver.stop` on a signal;
:func:`checker.check` yields them; :func:`checker.check_sync` collects them.
Nothing here knows about the command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncGenerator, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from checker.crawl.stats import CrawlStats
from checker.engine import Run
from checker.filters import IgnoreRules
from checker.hoststats import HostStats
from checker.models import LateSources, Report, Result, Summary
from checker.settings import Settings
from checker.targets import TargetIndex
from checker.workers import processes

if TYPE_CHECKING:
    from checker.workers.pool import Pool

T = TypeVar("T")


class Driver:
    """One run over ``index``. Iterate :meth:`results` once.

    :meth:`stop` (the CLI calls it on SIGINT or SIGTERM) cancels the checks
    in flight, waits for them to wind down, and then reports every URL
    without a result as ``cancelled``. A second :meth:`stop` gives up
    waiting: what is known is reported at once.
    """

    def __init__(self, settings: Settings, index: TargetIndex, ignore: IgnoreRules = ()) -> None:
        self._run: Run | Pool = Run(settings, index, ignore)
        if settings.workers != 1 and (count := processes(settings, len(index))) > 1:
            # Imported only here: pickle and the pool are start-up a one-process run skips.
            from checker.workers.pool import Pool

            self._run = Pool(settings, index, ignore, count)
        self.total = len(index)
        self.stops = 0
        self._task: asyncio.Task[Any] | None = None  # while checks run, the task iterating them
        self._pending = False  # a stop cancelled that task, and no CancelledError was seen yet

    @property
    def summary(self) -> Summary:
        return self._run.summary

    @property
    def crawl_stats(self) -> CrawlStats:
        """``--crawl``: pages read and links found so far (the progress bar reads it)."""
        return self._run.crawl_stats

    def late_sources(self) -> Iterator[LateSources]:
        """``--crawl``: places found after their URL's result, once the results are out."""
        return self._run.late_sources()

    @property
    def host_stats(self) -> dict[str, HostStats] | None:
        return self._run.host_stats

    def stop(self) -> None:
        self.stops += 1
        if self._task is not None:
            self._pending = True
            self._task.cancel()

    async def results(self) -> AsyncGenerator[Result, None]:
        if not self.stops:
            self._task = asyncio.current_task()
            stream = self._run.results()
            try:
                async for result in stream:
                    yield result
            except asyncio.CancelledError:
                if not self._ours(self._task):
                    raise
            finally:
                await self._close(stream)
                await self._settle()
        # Whatever was stopped before it was reported.
        for result in self._run.unfinished():
            yield result

    async def _close(self, stream: AsyncGenerator[Result, None]) -> None:
        """Stop the checks now, in this loop: left to loop shutdown, they die noisily."""
        try:
            await stream.aclose()
        except asyncio.CancelledError:  # a second stop: stop waiting for them
            if not self._ours(self._task):
                raise

    async def _settle(self) -> None:
        """Take delivery of a stop that came after the last suspension, so
        that it cannot cancel the caller's code afterwards."""
        task, self._task = self._task, None
        if self._pending:
            try:
                await asyncio.sleep(0)
            except asyncio.CancelledError:
                if not self._ours(task):
                    raise
        self._pending = False

    def _ours(self, task: asyncio.Task[Any] | None) -> bool:
        """Whether a CancelledError comes from :meth:`stop` (else the caller
        was cancelled, and it must go on). Several stops before the task ran
        again are one CancelledError: every request is withdrawn."""
        if not self.stops or task is None:
            return False
        self._pending = False
        while task.cancelling():
            task.uncancel()
        return True


async def collect(driver: Driver) -> Report:
    """Every result of a run, and its summary."""
    async with contextlib.aclosing(driver.results()) as results:
        return Report(driver.summary, [result async for result in results])


async def stream(driver: Driver) -> AsyncGenerator[Result, None]:
    """Every result of a run, closing the checks when the consumer stops early."""
    async with contextlib.aclosing(driver.results()) as results:
        async for result in results:
            yield result


# At CPython's default of 700 the collector ran ~100 times in a check of the
# 10k benchmark list, ~0.8 ms each: 80 ms, 6 % of the run, spent finding
# little. At 10,000 it runs twice (1 ms in all). Garbage in reference cycles
# now waits for 10,000 allocations instead of 700: a few MB at most (the 1M
# benchmark's peak RSS went down, 66 → 63 MB).
GC_YOUNG_THRESHOLD = 10_000


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop where it is installed (~1.3x the stock loop's request
    rate, as the README's Dependencies table says), with the cyclic garbage
    collector's young generation widened meanwhile."""
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
