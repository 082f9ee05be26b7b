"""The ``--host-stats`` table on stderr, after the report, for every format
but json (whose document has a ``"hosts"`` object): stdout stays the same
report as without the option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from checker.hoststats import HostStats, HostTable, table
from checker.models import Result, Summary
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.neutral import neutralise
from checker.reporters.plain import escape


class HostTableReporter(Reporter):
    def __init__(self, err: TextIO, options: ReportOptions) -> None:
        self._err = err
        self._actions = options.actions
        self._hosts = HostTable()

    def add(self, result: Result) -> None:
        self._hosts.add(result)

    def host_stats(self, hosts: Mapping[str, HostStats]) -> None:
        self._hosts.merge(hosts)

    def finish(self, summary: Summary) -> None:
        self._err.write(table(self._hosts, self._host_text) + "\n")
        self._err.flush()

    def _host_text(self, host: str) -> str:
        # stderr is a log the Actions runner reads too.
        return neutralise(escape(host), mentions=False) if self._actions else escape(host)
