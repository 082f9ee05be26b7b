"""fan-out: one run, several reporters (the ``--format`` report, each
``--report`` file, the GitHub Actions extras, the progress bar, the host table)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checker.hoststats import HostStats
from checker.models import LateSources, Result, Summary
from checker.reporters.interface import Reporter


class Fanout(Reporter):
    """Feeds every call to each reporter, in order.

    Order matters at the end: the progress bar goes first so that it is
    cleared before any report is printed on the same terminal.
    """

    def __init__(self, reporters: Sequence[Reporter]) -> None:
        self.reporters = tuple(reporters)

    def start(self, total: int) -> None:
        for reporter in self.reporters:
            reporter.start(total)

    def add(self, result: Result) -> None:
        for reporter in self.reporters:
            reporter.add(result)

    def host_stats(self, hosts: Mapping[str, HostStats]) -> None:
        for reporter in self.reporters:
            reporter.host_stats(hosts)

    def late_sources(self, late: LateSources) -> None:
        for reporter in self.reporters:
            reporter.late_sources(late)

    def finish(self, summary: Summary) -> None:
        for reporter in self.reporters:
            reporter.finish(summary)


def fan_out(reporters: Sequence[Reporter]) -> Reporter:
    """One reporter for all of them; the one itself when there is one, to keep
    the common case free of the extra call per result."""
    return reporters[0] if len(reporters) == 1 else Fanout(reporters)
