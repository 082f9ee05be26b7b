"""jsonl: one RESULT per line on stdout, flushed as soon as it is known."""

from __future__ import annotations

import json

from checker.models import Result, Summary
from checker.reporters.interface import Reporter
from checker.reporters.text import summary_line


class JsonLinesReporter(Reporter):
    def add(self, result: Result) -> None:
        self.out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self.out.flush()

    def finish(self, summary: Summary) -> None:
        if not self.settings.quiet:
            self.err.write(summary_line(summary) + "\n")
