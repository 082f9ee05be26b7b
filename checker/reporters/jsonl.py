"""jsonl: one RESULT per line on stdout, flushed as soon as it is known.

With ``--crawl``, places found after their URL's line was written follow
the results, one ``{"late_sources": {"url": ..., "sources": [...]}}`` line
per URL (checker/schema.py).

With ``--shard``, a first line ``{"shard": {...}}`` precedes the results
(checker/shard.py): written before any result, so that even a shard stopped
half-way names itself, and its ``urls`` tells ``urlcheck merge`` how many
results must follow. Plain runs print RESULT lines only.
"""

from __future__ import annotations

from typing import TextIO

from checker.models import LateSources, Result, Summary
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.json import dumps
from checker.reporters.plain import summary_line


class JsonLinesReporter(Reporter):
    def __init__(self, out: TextIO, err: TextIO, options: ReportOptions) -> None:
        self._out = out
        self._err = err
        self._quiet = options.quiet
        self._shard = options.shard

    def start(self, total: int) -> None:
        if self._shard is not None:
            self._out.write(dumps({"shard": self._shard.to_dict()}) + "\n")
            self._out.flush()

    def add(self, result: Result) -> None:
        self._out.write(dumps(result.to_dict()) + "\n")
        self._out.flush()

    def late_sources(self, late: LateSources) -> None:
        self._out.write(dumps(late.to_dict()) + "\n")
        self._out.flush()

    def finish(self, summary: Summary) -> None:
        if not self._quiet:
            self._err.write(summary_line(summary) + "\n")
