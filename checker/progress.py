"""The live progress bar on stderr: done/total, rate, ok/broken/error so far, ETA.

It is a :class:`Reporter` fed the same results as the report, and writes
only to stderr. The bar is cleared when the run ends, so the terminal
keeps just the report.

Cost per result is two counter increments. rich learns the counts when it
redraws, ten times a second from its own thread, never per result: the hot
path runs at ~10k URLs/s and a rich update takes a lock and records a sample.
Pulling (rather than pushing every Nth result) also keeps the bar true when
a burst of results is followed by a long wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from checker.crawl.stats import CrawlStats
from checker.models import Outcome, Result, Summary
from checker.reporters.interface import Reporter

REFRESH_PER_SECOND = 10


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f}/s" if speed else "-/s", style="progress.data.speed")


class _CountsColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        text = Text()
        text.append(f"ok {task.fields['ok']:,}", style="green")
        text.append(f"  broken {task.fields['broken']:,}", style="red")
        text.append(f"  error {task.fields['error']:,}", style="red")
        return text


class _CrawlColumn(ProgressColumn):
    """--crawl: pages read, links found (with duplicates), links checked."""

    def render(self, task: Task) -> Text:
        fields = task.fields
        return Text(
            f"pages {fields['pages']:,}  links {fields['found']:,} found"
            f" {int(task.completed):,} checked  ",
            style="cyan",
        )


class _PullingProgress(Progress):
    """Reads the counts from the reporter each time it draws."""

    def __init__(self, reporter: ProgressReporter, *args: Any, **kwargs: Any) -> None:
        self._reporter = reporter  # first: rich draws once while initialising
        super().__init__(*args, **kwargs)

    def get_renderables(self) -> Iterable[RenderableType]:
        self._reporter.sync()
        yield from super().get_renderables()


class ProgressReporter(Reporter):
    def __init__(self, err: TextIO, force: bool = False, crawl: CrawlStats | None = None) -> None:
        self._task: TaskID | None = None
        self._crawl = crawl  # a crawl's total grows: the bar shows counts, not a fraction
        self.done = 0
        self.by_outcome = dict.fromkeys(Outcome, 0)
        # force_terminal when the user asked with --progress on a non-terminal.
        console = Console(file=err, force_terminal=True if force else None, highlight=False)
        # A crawl's total grows as pages are read: counts, not a bar and an ETA.
        columns: tuple[ProgressColumn | str, ...] = (
            (TextColumn("crawling"), _CrawlColumn(), _RateColumn(), _CountsColumn())
            if crawl is not None
            else (
                TextColumn("checking"),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                _CountsColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
            )
        )
        self._progress = _PullingProgress(
            self,
            *columns,
            console=console,
            transient=True,
            # Never swap sys.stdout/sys.stderr: the report owns stdout.
            redirect_stdout=False,
            redirect_stderr=False,
            refresh_per_second=REFRESH_PER_SECOND,
        )

    def start(self, total: int) -> None:
        crawl = self._crawl
        self._task = self._progress.add_task(
            "",
            total=None if crawl is not None else total,
            ok=0,
            broken=0,
            error=0,
            pages=None if crawl is None else 0,
            found=0,
        )
        self._progress.start()

    def add(self, result: Result) -> None:
        self.done += 1
        self.by_outcome[result.outcome] += 1

    def sync(self) -> None:
        """Hand the counts to rich; called from its refresh thread."""
        task, counts, crawl = self._task, self.by_outcome, self._crawl
        if task is not None:
            self._progress.update(
                task,
                completed=self.done,
                ok=counts[Outcome.OK],
                broken=counts[Outcome.BROKEN],
                error=counts[Outcome.ERROR],
            )
            if crawl is not None:
                self._progress.update(task, pages=crawl.pages_read, found=crawl.links_found)

    def finish(self, summary: Summary) -> None:
        self.close()

    def close(self) -> None:
        """Clear the bar and give the cursor back; safe to call more than once."""
        if self._task is not None:
            self._progress.stop()
            self._task = None
