"""Attempt deadlines: one ticking timer for every attempt in flight.

``asyncio.timeout()`` around each request costs ~15 µs per URL in a real run
(benchmarks/RESULTS.md: a Timeout object plus a loop timer created and
cancelled per request). Here an attempt costs a dict insert and delete, and
one ``call_later`` tick, alive only while attempts are in flight, cancels the
tasks whose deadline has passed. A deadline fires at most ``TICK`` late.
The probe turns that cancellation into a ``timeout`` exactly like
``asyncio.timeout`` does: ``uncancel()`` back to zero means it was ours.
"""

from __future__ import annotations

import asyncio
from typing import Any

Task = asyncio.Task[Any]


class Deadlines:
    TICK = 0.05

    def __init__(self) -> None:
        self._due: dict[Task, float] = {}
        self._expired: set[Task] = set()
        self._ticking = False

    def start(self, task: Task, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        self._due[task] = loop.time() + timeout
        if not self._ticking:
            self._ticking = True
            loop.call_later(self.TICK, self._scan, loop)

    def extend(self, task: Task, seconds: float) -> None:
        """Push ``task``'s deadline back: a wait that is not the request's."""
        if task in self._due:
            self._due[task] += seconds

    def stop(self, task: Task) -> bool:
        """Forget ``task``'s deadline; True when that deadline cancelled it."""
        self._due.pop(task, None)
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def _scan(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        for task, due in self._due.items():
            if due <= now and task not in self._expired:
                self._expired.add(task)
                task.cancel()
        if self._due:
            loop.call_later(self.TICK, self._scan, loop)
        else:
            self._ticking = False
