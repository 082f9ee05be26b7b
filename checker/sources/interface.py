"""What every source yields, the one interface a format parser implements,
and the one error a source may raise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, NamedTuple, Protocol


class Link(NamedTuple):
    """One URL occurrence: the text and where it was read.

    ``line`` and ``column`` are 1-based; ``column`` is None where it is not
    known (URL lists, or a URL whose text does not appear verbatim).
    """

    url: str
    path: str
    line: int
    column: int | None = None


class Parser(Protocol):
    """A format: yields the links of one document, as written (not yet resolved).

    Each format is one module under ``checker.sources`` exposing ``parse``;
    the extension table in ``checker.sources.formats`` picks it.
    """

    def __call__(self, stream: BinaryIO, path: str, /) -> Iterator[Link]: ...


class SourceError(Exception):
    """A source that cannot be read. The CLI prints it as one line and exits 2."""
