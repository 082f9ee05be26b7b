"""csv: one row per unique URL under a header row, streamed as results arrive.

Columns: url, outcome, status, error_kind, error_message, final_url,
elapsed_ms, attempts, sources, warning (why a failure is only a warning).
``outcome`` is what separates successes from failures (filter on it); an
unknown value is an empty cell, and ``sources`` joins every ``path:line``
the URL was read from with ``;``. Quoting is the csv module's default
(RFC 4180 style), so commas and quotes in a message round-trip through any
CSV reader.

Text cells are hostile input for whoever opens the file: control characters
other than tab and line breaks (which quoting carries) are shown as escapes
(``\x1b``), as CSV has no escape of its own; a
cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, CR first) gets a leading ``'``, as OWASP advises; inside GitHub Actions
workflow commands are neutralised, since the runner reads stdout.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TextIO

from checker.models import Result, Summary
from checker.reporters.describe import where
from checker.reporters.health import note
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.neutral import neutralise
from checker.reporters.plain import escape, summary_line

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
    "health",  # --cache: new, flaky or known (checker/reporters/health.py); else empty
    "warning",  # last: a reader of the older columns by position still works
)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """No terminal escape, and never a spreadsheet formula."""
    if not text.isprintable():
        # Tab and line breaks stay: quoting carries them.
        text = escape(text, keep="\t\r\n")
    return "'" + text if text.startswith(_FORMULA) else text


def _actions_cell(text: str) -> str:
    return neutralise(cell(text), mentions=False)


def row(result: Result, text: Callable[[str], str] = cell) -> list[object]:
    error = result.error
    return [
        text(result.url),
        result.outcome,
        result.status,
        None if error is None else error.kind,
        None if error is None else text(error.message),
        None if result.final_url is None else text(result.final_url),
        None if result.elapsed_ms is None else round(result.elapsed_ms, 3),
        result.attempts,
        text(";".join(where(source) for source in result.sources)),
        note(result),
        None if result.warning is None else text(result.warning),
    ]


class CsvReporter(Reporter):
    def __init__(self, out: TextIO, err: TextIO, options: ReportOptions) -> None:
        self._out = out
        self._err = err
        self._quiet = options.quiet
        self._text = _actions_cell if options.actions else cell
        # "\n", not the module's default "\r\n": the stream is text and may be
        # a terminal or a pipe; every CSV reader accepts either.
        self._writer = csv.writer(out, lineterminator="\n")

    def start(self, total: int) -> None:
        self._writer.writerow(COLUMNS)

    def add(self, result: Result) -> None:
        self._writer.writerow(row(result, self._text))
        self._out.flush()

    def finish(self, summary: Summary) -> None:
        self._out.flush()
        if not self._quiet:
            self._err.write(summary_line(summary) + "\n")
