"""Plain text: every ``http(s)://`` URL in it, wherever it stands (lychee's
linkify fallback). The format of a file whose extension names no other, so
prose named on the command line yields its URLs, not an ``invalid_url`` per line.

A URL runs to whitespace, a quote, ``<``/``>``, a backtick or an undecodable
byte (never part of a URL: a replaced byte would check a URL nobody wrote),
then loses trailing punctuation by GitHub's autolink rule. Both steps are
linear in the line, however hostile: one character class, one pass back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from checker.sources.interface import Link

_URL = re.compile(r"https?://[^\s<>\"'`\ufffd]+", re.IGNORECASE)
_TRAILING = frozenset("?!.,:*_~;'\"")


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    for number, raw in enumerate(stream, start=1):
        line = raw.decode("utf-8", errors="replace")
        if number == 1:
            line = line.removeprefix("\ufeff")
        for match in _URL.finditer(line):
            url = trim(match.group())
            if len(url) > len("https://"):
                yield Link(url, path, number, match.start() + 1)


def trim(url: str) -> str:
    """Drop trailing punctuation, and a ``)`` that closes nothing in the URL,
    counting brackets once (re-counting per character is quadratic on ``))))``)."""
    unclosed = url.count("(") - url.count(")")  # below 0: that many ")" close nothing
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ")" and unclosed < 0:
            end -= 1
            unclosed += 1
        else:
            break
    return url[:end]
