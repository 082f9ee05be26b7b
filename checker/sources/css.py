"""CSS (``.css``), and the CSS inside HTML (``<style>``, ``style=""``).

Reported: every ``url(...)`` (quoted or not) and every ``@import "..."``,
as written; ``@import url(...)`` is one link. Not reported: anything inside
a comment or another string (``content: "url(x)"`` is text). A relative
URL resolves next to the file that holds it, as a browser resolves it
against the stylesheet.

The scanner moves forward only, and every search for a closing quote or
parenthesis stops at the first one: a stylesheet of 300 KB of unclosed
``url("`` is read in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from checker.sources._text import Locator, decode
from checker.sources.interface import Link

_START = re.compile(r"""url\(|@import|/\*|["']""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\n\r\f]*")
_BAD_UNQUOTED = re.compile(r"""[\s"'(]""")


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    text = decode(stream.read())
    locator = Locator(text)
    for url, offset in urls(text):
        line, column = locator.position(offset)
        yield Link(url, path, line, column)


def has_urls(css: str) -> bool:
    """A cheap test before scanning: whether ``css`` may hold a link."""
    return "url(" in css or "@import" in css or "URL(" in css or "@IMPORT" in css


def urls(css: str) -> Iterator[tuple[str, int]]:
    """``(url, offset)`` for each link in a stylesheet or a ``style`` value."""
    done = 0  # everything before this is read
    for match in _START.finditer(css):
        if match.start() < done:
            continue
        token = match[0].lower()
        if token == "/*":
            end = css.find("*/", match.end())
            if end < 0:
                return
            done = end + 2
            continue
        if token in "\"'":  # a string that is no URL: "url(x)" in content is text
            end = css.find(token, match.end())
            if end < 0:
                return
            newline = css.find("\n", match.end(), end)  # an unescaped newline ends it
            done = (newline if newline >= 0 else end) + 1
            continue
        at = _SPACES.match(css, match.end()).end()  # type: ignore[union-attr]
        if at < len(css) and css[at] in "\"'":
            end = css.find(css[at], at + 1)
            if end < 0:
                return
            done = end + 1
            url = css[at + 1 : end]
            if url and "\n" not in url:  # a newline ends a CSS string: invalid
                yield url, at + 1
        elif token == "url(":
            end = css.find(")", at)
            if end < 0:
                return
            done = end + 1
            url = css[at:end].rstrip(" \t\n\r\f")
            if url and not _BAD_UNQUOTED.search(url):
                yield url, at
        # "@import" followed by url(...): the next match reads it.
