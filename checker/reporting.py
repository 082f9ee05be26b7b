"""Which reporters one run feeds, in one place, and tearing them down.

The ``--format`` report on stdout or ``--output``; one more per
``--report FORMAT:PATH``; the GitHub Actions extras; the progress bar; the
``--host-stats`` table. Every one of them sees results only after
:class:`Masked` has masked the run's secrets, whatever it prints.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from checker import github_actions
from checker.choices import Format
from checker.crawl.stats import CrawlStats
from checker.hoststats import HostStats
from checker.models import LateSources, Result, Summary
from checker.redact import Masker, forms, shared
from checker.reporters import Reporter, ReportOptions, make_reporter
from checker.reporters.fanout import fan_out
from checker.settings import Settings
from checker.shard import ShardStamp


class Masked(Reporter):
    """Masks every secret (checker/redact.py) before any reporter sees a result."""

    def __init__(self, reporter: Reporter, masker: Masker) -> None:
        self._reporter = reporter
        self._masker = masker

    def start(self, total: int) -> None:
        self._reporter.start(total)

    def add(self, result: Result) -> None:
        self._reporter.add(self._masker.again(result))

    def host_stats(self, hosts: Mapping[str, HostStats]) -> None:
        self._reporter.host_stats({self._masker.text(h): s for h, s in hosts.items()})

    def late_sources(self, late: LateSources) -> None:
        text = self._masker.text
        sources = tuple(replace(s, path=text(s.path)) for s in late.sources)
        self._reporter.late_sources(replace(late, url=text(late.url), sources=sources))

    def finish(self, summary: Summary) -> None:
        self._reporter.finish(summary)


def options_of(
    settings: Settings, environ: Mapping[str, str], shard: ShardStamp | None = None
) -> ReportOptions:
    """The few settings reporters read, built once per run."""
    return ReportOptions(
        verbose=settings.verbose,
        quiet=settings.quiet,
        host_stats=settings.host_stats,
        actions=github_actions.active(environ),
        shard=shard,
        store=_store_of(settings),
    )


def _store_of(settings: Settings) -> Path | None:
    from checker.store import path_of

    return path_of(settings.cache_file) if settings.cache else None


@contextlib.contextmanager
def reporters(
    settings: Settings,
    out: TextIO,
    files: Sequence[tuple[Format, TextIO]] = (),
    environ: Mapping[str, str] | None = None,
    crawl: CrawlStats | None = None,
    shard: ShardStamp | None = None,
) -> Iterator[Reporter]:
    """Yield one reporter that feeds them all. The progress bar is cleared on
    the way out even if the run fails, so the terminal gets its cursor back.
    ``shard``: the ``--shard`` stamp the json and jsonl reports record."""
    environ = os.environ if environ is None else environ
    stdout, stderr = sys.stdout, sys.stderr
    options = options_of(settings, environ, shard)
    chosen = [make_reporter(settings.format, out, stderr, options)]
    # An extra file says nothing on stderr: the main report already gave the summary.
    chosen += [make_reporter(fmt, stream, io.StringIO(), options) for fmt, stream in files]
    if options.actions and settings.ci_annotations:
        chosen += github_actions.extras(settings.format, options, stdout, stderr, environ)
    if settings.host_stats and settings.format is not Format.JSON:
        from checker.reporters.hosts import HostTableReporter

        chosen.append(HostTableReporter(stderr, options))  # last: after the report
    bar = None
    if wanted(settings, stdout, stderr, environ):
        # Imported only when used: rich's progress and live modules cost ~75 ms of
        # start-up, which a json run piped into jq should not pay.
        from checker.progress import ProgressReporter

        bar = ProgressReporter(stderr, force=settings.progress is True, crawl=crawl)
        chosen.insert(0, bar)  # first, so it is cleared before any report is printed
    try:
        # The engine's masker (redact.shared): a result it masked is not masked twice.
        yield Masked(fan_out(chosen), shared(forms(settings.secrets)))
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
