"""markdown: a report fit for an issue body or a GitHub job summary.

A summary table, then the failures grouped by source file as task-list
items (``- [ ] url — reason (path:line)``) so an issue opened from it tracks
each fix, then, with ``-v``, the links that are ok and those excluded.

URLs become autolinks (``<https://…>``) when they can, else code spans; other
text has Markdown's significant characters backslash-escaped, so a URL or an
error message can neither format nor inject anything. Workflow commands and
``@mentions`` are broken up (checker/reporters/neutral.py): the document may be
printed in an Actions log, and GitHub renders it.

:class:`MarkdownReport` is also used to write ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import re
from typing import TextIO

from checker.models import LateSources, Outcome, Result, Summary
from checker.reporters.describe import occurrences, reason, where
from checker.reporters.health import is_new
from checker.reporters.interface import Kept, Reporter, ReportOptions
from checker.reporters.neutral import neutralise
from checker.reporters.plain import escape

# Backslash-escaping any ASCII punctuation is allowed by CommonMark; these are
# the ones that can start emphasis, links, HTML, code, tables or math mid-line
# (parentheses only matter after a bracket, which is escaped).
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&$])")
_NOT_AUTOLINK = re.compile(r"[\s<>\x00-\x1f\x7f]")
_BACKTICKS = re.compile(r"`+")


def printable(text: str) -> str:
    """No control character, no workflow command, no mention."""
    return neutralise(escape(text))


def escape_text(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", printable(text))


def code(text: str) -> str:
    """A code span that holds ``text`` verbatim, however many backticks it contains."""
    text = printable(text)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(url: str) -> str:
    # A URL that neutralise() would change is shown as code: a zero-width space
    # inside an autolink would change where it points.
    if (
        url.lower().startswith(("http://", "https://"))
        and not _NOT_AUTOLINK.search(url)
        and neutralise(url, mentions=False) == url
    ):
        return f"<{url}>"
    return code(url)


class MarkdownReport:
    """Collects results, then renders the whole document at once. Keeps the
    failures (and, when ``verbose``, the rest), never more."""

    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose
        self._failures: list[Result] = []
        self._ok: list[Result] = []
        self._excluded: list[Result] = []
        self._moved: list[Result] = []  # ok but moved permanently: listed even without -v
        self._kept = Kept()  # what is listed, for places found late (--crawl)

    def add(self, result: Result) -> None:
        if result.outcome.failed:
            self._failures.append(self._kept.keep(result))
        elif result.moved_to is not None:
            self._moved.append(self._kept.keep(result))
        elif self.verbose:
            listed = self._ok if result.outcome is Outcome.OK else self._excluded
            listed.append(self._kept.keep(result))

    def late(self, late: LateSources) -> None:
        self._kept.late(late)

    def render(self, summary: Summary) -> str:
        failed = summary.failing  # warnings are listed, but did not fail
        links = "link" if summary.total == 1 else "links"
        warned = summary.warnings
        if failed or warned:
            title = f"{failed} of {summary.total} {links} failed"
            title += f", {warned} warning{'' if warned == 1 else 's'}" if warned else ""
        elif summary.total:
            title = f"all {summary.total} {links} ok"
        else:
            title = "no links to check"
        lines = [
            f"## urlcheck: {title}",
            "",
            "| total | ok | broken | error | excluded | cancelled | duration |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {summary.total} | {summary.ok} | {summary.broken} | {summary.error} "
            f"| {summary.excluded} | {summary.cancelled} | {summary.duration_s:.2f} s |",
        ]
        new = [r for r in self._failures if is_new(r)]
        known = [r for r in self._failures if not is_new(r)] if new else self._failures
        for heading, failures in (("New failures", new), ("Failures", known)):
            lines += _failures(heading, failures)
        if self._moved:
            lines += ["", f"### Moved permanently ({len(self._moved)})", ""]
            lines += [
                f"- [ ] {link(r.url)} → {link(r.moved_to or '')}"
                for r in sorted(self._moved, key=lambda r: r.url)
            ]
        for heading, results in (("OK", self._ok), ("Excluded", self._excluded)):
            if results:
                lines += ["", f"### {heading} ({len(results)})", ""]
                lines += [
                    f"- {link(r.url)} — {escape_text(reason(r))}"
                    for r in sorted(results, key=lambda r: r.url)
                ]
        return "\n".join(lines) + "\n"


def _failures(heading: str, failures: list[Result]) -> list[str]:
    """A heading, then the failures grouped by source file as task-list items."""
    if not failures:
        return []
    lines = ["", f"### {heading}"]
    path = None
    for source, result in occurrences(failures):
        if source.path != path:
            path = source.path
            lines += ["", f"#### {code(path)}", ""]
        lines.append(
            f"- [ ] {link(result.url)} — {escape_text(reason(result))} "
            f"({escape_text(where(source))})"
        )
    return lines


class MarkdownReporter(Reporter):
    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self._out = out
        self._report = MarkdownReport(verbose=options.verbose)

    def add(self, result: Result) -> None:
        self._report.add(result)

    def late_sources(self, late: LateSources) -> None:
        self._report.late(late)

    def finish(self, summary: Summary) -> None:
        self._out.write(self._report.render(summary))
        self._out.flush()
