"""Sources: turn command-line SOURCES into a stream of :class:`Link`.

A SOURCE is a path to a URL list, ``-`` for standard input, or a literal
``http(s)://`` URL.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from checker.sources.interface import Link, SourceError
from checker.sources.urllist import parse_lines

__all__ = ["ARG", "STDIN", "Link", "SourceError", "is_literal_url", "read_sources"]

STDIN = "-"
ARG = "<arg>"
_LITERAL_PREFIXES = ("http://", "https://")


def is_literal_url(spec: str) -> bool:
    return spec.lower().startswith(_LITERAL_PREFIXES)


def read_sources(specs: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Link]:
    """Yield every link of every source, in order. Raises :class:`SourceError`."""
    for spec in specs:
        if is_literal_url(spec):
            yield Link(spec.strip(), ARG, 1)
        elif spec == STDIN:
            yield from parse_lines(stdin if stdin is not None else sys.stdin.buffer, STDIN)
        else:
            yield from _read_file(spec)


def _read_file(path: str) -> Iterator[Link]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; errors must map to SourceError
    except OSError as exc:
        raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    with handle:
        try:
            yield from parse_lines(handle, path)
        except OSError as exc:  # e.g. a directory, or an I/O error mid-read
            raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
