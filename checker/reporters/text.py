"""text: for people. New failures first (``--cache``), then failures grouped
by kind, then successes (``-v``), then the slowest URLs, the hosts (``-v``)
and one summary line. Colour only on a terminal; rich honours ``NO_COLOR``.
Inside GitHub Actions every piece of untrusted text is neutralised, as the
runner reads stdout for commands.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from checker.hoststats import HostTable, table
from checker.models import LateSources, Outcome, Result, Summary, count_places
from checker.reporters.describe import notes
from checker.reporters.health import is_new
from checker.reporters.interface import Kept, Reporter, ReportOptions
from checker.reporters.neutral import neutralise
from checker.reporters.plain import escape, summary_line
from checker.reporters.stats import Slowest

SLOWEST = 5
WARNING = "warning: "  # the text report's groups of failures that are only warnings

_STYLE = {
    Outcome.OK: "green",
    Outcome.BROKEN: "red",
    Outcome.ERROR: "red",
    Outcome.EXCLUDED: "dim",
    Outcome.CANCELLED: "yellow",
}


def group_of(result: Result) -> str:
    if result.outcome is Outcome.BROKEN:
        # A missing local file is broken without any HTTP status.
        kind = f"HTTP {result.status}" if result.error is None else result.error.kind
        return f"broken: {kind}"
    if result.error is not None:
        return f"error: {result.error.kind}"
    return str(result.outcome)


def detail_of(result: Result) -> str:
    return "; ".join(part for part in (_detail(result), *notes(result)) if part)


def _detail(result: Result) -> str:
    if result.error is not None:
        return result.error.message
    if result.reason is not None:
        return result.reason
    parts = [] if result.status is None else [str(result.status)]
    if result.redirects:
        parts.append(f"via {len(result.redirects)} redirect(s) to {result.final_url}")
    return " ".join(parts)


def where(result: Result) -> str:
    if not result.sources:
        return ""
    first = result.sources[0]
    more = count_places(result.sources) - 1
    column = "" if first.column is None else f":{first.column}"
    return f"{first.path}:{first.line}{column}" + (f" (+{more} more)" if more else "")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 here; the CLI owns what a closed stdout exits with.
        raise BrokenPipeError


class TextReporter(Reporter):
    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self._out = out
        self._options = options
        # markup=False: URLs and host names are data, and "[...]" in one must
        # print as written, not as a style.
        self._console = _Console(
            file=out, highlight=False, soft_wrap=True, emoji=False, markup=False
        )
        self._failures: dict[str, list[Result]] = {}
        self._new: list[Result] = []  # --cache: failures of URLs ok last time, shown first
        self._others: dict[Outcome, list[Result]] = {}
        self._moved: list[Result] = []  # ok, moved permanently: listed even without -v
        self._kept = Kept()  # what is listed, for places found late (--crawl)
        self._slowest = Slowest(SLOWEST)
        # With --host-stats the one host table is printed on stderr instead.
        self._hosts = HostTable() if options.verbose and not options.host_stats else None

    def add(self, result: Result) -> None:
        if result.outcome.failed:
            if is_new(result) and result.warning is None:
                self._new.append(
                    self._kept.keep(result)
                )  # --cache: shown first, under its own heading
            else:
                group = group_of(result)
                # Warnings sort after every failure ("warning: " > "error: ").
                group = group if result.warning is None else f"{WARNING}{group}"
                self._failures.setdefault(group, []).append(self._kept.keep(result))
        elif self._options.verbose:
            self._others.setdefault(result.outcome, []).append(self._kept.keep(result))
        elif result.moved_to is not None and not self._options.quiet:
            self._moved.append(self._kept.keep(result))
        self._slowest.add(result)
        if self._hosts is not None:
            self._hosts.add(result)

    def late_sources(self, late: LateSources) -> None:
        """A result's places found after it was reported are listed with it."""
        self._kept.late(late)

    def finish(self, summary: Summary) -> None:
        console = self._console
        if self._new:
            console.print(Text(f"new failures ({len(self._new)})", style="bold red"))
            for result in self._new:
                self._line(result)
        for group, results in sorted(self._failures.items()):
            style = "bold yellow" if group.startswith(WARNING) else "bold red"
            console.print(Text(f"{group} ({len(results)})", style=style))
            for result in results:
                self._line(result)
        if self._moved:
            console.print(Text(f"moved permanently ({len(self._moved)})", style="bold yellow"))
            for result in self._moved:
                self._line(result)
        for outcome, results in sorted(self._others.items()):
            console.print(Text(f"{outcome} ({len(results)})", style=f"bold {_STYLE[outcome]}"))
            for result in results:
                self._line(result)
        if not self._options.quiet:
            self._figures()
            style = (
                "bold red"
                if summary.failed
                else "bold yellow"
                if summary.warnings
                else "bold green"
            )
            console.print(Text(summary_line(summary), style=style))
        self._out.flush()

    def _safe(self, text: str) -> str:
        """Printable, and inside GitHub Actions no workflow command."""
        text = escape(text)
        return neutralise(text, mentions=False) if self._options.actions else text

    def _figures(self) -> None:
        """The slowest URLs and, with -v, per-host figures: where the time went."""
        console = self._console
        slowest = self._slowest.results()
        if slowest:
            console.print(Text(f"slowest ({len(slowest)})", style="bold"))
            for result in slowest:
                line = Text(f"  {_ms(result.elapsed_ms):>9}  ")
                line.append(self._safe(result.url), style=_STYLE[result.outcome])
                console.print(line)
        if self._hosts:
            console.print(Text(f"hosts ({len(self._hosts)})", style="bold"))
            for n, row in enumerate(table(self._hosts, self._safe).splitlines()):
                console.print(Text("  " + row, style="dim" if n == 0 else ""))

    def _line(self, result: Result) -> None:
        line = Text("  ")
        line.append(self._safe(result.url), style=_STYLE[result.outcome])
        detail = detail_of(result)
        if detail:
            line.append(f"  {self._safe(detail)}")
        source = where(result)
        if source:
            line.append(f"  [{self._safe(source)}]", style="dim")
        self._console.print(line)
