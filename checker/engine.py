"""Targets → strategy → probe → results: one run over one shared session."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Iterator

from checker import strategies
from checker.filters import IgnoreRules
from checker.hoststats import HostStats
from checker.models import Outcome, Result, Summary
from checker.probe import Probe
from checker.redact import forms, redact
from checker.scheduler import Rules, Schedule
from checker.scheduler.hostkey import host_of
from checker.session import open_session
from checker.settings import Settings
from checker.targets import TargetIndex

# Targets read ahead of the checks, so that hosts further down the input can
# run while the first ones wait (docs/SCHEDULING.md: why this bound suffices).
LOOKAHEAD = 8192


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
        self._reported = bytearray(len(targets))
        self._started = time.perf_counter()
        self._secrets = forms(settings.secrets)
        # Filled in as the run goes, one entry per host; only with --host-stats.
        self.host_stats: dict[str, HostStats] | None = {} if settings.host_stats else None

    async def results(self) -> AsyncGenerator[Result, None]:
        settings = self.settings
        self._started = time.perf_counter()
        async with open_session(settings) as session:
            strategy = strategies.load(settings.strategy)
            probe = Probe(session, settings, self.host_stats, self._ignore)
            rules = Rules(
                retries=settings.retries,
                max_retry_wait=settings.max_retry_wait,
                dead_after=settings.dead_host_after,
                lookahead=max(LOOKAHEAD, 4 * settings.concurrency),
                limits=probe.limits,
                stats=self.host_stats,
            )
            schedule = Schedule(rules, host_of)
            stream = strategy(iter(self._targets), probe, settings.concurrency, schedule)
            try:
                async for result in stream:
                    self._count(redact(result, self._secrets))
                    yield result
            finally:
                await stream.aclose()
        if self.summary.total < len(self._targets):  # else a second pass over the index for nothing
            for result in self.unfinished():
                yield result

    def unfinished(self) -> Iterator[Result]:
        """Report as ``cancelled`` every target no result was given for."""
        for target in self._targets:
            if not self._reported[target.index]:
                result = Result.for_target(target, Outcome.CANCELLED)
                self._count(result)
                yield result

    def _count(self, result: Result) -> None:
        self._reported[result.index] = 1
        self.summary.add(result)
        self.summary.duration_s = time.perf_counter() - self._started
