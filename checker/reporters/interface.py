"""The one interface every output format implements.

A reporter is fed each result as soon as it is known, then the summary
once. It writes only to the stream it was given; anything meant for a human
watching (the jsonl summary) goes to ``err``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TextIO

from checker.hoststats import HostStats
from checker.models import Result, Summary
from checker.settings import Settings


class Reporter(ABC):
    def __init__(self, out: TextIO, err: TextIO, settings: Settings) -> None:
        self.out = out
        self.err = err
        self.settings = settings

    def start(self, total: int) -> None:  # noqa: B027 - optional hook
        """Called once before the first result, with the number of unique URLs."""

    @abstractmethod
    def add(self, result: Result) -> None:
        """Called once per result, in the order the strategy produces them."""

    @abstractmethod
    def finish(self, summary: Summary) -> None:
        """Called once at the end, also after an interrupt."""

    def host_stats(self, hosts: dict[str, HostStats]) -> None:  # noqa: B027 - optional hook
        """``--host-stats``: called once, just before :meth:`finish`.

        For a format with a place for them (json's ``"hosts"`` object); for the
        others the CLI prints a table on stderr, once, whatever the reporters.
        """
