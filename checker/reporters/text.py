"""text: for people. Failures first, grouped by kind, then successes (``-v``),
then one summary line. Colour only on a terminal; rich honours ``NO_COLOR``.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from checker.models import Outcome, Result, Summary
from checker.reporters.interface import Reporter
from checker.reporters.plain import escape, summary_line
from checker.reporters.stats import Hosts, Slowest

SLOWEST = 5

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
    more = len(result.sources) - 1
    column = "" if first.column is None else f":{first.column}"
    return f"{first.path}:{first.line}{column}" + (f" (+{more} more)" if more else "")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 here; the CLI owns what a closed stdout exits with.
        raise BrokenPipeError


class TextReporter(Reporter):
    def start(self, total: int) -> None:
        # markup=False: URLs and host names are data, and "[...]" in one must
        # print as written, not as a style.
        self._console = _Console(
            file=self.out, highlight=False, soft_wrap=True, emoji=False, markup=False
        )
        self._failures: dict[str, list[Result]] = {}
        self._others: dict[Outcome, list[Result]] = {}
        self._slowest = Slowest(SLOWEST)
        self._hosts = Hosts() if self.settings.verbose else None

    def add(self, result: Result) -> None:
        if result.outcome.failed:
            self._failures.setdefault(group_of(result), []).append(result)
        elif self.settings.verbose:
            self._others.setdefault(result.outcome, []).append(result)
        self._slowest.add(result)
        if self._hosts is not None:
            self._hosts.add(result)

    def finish(self, summary: Summary) -> None:
        console = self._console
        for group, results in sorted(self._failures.items()):
            console.print(Text(f"{group} ({len(results)})", style="bold red"))
            for result in results:
                self._line(result)
        for outcome, results in sorted(self._others.items()):
            console.print(Text(f"{outcome} ({len(results)})", style=f"bold {_STYLE[outcome]}"))
            for result in results:
                self._line(result)
        if not self.settings.quiet:
            self._figures()
            style = "bold red" if summary.failed else "bold green"
            console.print(Text(summary_line(summary), style=style))
        self.out.flush()

    def _figures(self) -> None:
        """The slowest URLs and, with -v, per-host figures: where the time went."""
        console = self._console
        slowest = self._slowest.results()
        if slowest:
            console.print(Text(f"slowest ({len(slowest)})", style="bold"))
            for result in slowest:
                line = Text(f"  {_ms(result.elapsed_ms):>9}  ")
                line.append(escape(result.url), style=_STYLE[result.outcome])
                console.print(line)
        if self._hosts:
            figures = self._hosts.figures()
            width = max(len("host"), *(len(escape(f.host)) for f in figures))
            console.print(Text(f"hosts ({len(figures)})", style="bold"))
            console.print(
                Text(
                    f"  {'host':<{width}}  {'URLs':>6}  {'ok':>6}  {'failed':>6}  "
                    f"{'mean':>9}  {'max':>9}",
                    style="dim",
                )
            )
            for f in figures:
                console.print(
                    f"  {escape(f.host):<{width}}  {f.urls:>6}  {f.ok:>6}  {f.failed:>6}  "
                    f"{_ms(f.mean_ms):>9}  {_ms(f.max_ms if f.timed else None):>9}"
                )

    def _line(self, result: Result) -> None:
        line = Text("  ")
        line.append(escape(result.url), style=_STYLE[result.outcome])
        detail = detail_of(result)
        if detail:
            line.append(f"  {escape(detail)}")
        source = where(result)
        if source:
            line.append(f"  [{escape(source)}]", style="dim")
        self._console.print(line)
