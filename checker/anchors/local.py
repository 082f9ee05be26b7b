"""The fragment of a ``file:`` link, checked once localfile.py has found its file.

``guide.md#installation`` is ok when guide.md has that anchor
(checker/anchors/__init__.py says what counts), ``broken`` with the error
kind ``missing_fragment`` when it has not. A directory, or a file whose
format has no anchors urlcheck can know (a ``.py`` file: only GitHub line
anchors are judged there), is not judged.

Each file is read and parsed once however many links point into it: the
anchors are kept per (path, size, mtime), for the last :data:`_KEPT` files.
A file is read up to ``cap`` bytes; past that its anchors are not verified,
and the ok result says so in its ``reason``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import NamedTuple

from checker.anchors import Anchors, line_anchor, missing, of_document
from checker.choices import SourceFormat
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.sources import formats

_KEPT = 4096  # a few dozen short strings each: a large docs tree stays parsed once


class _Read(NamedTuple):
    anchors: Anchors | None  # None: a format without anchors
    lines: int
    fmt: SourceFormat
    note: str | None  # why the anchors could not be verified


class LocalAnchors:
    """``check(target, path, fragment)``: the result of a fragment into a local file."""

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._cache: OrderedDict[tuple[str, int, int], _Read] = OrderedDict()

    def check(self, target: Target, path: str, fragment: str) -> Result:
        ok = Result.for_target(target, Outcome.OK, attempts=1)
        if not fragment or os.path.isdir(path):
            return ok
        read = self._read(path)
        if read.note is not None:
            ok.reason = read.note
            return ok
        if read.anchors is None and line_anchor(fragment) is None:
            return ok  # a format whose anchors urlcheck cannot know: only lines are judged
        markdown = read.fmt is SourceFormat.MARKDOWN
        lines = None if read.fmt is SourceFormat.HTML else read.lines
        message = missing(
            fragment,
            read.anchors or frozenset(),
            loose_case=markdown,
            lines=lines,
            where=os.path.basename(path),
        )
        if message is None:
            return ok
        error = Failure(ErrorKind.MISSING_FRAGMENT, message)
        return Result.for_target(target, Outcome.BROKEN, error=error, attempts=1)

    def _read(self, path: str) -> _Read:
        fmt = formats.of_file(path, SourceFormat.TEXT)
        try:
            stat = os.stat(path)
            key = (path, stat.st_size, stat.st_mtime_ns)
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return cached
            if stat.st_size > self._cap:
                return _Read(None, 0, fmt, _too_large(self._cap))
            with open(path, "rb") as file:
                data = file.read(self._cap + 1)
        except OSError as exc:  # unreadable: the file is there, its anchors unknown
            return _Read(None, 0, fmt, f"anchors not verified: cannot read the file ({exc})")
        if len(data) > self._cap:  # grew while read
            return _Read(None, 0, fmt, _too_large(self._cap))
        lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        read = _Read(of_document(data, fmt), lines, fmt, None)
        self._cache[key] = read
        if len(self._cache) > _KEPT:
            self._cache.popitem(last=False)
        return read


def _too_large(cap: int) -> str:
    return f"anchors not verified: larger than --max-page-size ({cap} bytes)"
