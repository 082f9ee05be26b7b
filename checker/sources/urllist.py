"""The URL-list format: one URL per line.

Blank lines and lines starting with ``#`` are skipped; UTF-8 with or without a
BOM, LF or CRLF. Undecodable bytes are replaced rather than raised on, so that
a bad line becomes an ``invalid_url`` result instead of ending the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from checker.sources.interface import Link

_BOM = "\ufeff"


def parse_lines(lines: Iterable[bytes], path: str) -> Iterator[Link]:
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace")
        if number == 1:
            text = text.removeprefix(_BOM)
        url = text.strip()
        if url and not url.startswith("#"):
            yield Link(url, path, number)


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    """The format interface; reads line by line, so a huge list streams."""
    return parse_lines(stream, path)
