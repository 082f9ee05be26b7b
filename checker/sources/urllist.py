"""The URL-list format: one URL per line.

Blank lines and lines starting with ``#`` are skipped; UTF-8 with or without a
BOM, LF or CRLF.

A line that is not UTF-8 is a :class:`SourceError` naming the file, line and
byte (exit 2), not a result: every report format is UTF-8 text, so its URL
could not be reported as written, and any repair (U+FFFD, escapes) would
check and report a URL nobody wrote. The list is the user's own file: one
clear line saying where to fix it beats a silently different check.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from checker.sources.interface import Link, SourceError

_BOM = "\ufeff"


def parse_lines(lines: Iterable[bytes], path: str) -> Iterator[Link]:
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = raw[exc.start]
            raise SourceError(
                f"{path}:{number}: not valid UTF-8 (byte 0x{byte:02x} at column {exc.start + 1})"
            ) from None
        if number == 1:
            text = text.removeprefix(_BOM)
        url = text.strip()
        if url and not url.startswith("#"):
            yield Link(url, path, number)


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    """The format interface; reads line by line, so a huge list streams."""
    return parse_lines(stream, path)
