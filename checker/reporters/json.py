"""json: one object, ``{"results": [...], "summary": {...}}``, and
``"hosts": {...}`` after the summary with ``--host-stats``.

Results are written as they arrive and the summary last, so a run of any
size streams in constant memory, and an interrupted run still closes the
document (the engine reports the rest as ``cancelled`` first).
"""

from __future__ import annotations

import json

from checker.hoststats import HostStats, ordered
from checker.models import Result, Summary
from checker.reporters.interface import Reporter


class JsonReporter(Reporter):
    _count = 0
    _hosts = ""

    def start(self, total: int) -> None:
        self.out.write('{"results": [')

    def add(self, result: Result) -> None:
        self.out.write(("\n  " if self._count == 0 else ",\n  ") + _dumps(result.to_dict()))
        self._count += 1

    def host_stats(self, hosts: dict[str, HostStats]) -> None:
        by_host = {host: entry.to_dict() for host, entry in ordered(hosts)}
        self._hosts = f', "hosts": {_dumps(by_host)}'

    def finish(self, summary: Summary) -> None:
        closing = "\n]" if self._count else "]"
        self.out.write(f'{closing}, "summary": {_dumps(summary.to_dict())}{self._hosts}}}\n')
        self.out.flush()


# json.dumps() builds a new encoder on every call when given any option.
_dumps = json.JSONEncoder(ensure_ascii=False).encode
