"""csv: one row per unique URL under a header row, streamed as results arrive.

Columns: url, outcome, status, error_kind, error_message, final_url,
elapsed_ms, attempts, sources. ``outcome`` is what separates successes from
failures (filter on it); an unknown value is an empty cell, and ``sources``
joins every ``path:line`` the URL was read from with ``;``. Quoting is the
csv module's default (RFC 4180 style), so commas, quotes and line breaks in a
message round-trip through any CSV reader.
"""

from __future__ import annotations

import csv

from checker.models import Result, Summary
from checker.reporters.describe import where
from checker.reporters.interface import Reporter
from checker.reporters.plain import summary_line

COLUMNS = (
    "url",
    "outcome",
    "status",
    "error_kind",
    "error_message",
    "final_url",
    "elapsed_ms",
    "attempts",
    "sources",
)


def row(result: Result) -> list[object]:
    error = result.error
    return [
        result.url,
        result.outcome,
        result.status,
        None if error is None else error.kind,
        None if error is None else error.message,
        result.final_url,
        None if result.elapsed_ms is None else round(result.elapsed_ms, 3),
        result.attempts,
        ";".join(where(source) for source in result.sources),
    ]


class CsvReporter(Reporter):
    def start(self, total: int) -> None:
        # "\n", not the module's default "\r\n": the stream is text and may be
        # a terminal or a pipe; every CSV reader accepts either.
        self._writer = csv.writer(self.out, lineterminator="\n")
        self._writer.writerow(COLUMNS)

    def add(self, result: Result) -> None:
        self._writer.writerow(row(result))
        self.out.flush()

    def finish(self, summary: Summary) -> None:
        self.out.flush()
        if not self.settings.quiet:
            self.err.write(summary_line(summary) + "\n")
