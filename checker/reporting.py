"""Which reporters one CLI run feeds, and tearing them down.

The ``--format`` report on stdout or ``--output``; one more per
``--report FORMAT:PATH``; the GitHub Actions extras; the progress bar.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TextIO

from checker.choices import Format
from checker.reporters import Reporter, make_reporter
from checker.reporters.fanout import fan_out
from checker.settings import Settings


@contextlib.contextmanager
def reporters(
    settings: Settings,
    out: TextIO,
    files: Sequence[tuple[Format, TextIO]] = (),
    environ: Mapping[str, str] | None = None,
) -> Iterator[Reporter]:
    """Yield one reporter that feeds them all. The progress bar is cleared on
    the way out even if the run fails, so the terminal gets its cursor back."""
    environ = os.environ if environ is None else environ
    stdout, stderr = sys.stdout, sys.stderr
    chosen = [make_reporter(settings.format, out, stderr, settings)]
    # An extra file says nothing on stderr: the main report already gave the summary.
    chosen += [make_reporter(fmt, stream, io.StringIO(), settings) for fmt, stream in files]
    # Imported only when used: rich's progress and live modules cost ~75 ms of
    # start-up, which a json run piped into jq should not pay.
    if environ.get("GITHUB_ACTIONS") == "true":
        from checker import github_actions

        chosen += github_actions.reporters(settings, stdout, stderr, environ)
    bar = None
    if wanted(settings, stdout, stderr, environ):
        from checker.progress import ProgressReporter

        bar = ProgressReporter(stderr, settings, force=settings.progress is True)
        chosen.insert(0, bar)  # first, so it is cleared before any report is printed
    try:
        yield fan_out(chosen)
    finally:
        if bar is not None:
            bar.close()


def in_ci(environ: Mapping[str, str]) -> bool:
    """Every major CI service sets ``CI``; a log file is no place for a bar."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def wanted(settings: Settings, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]) -> bool:
    """``--progress``/``--no-progress`` decide; otherwise only on a terminal,
    not with ``--quiet``, not in CI.

    Also off when another report streams to the same terminal on stdout
    (json, jsonl, github…): its lines would tear through the bar. The text
    report is printed only at the end, after the bar is gone.
    """
    if settings.progress is not None:
        return settings.progress
    if settings.quiet or in_ci(environ) or not _is_terminal(stderr):
        return False
    streams_to_terminal = settings.output is None and _is_terminal(stdout)
    return not (streams_to_terminal and settings.format is not Format.TEXT)
