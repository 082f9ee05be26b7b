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

from checker import github_actions, progress
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
    chosen += github_actions.reporters(settings, stdout, stderr, environ)
    bar = None
    if progress.wanted(settings, stdout, stderr, environ):
        bar = progress.ProgressReporter(stderr, settings, force=settings.progress is True)
        chosen.insert(0, bar)  # first, so it is cleared before any report is printed
    try:
        yield fan_out(chosen)
    finally:
        if bar is not None:
            bar.close()
