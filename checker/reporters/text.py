"""text: for people. Failures first, grouped by kind, then successes (``-v``),
then one summary line. Colour only on a terminal; rich honours ``NO_COLOR``.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from checker.models import Outcome, Result, Summary
from checker.reporters.interface import Reporter

_STYLE = {
    Outcome.OK: "green",
    Outcome.BROKEN: "red",
    Outcome.ERROR: "red",
    Outcome.EXCLUDED: "dim",
    Outcome.CANCELLED: "yellow",
}


def escape(text: str) -> str:
    """Show control and invisible formatting characters (such as a bidi
    override) as escapes, so a hostile URL cannot rewrite the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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
    parts = [] if result.status is None else [str(result.status)]
    if result.redirects:
        parts.append(f"via {len(result.redirects)} redirect(s) to {result.final_url}")
    return " ".join(parts)


def where(result: Result) -> str:
    if not result.sources:
        return ""
    first = result.sources[0]
    more = len(result.sources) - 1
    return f"{first.path}:{first.line}" + (f" (+{more} more)" if more else "")


def summary_line(summary: Summary) -> str:
    counts = ", ".join(
        f"{getattr(summary, o.value)} {o.value}" for o in Outcome if getattr(summary, o.value)
    )
    return (
        f"{summary.total} URLs in {summary.duration_s:.2f} s ({summary.strategy}): "
        f"{counts or 'nothing to check'}"
    )


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 here; the CLI owns what a closed stdout exits with.
        raise BrokenPipeError


class TextReporter(Reporter):
    def start(self, total: int) -> None:
        self._console = _Console(file=self.out, highlight=False, soft_wrap=True, emoji=False)
        self._failures: dict[str, list[Result]] = {}
        self._successes: list[Result] = []

    def add(self, result: Result) -> None:
        if result.outcome.failed:
            self._failures.setdefault(group_of(result), []).append(result)
        elif self.settings.verbose:
            self._successes.append(result)

    def finish(self, summary: Summary) -> None:
        console = self._console
        for group, results in sorted(self._failures.items()):
            console.print(Text(f"{group} ({len(results)})", style="bold red"))
            for result in results:
                self._line(result)
        if self._successes:
            console.print(Text(f"ok ({len(self._successes)})", style="bold green"))
            for result in self._successes:
                self._line(result)
        if not self.settings.quiet:
            style = "bold red" if summary.failed else "bold green"
            console.print(Text(summary_line(summary), style=style))
        self.out.flush()

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
