"""Targets that arrive while the run goes, rather than read from an iterator.

A worker process (checker/workers/) is sent its share of the targets by the
parent a batch at a time; reading them as an iterator would block the event
loop whenever the pipe is momentarily empty. A :class:`Feed` is an iterator
that is empty at once, and holds the frontier open (``producers``) until
:meth:`close`: targets given to :meth:`put` join the frontier as found-during-
the-run targets do. The caller bounds how many it puts (the parent's credit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from checker.models import Target

if TYPE_CHECKING:
    from checker.scheduler.driver import Driver


class Feed(Iterator[Target]):
    def __init__(self) -> None:
        self._driver: Driver | None = None
        self._early: list[Target] = []  # put before the run started
        self._closed = False

    def __next__(self) -> Target:
        raise StopIteration  # nothing to read: targets are put

    def attach(self, driver: Driver) -> None:
        """Called by the scheduler once its frontier exists."""
        self._driver = driver
        if not self._closed:
            driver.frontier.producers += 1
        early, self._early = self._early, []
        self.put(early)

    def put(self, targets: Iterable[Target]) -> None:
        driver = self._driver
        if driver is None:
            self._early.extend(targets)
            return
        for target in targets:
            driver.add(target)

    def close(self) -> None:
        """No more targets: the run ends once those put are done."""
        if self._closed:
            return
        self._closed = True
        if self._driver is not None:
            self._driver.frontier.producers -= 1
            self._driver.wake(everyone=True)
