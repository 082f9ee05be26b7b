"""The growing input of a crawl, and the places of a URL found after its result.

:class:`Feed` is the frontier's input: it reads the target index in id order
and runs dry when it has caught up; the frontier reads it again when a page
adds URLs (``Frontier.grown``). Memory stays at one batch: the rest waits on
disk.

Each URL is requested once, but a page read late may name a URL whose result
is out already. Its result lists the places known when it was reported
(:meth:`Places.refresh`); the places found afterwards are kept in the index
and listed at the end of the run as one closing record per URL
(``late_sources`` in the JSON formats, see checker/schema.py).
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterator

from checker.models import LateSources, Places, Result, Target
from checker.targets import TargetIndex

_BATCH = 512


class Feed:
    """Targets from the index, in first-seen order; dry until more are added."""

    def __init__(self, index: TargetIndex) -> None:
        self._index = index
        self._next = 0
        self._buffer: deque[Target] = deque()

    def __iter__(self) -> Iterator[Target]:
        return self

    def __next__(self) -> Target:
        if not self._buffer:
            batch = self._index.read(self._next, _BATCH)
            if not batch:
                raise StopIteration  # for now: the frontier asks again when more are added
            self._next += len(batch)
            self._buffer.extend(batch)
        return self._buffer.popleft()


class Late:
    """Which places each reported URL was reported with, and what came after."""

    def __init__(self, index: TargetIndex) -> None:
        self._index = index
        self._marks = array("q")  # per URL: the last place its result listed
        self._late: set[int] = set()  # URLs with places after their result

    def refresh(self, result: Result) -> None:
        """Give ``result`` every place known now, and remember where that ended."""
        listed, total, last = self._index.places(result.index)
        if not listed:
            return  # not a URL of the index (a library test's hand-made result)
        result.sources = Places(tuple(listed), total) if total > len(listed) else tuple(listed)
        marks = self._marks
        if result.index >= len(marks):
            marks.extend([0] * (result.index + 1 - len(marks)))
        marks[result.index] = last

    def found_again(self, index: int) -> None:
        """A place was added for ``index``, already reported."""
        self._late.add(index)

    def records(self) -> Iterator[LateSources]:
        for index in sorted(self._late):
            after = self._marks[index] if index < len(self._marks) else 0
            listed, total, _ = self._index.places(index, after)
            if listed:
                yield LateSources(self._index.url_of(index), index, tuple(listed), total)
