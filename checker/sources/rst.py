"""reStructuredText (``.rst``).

With docutils installed (``pip install 'urlcheck[rst]'``) the real parser
reads the document, so literal blocks, ``code-block`` directives and inline
literals are never mistaken for links, and every construct docutils knows
(embedded URIs, named and anonymous targets, standalone URLs, images,
links inside directives such as ``note``) is reported. A named reference's
URL is reported once, at its target, where it is written.

docutils places only blocks, so each URL is found again in the source from
the line of its block; the column is None when it is not written verbatim.

Without docutils, a documented subset is read with regular expressions:
```text <url>`_`` (and ``__``), ``.. _name: url``, ``__ url``,
``.. image::``/``.. figure:: url`` and standalone ``http(s)://`` URLs, while
skipping inline literals, ``::`` literal blocks and ``code``/``code-block``/
``sourcecode`` directives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from checker.sources._text import Locator, decode
from checker.sources.interface import Link


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    text = decode(stream.read())
    try:
        import docutils  # noqa: F401
    except ImportError:
        return subset(text, path)
    return _with_docutils(text, path)


def _with_docutils(text: str, path: str) -> Iterator[Link]:
    from docutils import frontend, nodes, utils
    from docutils.parsers.rst import Parser

    parser = Parser()
    settings: Any = frontend.get_default_settings(Parser)
    # Silence docutils' own diagnostics: a broken document still yields its links.
    settings.report_level = settings.halt_level = 5
    settings.warning_stream = False
    settings.file_insertion_enabled = False  # never read files named by `include`
    settings.raw_enabled = False
    document = utils.new_document(path, settings)
    parser.parse(text, document)

    def is_link(node: Any) -> bool:
        if isinstance(node, nodes.reference):
            return bool(node.get("refuri"))
        if isinstance(node, nodes.image):
            return bool(node.get("uri"))
        # `text <url>`_ makes a reference and an inline target with the same
        # URL: report it once, as the reference.
        return (
            isinstance(node, nodes.target)
            and bool(node.get("refuri"))
            and not isinstance(node.parent, nodes.TextElement)
        )

    starts = _line_starts(text)
    locator = Locator(text)
    cursor = 0
    for node in document.findall(is_link):
        url = node.get("refuri") or node.get("uri")
        line = _line_of(node)
        at = text.find(url, starts[min(max(line - 1, 0), len(starts) - 1)])
        if at < 0:
            at = text.find(url, cursor)
        if at < 0:
            yield Link(url, path, line or 1, None)
            continue
        cursor = at + len(url)
        found_line, column = locator.position(at)
        yield Link(url, path, found_line, column)


def _line_of(node: Any) -> int:
    while node is not None:
        if node.line:
            return int(node.line)
        node = node.parent
    return 1


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


# -- the subset read without docutils -----------------------------------------

_LINK = re.compile(
    r"""``.+?``                                          # inline literal: skipped
    | `[^`<]*<(?P<embedded>[^<>`\s]+)>`__?               # `text <url>`_
    | ^[ \t]*\.\.[ \t]+_[^:\n]+:[ \t]+(?P<named>\S+)     # .. _name: url
    | ^[ \t]*__[ \t]+(?P<anonymous>\S+)                  # __ url
    | ^[ \t]*\.\.[ \t]+(?:image|figure)::[ \t]+(?P<image>\S+)
    | (?P<bare>https?://[^\s<>`"]+)
    """,
    re.VERBOSE | re.MULTILINE,
)
_CODE_DIRECTIVE = re.compile(r"[ \t]*\.\.[ \t]+(?:code|code-block|sourcecode)::")
_TRAILING = "?!.,:;*_~'"


def subset(text: str, path: str) -> Iterator[Link]:
    """The regex reader used when docutils is not installed."""
    locator = Locator(text)
    for start, end in _prose(text):
        for match in _LINK.finditer(text, start, end):
            group = match.lastgroup
            if group is None:
                continue
            url = match[group]
            if group == "bare":
                url = url.rstrip(_TRAILING)
            line, column = locator.position(match.start(group))
            yield Link(url, path, line, column)


def _prose(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of the runs of lines that are not literal blocks."""
    offset = start = 0
    literal_indent: int | None = None  # inside a literal block deeper than this
    opens_literal = False
    opener_indent = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None and (not stripped or indent > literal_indent):
            offset += len(line)
            start = offset
            continue
        literal_indent = None
        if opens_literal and stripped and indent > opener_indent:
            literal_indent, opens_literal = opener_indent, False
            if start < offset:
                yield start, offset
            offset += len(line)
            start = offset
            continue
        if stripped:
            opens_literal = stripped.endswith("::") or bool(_CODE_DIRECTIVE.match(line))
            opener_indent = indent
        offset += len(line)
    if start < offset:
        yield start, offset
