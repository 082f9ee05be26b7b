"""jsonl: one RESULT per line on stdout, flushed as soon as it is known."""

from __future__ import annotations

from checker.models import Result, Summary
from checker.reporters.interface import Reporter
from checker.reporters.json import _dumps
from checker.reporters.plain import summary_line


class JsonLinesReporter(Reporter):
    def add(self, result: Result) -> None:
        self.out.write(_dumps(result.to_dict()) + "\n")
        self.out.flush()

    def finish(self, summary: Summary) -> None:
        if not self.settings.quiet:
            self.err.write(summary_line(summary) + "\n")
