"""The one interface every output format implements, and what a reporter is told.

A reporter is fed each result as soon as it is known, then the per-host
figures (``--host-stats``) and the summary once. It is built with the
streams it writes to and a :class:`ReportOptions`, never the whole
``Settings``: what it prints depends on those few values alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checker.models import LateSources, Places, Result, Summary, count_places

if TYPE_CHECKING:
    from checker.hoststats import HostStats
    from checker.shard import ShardStamp


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """The settings reporters read, built once per run (``checker.reporting``)."""

    verbose: bool = False  # -v: also list what is ok and excluded
    quiet: bool = False  # -q: no summary line on stderr
    host_stats: bool = False  # --host-stats: per-host figures, once, in one table
    # Inside GitHub Actions the runner reads workflow commands from every log
    # line, so the human formats neutralise them (see checker/reporters/neutral.py).
    actions: bool = False
    # --shard: which shard of which input the report holds; json and jsonl record it.
    shard: ShardStamp | None = None
    # --cache: the store, for the HTML report's per-URL timelines (None: no store).
    store: Path | None = None


class Reporter(ABC):
    """Holds no state of its own: each format keeps what it needs."""

    def start(self, total: int) -> None:  # noqa: B027 - optional hook
        """Called once before the first result, with the number of unique URLs."""

    @abstractmethod
    def add(self, result: Result) -> None:
        """Called once per result, in the order the strategy produces them."""

    def host_stats(self, hosts: Mapping[str, HostStats]) -> None:  # noqa: B027 - optional hook
        """``--host-stats``: the figures the host limiter counted, once, just
        before :meth:`finish`. Only the reporters that show them listen."""

    def late_sources(self, late: LateSources) -> None:  # noqa: B027 - optional hook
        """``--crawl``: places of a URL found after its result was given to
        :meth:`add`, once per such URL, after the last result and before
        :meth:`finish`. The JSON formats write them as a closing record; the
        formats written at the end (text, markdown, html, sarif, junit) add
        them to the result they belong to (:class:`Kept`); csv and the
        Actions annotations, written as results come, list the places known
        then (README, "Crawling")."""

    @abstractmethod
    def finish(self, summary: Summary) -> None:
        """Called once at the end, also after an interrupt."""


def with_late(result: Result, late: LateSources) -> None:
    """Add the places of ``late`` to ``result``: listed after its own, all counted."""
    listed = (*result.sources, *late.sources)
    total = count_places(result.sources) + late.total
    result.sources = Places(listed, total) if total > len(listed) else listed


class Kept:
    """The results a report written at the end keeps, by index, so that
    places found late (``--crawl``) join them before it is written."""

    def __init__(self) -> None:
        self._by_index: dict[int, Result] = {}

    def keep(self, result: Result) -> Result:
        self._by_index[result.index] = result
        return result

    def late(self, late: LateSources) -> Result | None:
        """The kept result ``late`` belongs to, with its places added; None if not kept."""
        result = self._by_index.get(late.index)
        if result is not None:
            with_late(result, late)
        return result
