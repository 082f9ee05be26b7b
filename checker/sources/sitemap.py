"""Sitemaps (``.xml`` holding a ``urlset`` or a ``sitemapindex``).

Read with expat, streaming, so a 50 MB sitemap never sits in memory as a
tree. Safe on hostile input without defusedxml: pyexpat never fetches
external entities, expat ≥ 2.4 bounds entity expansion, and a document
type declaration is refused outright (a sitemap has no use for one).

An XML file whose root is neither ``urlset`` nor ``sitemapindex`` is not a
sitemap and yields nothing, so a directory of unrelated XML is harmless.
The ``<loc>`` of a sitemap index names another sitemap: it is reported as a
link itself (so a dead one shows up), and :func:`read` reads it too, within
the run's ``--max-sitemaps`` (:class:`Budget`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.parsers import expat

from checker.sources.interface import Link, ReadContext, SourceError

MAX_DEPTH = 4  # an index of indexes of ...: deeper nesting is a loop in disguise
_CHUNK = 1 << 16
_ROOTS = frozenset({"urlset", "sitemapindex"})


class _Refused(Exception):
    pass


class SitemapLimit(SourceError):
    """The run's ``--max-sitemaps`` is spent: no further sitemap is read.
    ``first`` is true once, so that the warning is given once."""

    def __init__(self, message: str, first: bool) -> None:
        super().__init__(message)
        self.first = first


class Budget:
    """How many more sitemaps a run may fetch (``--max-sitemaps``), shared by
    every sitemap source of the run, so that an index fanning out 50-wide at
    every level ends after that many fetches, not 50⁴."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit
        self.refused = 0

    def take(self, url: str) -> None:
        if self.left <= 0:
            self.refused += 1
            raise SitemapLimit(
                f"sitemap limit reached: {self.limit} sitemaps read (--max-sitemaps); "
                f"{url} and any further sitemap are not read",
                first=self.refused == 1,
            )
        self.left -= 1


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    """The links of one sitemap file, as written; an index's sitemaps are not read."""
    for link, _ in _entries(stream, path):
        yield link


@dataclass
class _Visit:
    """What one top-level read shares down its indexes: the sitemaps already
    read (each is read once), and those left unread for nesting too deep."""

    seen: set[str]
    too_deep: int = 0
    first_too_deep: str = ""


def read(
    stream: BinaryIO,
    path: str,
    context: ReadContext,
    visit: _Visit | None = None,
    depth: int = 0,
) -> Iterator[Link]:
    """The links of a sitemap, resolved against it, then those of every sitemap
    its index names (when ``context.open_child`` is given).

    A named sitemap is a link itself, so a dead one shows up in the report.
    One that cannot be read (refused, failed, over a cap, malformed) is a
    warning, never the end of the run: the other sources still count.
    """
    top = visit is None
    if visit is None:
        visit = _Visit({path})  # an index naming itself is not read twice
    for raw, is_sitemap in _entries(stream, path):
        link = raw._replace(url=context.resolve(raw.url))
        yield link
        url = link.url
        if not is_sitemap or context.open_child is None or url in visit.seen:
            continue
        visit.seen.add(url)
        if depth >= MAX_DEPTH:
            visit.too_deep += 1
            visit.first_too_deep = visit.first_too_deep or url
            continue
        try:
            child, child_context = context.open_child(url)
        except SitemapLimit as exc:
            if exc.first:
                context.warn(str(exc))
            continue
        except SourceError as exc:
            context.warn(f"sitemap {url} (in {path}) not read: {_reason(exc, url)}")
            continue
        with child:
            try:
                yield from read(child, url, child_context, visit, depth + 1)
            except SourceError as exc:
                context.warn(f"sitemap {url} (in {path}) not read to the end: {exc}")
    if top and visit.too_deep:  # once per top-level sitemap, not once per index
        context.warn(
            f"{visit.too_deep} sitemaps named under {path} not read: indexes nested over "
            f"{MAX_DEPTH} deep (the first: {visit.first_too_deep})"
        )


def _reason(exc: SourceError, url: str) -> str:
    return str(exc).removeprefix(f"cannot fetch {url}: ")


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
