"""What every source yields, and the one error a source may raise."""

from __future__ import annotations

from typing import NamedTuple


class Link(NamedTuple):
    """One URL occurrence: the raw text and where it was read."""

    url: str
    path: str
    line: int


class SourceError(Exception):
    """A source that cannot be read. The CLI prints it as one line and exits 2."""
