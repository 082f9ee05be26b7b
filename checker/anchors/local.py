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
import stat
from collections import OrderedDict
from typing import NamedTuple

from checker.anchors import Anchors, Hints, fold, line_anchor, missing, of_document
from checker.choices import SourceFormat
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.sources import formats

_KEPT = 4096  # a few dozen short strings each: a large docs tree stays parsed once


class _Read(NamedTuple):
    anchors: Anchors | None  # None: a format without anchors (or a directory)
    folded: Anchors | None  # lowercased, where case does not matter (Markdown)
    lines: int
    fmt: SourceFormat | None  # None: a directory
    note: str | None  # why the anchors could not be verified


class LocalAnchors:
    """``check(target, path, fragment)``: the result of a fragment into a local file."""

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._hints = Hints()
        self._cache: OrderedDict[tuple[str, int, int], _Read] = OrderedDict()

    def check(self, target: Target, path: str, fragment: str) -> Result:
        ok = Result.for_target(target, Outcome.OK, attempts=1)
        if not fragment:
            return ok
        read = self._read(path)
        if read.fmt is None:  # a directory
            return ok
        if read.note is not None:
            ok.reason = read.note
            return ok
        if read.anchors is None and line_anchor(fragment) is None:
            return ok  # a format whose anchors urlcheck cannot know: only lines are judged
        lines = None if read.fmt is SourceFormat.HTML else read.lines
        message = missing(
            fragment,
            read.anchors or frozenset(),
            folded=read.folded,
            lines=lines,
            where=os.path.basename(path),
            hint=self._hints.left > 0,
        )
        if message is None:
            return ok
        self._hints.take()
        error = Failure(ErrorKind.MISSING_FRAGMENT, message)
        return Result.for_target(target, Outcome.BROKEN, error=error, attempts=1)

    def _read(self, path: str) -> _Read:
        fmt = formats.of_file(path, SourceFormat.TEXT)
        try:
            info = os.stat(path)
            if stat.S_ISDIR(info.st_mode):
                return _Read(None, None, 0, None, None)
            key = (path, info.st_size, info.st_mtime_ns)
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return cached
            if info.st_size > self._cap:
                return _Read(None, None, 0, fmt, _too_large(self._cap))
            with open(path, "rb") as file:
                data = file.read(self._cap + 1)
        except OSError as exc:  # unreadable: the file is there, its anchors unknown
            note = f"anchors not verified: cannot read the file ({exc})"
            return _Read(None, None, 0, fmt, note)
        if len(data) > self._cap:  # grew while read
            return _Read(None, None, 0, fmt, _too_large(self._cap))
        lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        anchors = of_document(data, fmt)
        folded = fold(anchors) if anchors is not None and fmt is SourceFormat.MARKDOWN else None
        read = _Read(anchors, folded, lines, fmt, None)
        self._cache[key] = read
        if len(self._cache) > _KEPT:
            self._cache.popitem(last=False)
        return read


def _too_large(cap: int) -> str:
    return f"anchors not verified: larger than --max-page-size ({cap} bytes)"
