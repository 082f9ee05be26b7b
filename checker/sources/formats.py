"""Which format reads which file, and how: the one table to extend.

Every format is a member of ``SourceFormat`` and one ``case`` of
:func:`wiring`, which names its parser (the links as written) and its
reader (the links as the run sees them: resolved against the document,
taken verbatim as a URL list's are, or followed as a sitemap index's are).
The ``match`` ends in ``assert_never``, so a member without a case fails
mypy, and tests/sources/test_formats.py loops over every member.
Parsers are imported on first use, so a run over Markdown never pays for
docutils, and ``--help`` pays for none of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import BinaryIO, NamedTuple, assert_never

from checker.choices import SourceFormat
from checker.sources.interface import Link, Parser, ReadContext, Reader

EXTENSIONS: dict[str, SourceFormat] = {
    ".md": SourceFormat.MARKDOWN,
    ".markdown": SourceFormat.MARKDOWN,
    ".mdx": SourceFormat.MARKDOWN,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
    ".rst": SourceFormat.RST,
    ".xml": SourceFormat.SITEMAP,
    ".css": SourceFormat.CSS,
    ".txt": SourceFormat.URLLIST,
}


def extension(path: str) -> str:
    """``.md`` for ``docs/A.MD``: what ``--extensions`` and the table match."""
    return os.path.splitext(path)[1].lower()


def walked_extensions(names: Iterable[str]) -> frozenset[str]:
    """What a directory walk (or ``--files-from``) reads: the ``--extensions``
    named (``md,html``, validated by settings/inputs.py), else :data:`WALKED`."""
    chosen = frozenset("." + name for item in names for name in item.split(","))
    return chosen or WALKED


def of_file(path: str, default: SourceFormat) -> SourceFormat:
    """A file's format by its extension. A file named with an unknown one is
    plain text (every URL in it is found) unless ``--default-format`` names
    another format than the URL list, which stays ``.txt``'s and stdin's."""
    if path.lower().endswith(".xml.gz"):
        return SourceFormat.SITEMAP  # gunzipped as it is opened (sources/__init__.py)
    fmt = EXTENSIONS.get(extension(path))
    if fmt is not None:
        return fmt
    return SourceFormat.TEXT if default is SourceFormat.URLLIST else default


# What a directory walk reads: documents, not URL lists (a .txt in a tree is prose).
WALKED = frozenset(ext for ext, fmt in EXTENSIONS.items() if fmt is not SourceFormat.URLLIST)


class Wiring(NamedTuple):
    parse: Parser
    read: Reader


def wiring(fmt: SourceFormat) -> Wiring:
    match fmt:
        case SourceFormat.URLLIST:
            from checker.sources import urllist

            return Wiring(urllist.parse, _verbatim(urllist.parse))
        case SourceFormat.MARKDOWN:
            from checker.sources import markdown

            return Wiring(markdown.parse, _resolved(markdown.parse))
        case SourceFormat.HTML:
            from checker.sources import html

            return Wiring(html.parse, _resolved(html.parse))
        case SourceFormat.RST:
            from checker.sources import rst

            return Wiring(rst.parse, _resolved(rst.parse))
        case SourceFormat.SITEMAP:
            from checker.sources import sitemap

            return Wiring(sitemap.parse, sitemap.read)
        case SourceFormat.TEXT:
            from checker.sources import text

            return Wiring(text.parse, _verbatim(text.parse))  # only absolute URLs are found
        case SourceFormat.CSS:
            from checker.sources import css

            return Wiring(css.parse, _resolved(css.parse))
        case _:
            assert_never(fmt)


def parser(fmt: SourceFormat) -> Parser:
    """The links of one document as written, before resolution (benchmarks use it)."""
    return wiring(fmt).parse


def reader(fmt: SourceFormat) -> Reader:
    return wiring(fmt).read


def _verbatim(parse: Parser) -> Reader:
    """A URL list is taken as written: a line is a URL, never a relative path."""

    def read(stream: BinaryIO, path: str, _context: ReadContext) -> Iterator[Link]:
        return parse(stream, path)

    return read


def _resolved(parse: Parser) -> Reader:
    def read(stream: BinaryIO, path: str, context: ReadContext) -> Iterator[Link]:
        resolve = context.resolve
        for url, where, line, column in parse(stream, path):
            yield Link(resolve(url), where, line, column)

    return read
