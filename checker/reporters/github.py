"""github: GitHub Actions workflow commands, one annotation per place a
failing link was read, so the failure shows on that line of the pull request:

    ::error file=docs/index.md,line=12,col=5,title=urlcheck%3A broken::https://… — HTTP 404

Broken and errored links are ``error`` annotations; cancelled ones (never
finished) and failures reported as warnings (``--warn``) are ``warning``.
Successes and exclusions write nothing: an annotation is a request for
attention. A link read from stdin or the command line has no file, so its
annotation carries only a title.

:func:`annotate` is also used by the text report inside GitHub Actions.
Untrusted text (the URL, the file path, a server's words) is neutralised
first: it can start no other command and mention no one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from checker.models import Outcome, Result, Source, Summary
from checker.reporters.describe import is_file, reason, rule_id
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.neutral import neutralise
from checker.reporters.plain import escape, summary_line


def escape_data(text: str) -> str:
    """The message after ``::``; as ``escapeData`` in actions/toolkit's command.ts."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property; as ``escapeProperty`` in actions/toolkit's command.ts."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(result: Result, source: Source) -> str:
    """The workflow command for one occurrence of a failing result."""
    # A warning (--warn, --redirects warn) does not fail the run: not an error.
    level = "warning" if result.outcome is Outcome.CANCELLED or result.warning else "error"
    properties: list[tuple[str, str]] = []
    if is_file(source):
        properties += [("file", neutralise(escape(source.path))), ("line", str(source.line))]
        if source.column is not None:
            properties.append(("col", str(source.column)))
    properties.append(("title", f"urlcheck: {rule_id(result)}"))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    # Line breaks stay: escape_data encodes them, and GitHub shows them.
    message = neutralise(escape(f"{result.url} — {reason(result)}", keep="\r\n"))
    return f"::{level} {props}::{escape_data(message)}"


def annotate(result: Result) -> Iterator[str]:
    """One workflow command per occurrence of ``result``; none if it did not fail."""
    if result.outcome.failed:
        for source in result.sources:
            yield annotation(result, source)


class GithubReporter(Reporter):
    """Streams: each annotation is written as soon as its result is known."""

    def __init__(self, out: TextIO, err: TextIO, options: ReportOptions) -> None:
        self._out = out
        self._err = err
        self._quiet = options.quiet

    def add(self, result: Result) -> None:
        lines = "".join(line + "\n" for line in annotate(result))
        if lines:
            self._out.write(lines)
            self._out.flush()

    def finish(self, summary: Summary) -> None:
        if not self._quiet:
            self._err.write(summary_line(summary) + "\n")
