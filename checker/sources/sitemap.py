"""Sitemaps (``.xml`` holding a ``urlset`` or a ``sitemapindex``).

Read with expat, streaming, so a 50 MB sitemap never sits in memory as a
tree. Safe on hostile input without defusedxml: pyexpat never fetches
external entities, expat ≥ 2.4 bounds entity expansion, and a document
type declaration is refused outright (a sitemap has no use for one).

An XML file whose root is neither ``urlset`` nor ``sitemapindex`` is not a
sitemap and yields nothing, so a directory of unrelated XML is harmless.
The ``<loc>`` of a sitemap index names another sitemap: it is reported as a
link itself (so a dead one shows up), and :func:`follow` reads it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO
from xml.parsers import expat

from checker.sources.interface import Link, SourceError

Fetch = Callable[[str], BinaryIO]
MAX_DEPTH = 4  # an index of indexes of ...: deeper nesting is a loop in disguise
_CHUNK = 1 << 16
_ROOTS = frozenset({"urlset", "sitemapindex"})


class _Refused(Exception):
    pass


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    """The links of one sitemap file; an index's sitemaps are not fetched."""
    return follow(stream, path, None)


def follow(
    stream: BinaryIO, path: str, fetch: Fetch | None, seen: set[str] | None = None, depth: int = 0
) -> Iterator[Link]:
    """The links of a sitemap and, given ``fetch``, of every sitemap its index names."""
    seen = set() if seen is None else seen
    for link, is_sitemap in _entries(stream, path):
        yield link
        if not is_sitemap or fetch is None or depth >= MAX_DEPTH or link.url in seen:
            continue
        seen.add(link.url)
        try:
            child = fetch(link.url)
        except SourceError:
            continue  # the child is itself a link: its own check says what is wrong
        with child:
            yield from follow(child, link.url, fetch, seen, depth + 1)


def _entries(stream: BinaryIO, path: str) -> Iterator[tuple[Link, bool]]:
    """Yield ``(link, is_sitemap)`` for each ``<loc>``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    found: list[tuple[Link, bool]] = []
    stack: list[str] = []
    text: list[str] = []
    where: list[tuple[int, int]] = []
    root: list[str] = []

    def start(name: str, _attrs: object) -> None:
        local = name.rpartition(" ")[2]
        if not root:
            root.append(local)
        stack.append(local)
        if local == "loc":
            text.clear()
            where.clear()

    def end(_name: str) -> None:
        local = stack.pop()
        if local == "loc" and root[0] in _ROOTS and len(stack) >= 2:
            url = "".join(text).strip()
            if url:
                line, column = where[0] if where else (parser.CurrentLineNumber, None)
                found.append((Link(url, path, line, column), stack[-1] == "sitemap"))
            text.clear()

    def data(chunk: str) -> None:
        if stack and stack[-1] == "loc":
            if not where and chunk.strip():
                lead = chunk[: len(chunk) - len(chunk.lstrip())]
                line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + len(lead)
                if "\n" in lead:
                    line += lead.count("\n")
                    column = len(lead) - lead.rfind("\n") - 1
                where.append((line, column + 1))
            text.append(chunk)

    def refuse(*_args: object) -> None:
        raise _Refused

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            yield from found
            found.clear()
            if root and root[0] not in _ROOTS:
                return
        parser.Parse(b"", True)
    except _Refused:
        raise SourceError(f"{path}: a sitemap may not declare a DTD or entities") from None
    except expat.ExpatError as exc:
        if root and root[0] in _ROOTS:
            raise SourceError(f"{path}: malformed sitemap: {exc}") from None
        return  # not a sitemap at all
    yield from found
