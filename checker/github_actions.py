"""Running inside GitHub Actions (``GITHUB_ACTIONS=true``).

The text report gains the ``github`` annotations on stdout, where the runner
reads workflow commands, so each failing link is flagged on its file and
line; and the Markdown report is appended to ``$GITHUB_STEP_SUMMARY``, the
page shown on the run. ``--no-ci-annotations`` turns both off.

Annotations join only the text report: on stdout they would corrupt json,
jsonl, csv or xml, and ``--format github`` already is them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TextIO

from checker.choices import Format
from checker.models import Result, Summary
from checker.reporters.github import GithubReporter
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.markdown import MarkdownReport

# GitHub refuses a step summary over 1 MiB, and then shows none of it.
STEP_SUMMARY_LIMIT = 1024 * 1024
_TRUNCATED = "\n… (cut here: GitHub limits a job summary to 1 MiB; see the full report)\n"


def active(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def fit(markdown: str, limit: int = STEP_SUMMARY_LIMIT) -> str:
    """``markdown``, cut at a line boundary with a note if it exceeds ``limit`` bytes."""
    data = markdown.encode("utf-8")
    if len(data) <= limit:
        return markdown
    room = limit - len(_TRUNCATED.encode("utf-8"))
    head = data[:room].decode("utf-8", "ignore")
    return head[: head.rfind("\n") + 1] + _TRUNCATED


class StepSummaryReporter(Reporter):
    """Appends the Markdown report to the step summary file, as GitHub expects
    (several steps, or several runs in one step, share it)."""

    def __init__(self, path: str, err: TextIO, options: ReportOptions) -> None:
        self.path = path
        self._err = err
        self._report = MarkdownReport(verbose=options.verbose)

    def add(self, result: Result) -> None:
        self._report.add(result)

    def finish(self, summary: Summary) -> None:
        try:
            with open(self.path, "a", encoding="utf-8") as summary_file:
                summary_file.write(fit(self._report.render(summary)))
        except OSError as exc:
            # The environment asked for it, not the user: a warning, not a failed run.
            self._err.write(
                f"urlcheck: warning: cannot write the job summary {self.path!r}: "
                f"{exc.strerror or exc}\n"
            )


def extras(
    fmt: Format, options: ReportOptions, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]
) -> list[Reporter]:
    """The extra reporters a run inside GitHub Actions gets (the caller checks
    :func:`active` and ``--no-ci-annotations``)."""
    found: list[Reporter] = []
    if fmt is Format.TEXT:
        # Its own summary line would repeat the text report's: discard it.
        found.append(GithubReporter(stdout, io.StringIO(), options))
    path = environ.get("GITHUB_STEP_SUMMARY")
    if path:
        found.append(StepSummaryReporter(path, stderr, options))
    return found
