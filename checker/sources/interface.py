"""What every source yields, the interfaces a format implements, and the one
error a source may raise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple, Protocol

Resolve = Callable[[str], str]
Warn = Callable[[str], None]


class Link(NamedTuple):
    """One URL occurrence: the text and where it was read.

    ``line`` and ``column`` are 1-based; ``column`` is None where it is not
    known (URL lists, or a URL whose text does not appear verbatim).
    """

    url: str
    path: str
    line: int
    column: int | None = None


# One document's links as its reader found them, in order: its path, and each
# link's (url, line, column). Directory trees travel this way from the parser
# processes to the index, without a Link per link (checker/sources/parallel.py).
Batch = tuple[str, list[tuple[str, int, "int | None"]]]


def batched(links: Iterable[Link], size: int = 1024) -> Iterator[Batch]:
    """``links`` as batches: consecutive links of one path, at most ``size`` each."""
    path: str | None = None
    batch: list[tuple[str, int, int | None]] = []
    for url, where, line, column in links:
        if where != path or len(batch) >= size:
            if path is not None and batch:
                yield path, batch
            path, batch = where, []
        batch.append((url, line, column))
    if path is not None and batch:
        yield path, batch


def unbatched(batches: Iterable[Batch]) -> Iterator[Link]:
    for path, links in batches:
        for url, line, column in links:
            yield Link(url, path, line, column)


class Parser(Protocol):
    """A format's parser: yields the links of one document, as written (not yet resolved)."""

    def __call__(self, stream: BinaryIO, path: str, /) -> Iterator[Link]: ...


class Fetch(Protocol):
    """Fetch one remote document (checker/sources/fetch.py); raises :class:`SourceError`."""

    def __call__(self, url: str, /) -> BinaryIO: ...


def warn_on_stderr(message: str) -> None:
    """The default for a problem that loses some links but not the run (a sitemap
    an index names that cannot be read, a cap reached). Control characters are
    shown as escapes: the text holds URLs from documents nobody vetted."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    sys.stderr.write(f"urlcheck: warning: {shown}\n")


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What reading one document needs besides its bytes.

    ``resolve`` makes its relative links absolute; ``open_child`` opens a
    document it names for following (a sitemap index's sitemaps), with that
    document's own context, or is None when nothing is followed.
    """

    resolve: Resolve
    open_child: Callable[[str], tuple[BinaryIO, ReadContext]] | None = None
    warn: Warn = warn_on_stderr


class Reader(Protocol):
    """A format as the run reads it: its links resolved, taken verbatim, or followed."""

    def __call__(self, stream: BinaryIO, path: str, context: ReadContext, /) -> Iterator[Link]: ...


class SourceError(Exception):
    """A source that cannot be read. The CLI prints it as one line and exits 2."""
