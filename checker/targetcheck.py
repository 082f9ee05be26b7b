"""The check of one target, as every strategy calls it: the gate decides
whether it is requested, the probe requests it (wrapped by the anchors,
--require-https and --suggest), the store answers or records it (--cache),
and the judge (--warn, --redirects) decides whether a failure is only a
warning.

:class:`Check` is the one containment: whatever a check raises, other than
cancellation, becomes that URL's ``internal`` result and the run goes on.
"""

from __future__ import annotations

import dataclasses
import sys
import traceback
from collections.abc import Iterator

import aiohttp

from checker.choices import Fragments
from checker.errors import internal
from checker.filters import IgnoreRules
from checker.gate import Gate
from checker.hoststats import HostStats
from checker.https_upgrade import ProbeLike, RequireHttps
from checker.levels import Judge
from checker.models import Outcome, Result, Target
from checker.probe import Probe
from checker.redact import Masker, forms
from checker.scheduler import Attempted
from checker.settings import Settings
from checker.store.memory import Memory
from checker.targets import TargetIndex


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
