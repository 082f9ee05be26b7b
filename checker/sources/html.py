"""HTML (``.html .htm``), parsed by lexbor through selectolax.

lexbor is a complete HTML5 parser in C: it builds the same tree a browser
would, so an unterminated tag, a stray ``</p>`` or an unquoted attribute is
read as a browser reads it. Measured at ~140 MB/s on link-dense pages, ten
times the stdlib's ``html.parser`` (see the README's Sources section).

lexbor keeps no source positions, so each attribute value is found again in
the text, in document order, from where the previous one was found. The
search checks that the value follows ``name=``, so the same URL in the text
of a paragraph is not mistaken for it. It looks 64 KB ahead at most; past
that, or for a value not verbatim in the source (an entity we cannot undo),
the next ``name=`` of the attribute's name is taken: its line is right, and
its column too when the value is written there. Each value thus costs a
bounded search, and a page of values written nowhere stays linear.

CSS is read where a page holds it: ``url()`` and ``@import`` in ``<style>``
and in ``style=""`` (see css.py); only pages that contain ``url(`` or
``@import`` pay for it.

Deep nesting is capped before parsing, as browsers cap it (see htmldepth).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache
from typing import BinaryIO

from selectolax.lexbor import LexborHTMLParser

from checker.sources import css
from checker.sources._text import Locator, decode_html
from checker.sources.htmldepth import cap_depth
from checker.sources.interface import Link
from checker.sources.urltext import srcset

# The attributes read on each element.
_URL_ATTRS = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src",),
    "audio": ("src",),
    "track": ("src",),
    "button": ("formaction",),
    "input": ("formaction",),
}
# <link rel> values that name a server to warm up, not a page: lychee and
# linkinator skip them too (https://fonts.gstatic.com/ itself answers 404).
_HINT_ONLY = frozenset({"preconnect", "dns-prefetch"})
_SELECTOR = ", ".join(
    [f"{tag}[{attr}]" for tag, attrs in _URL_ATTRS.items() for attr in attrs]
    + ["meta[http-equiv][content]"]
)
# MDX components (<Card href="/x" />, <Image src="a.png" />): any element's
# href and src, as string attributes.
_COMPONENT_ATTRS = ("href", "src")
_WITH_COMPONENTS = _SELECTOR + ", [href], [src]"
# The same elements inside <pre> or <code>: lexbor's selector engine finds
# them in C (a Python walk over each block's subtree was quadratic in depth).
_IN_CODE = ", ".join(
    f"{block} {part}" for block in ("pre", "code") for part in _SELECTOR.split(", ")
)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_REFRESH_URL = re.compile(r"""[;,]\s*url\s*=\s*["']?([^"'\s]+)""", re.IGNORECASE)
_SPACE = " \t\n\f"
_SPACES = re.compile(r"[ \t\n\f\r]*")  # before a value, inside its quotes
_WINDOW = 65_536  # how far ahead a value is searched for verbatim


@cache
def _value_start(attr: str) -> re.Pattern[str]:
    """Where the next value of ``attr`` starts: its name, "=" with optional
    spaces around it, an optional quote."""
    return re.compile(rf"""(?<![\w-]){attr}[ \t\n\f\r]*=[ \t\n\f\r]*["']?""", re.IGNORECASE)


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    text = decode_html(stream.read())
    locator = Locator(text)
    for url, offset, exact in extract(text):
        line, column = locator.position(offset)
        yield Link(url, path, line, column if exact else None)


def extract(text: str, components: bool = False) -> Iterator[tuple[str, int, bool]]:
    """Yield ``(url, offset, exact)`` for every link of an HTML document or fragment.

    ``offset`` is where the URL starts in ``text``; when ``exact`` is False it
    was not found verbatim and ``offset`` is only where the search stood.
    URLs are joined with ``<base href>`` but otherwise as written.
    ``components``: also ``href`` and ``src`` on any element (MDX's JSX).
    """
    if not text:
        return
    tree = LexborHTMLParser(cap_depth(text))
    base_node = tree.css_first("base[href]")
    base = (base_node.attributes.get("href") or "").strip() if base_node else ""
    has_code = tree.css_first("pre, code") is not None
    skipped = {node.mem_id for node in tree.css(_IN_CODE)} if has_code else set()
    finder = _Finder(text)
    previous = None
    selector = _WITH_COMPONENTS if components else _SELECTOR
    styled = css.has_urls(text)  # only then are <style> and style="" read
    if styled:
        selector += ", style, [style]"
    for node in tree.css(selector):
        mem_id = node.mem_id
        if mem_id == previous or mem_id in skipped:
            continue  # an <img> with src and srcset matches the selector twice
        previous = mem_id
        tag = node.tag or ""
        attrs = node.attributes
        if tag == "meta":
            yield from _refresh(attrs, finder, base)
            continue
        if tag == "style" and styled:
            yield from _stylesheet(node.text(deep=True), finder, base)
            continue
        if tag == "link" and _hint_only(attrs.get("rel")):
            continue
        wanted = _URL_ATTRS.get(tag, _COMPONENT_ATTRS if components else ())
        for name, value in attrs.items():  # in source order: the finder moves forward
            if value is None:
                continue
            if name == "style" and styled:
                yield from _style_attribute(value, finder, base)
                continue
            if name not in wanted:
                continue
            if name == "srcset":
                at, exact = finder.find(value, name)
                for url, start in srcset(value):
                    yield (_join(base, url), *finder.inside(at, exact, url, start))
                continue
            url = value.strip()
            if components and url.startswith("{"):
                continue  # a JSX expression, not a URL
            if url:
                offset, exact = finder.find(url, name)
                yield _join(base, url), offset, exact


def _stylesheet(sheet: str, finder: _Finder, base: str) -> Iterator[tuple[str, int, bool]]:
    for url, _ in css.urls(sheet):
        at, exact = finder.find_text(url)
        yield _join(base, url), at, exact


def _style_attribute(value: str, finder: _Finder, base: str) -> Iterator[tuple[str, int, bool]]:
    found = list(css.urls(value))
    if found:
        at, exact = finder.find(value, "style")
        for url, start in found:
            yield (_join(base, url), *finder.inside(at, exact, url, start))


def _hint_only(rel: str | None) -> bool:
    tokens = (rel or "").lower().split()
    return bool(tokens) and all(token in _HINT_ONLY for token in tokens)


def _refresh(
    attrs: dict[str, str | None], finder: _Finder, base: str
) -> Iterator[tuple[str, int, bool]]:
    if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
        return
    content = attrs.get("content") or ""
    match = _REFRESH_URL.search(content)
    if match:
        at, exact = finder.find(content, "content")
        yield _join(base, match[1]), (at + match.start(1) if exact else at), exact


def _join(base: str, url: str) -> str:
    """``url`` as the document's ``<base href>`` makes it. A relative base
    stays relative: the file's own location resolves it later."""
    if not base or _SCHEME.match(url) or url.startswith("//"):
        return url
    if _SCHEME.match(base) or base.startswith("//"):
        from urllib.parse import urljoin

        return urljoin(base, url)
    if url.startswith("/"):
        return url
    if url.startswith(("#", "?")):
        return (
            base.split("#", maxsplit=1)[0] + url
            if url[0] == "#"
            else base.split("?", maxsplit=1)[0] + url
        )
    return base[: base.rfind("/") + 1] + url


class _Finder:
    """Finds attribute values again in the source, moving forward only."""

    __slots__ = ("_cursor", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._cursor = 0

    def find(self, value: str, attr: str) -> tuple[int, bool]:
        spellings = _spellings(value)
        for written in spellings:
            at = self._search(written, attr)
            if at >= 0:
                self._cursor = at + len(written)
                return at, True
        text = self._text
        match = _value_start(attr).search(text, self._cursor)
        if match is None:
            return self._cursor, False
        at = _SPACES.match(text, match.end()).end()  # type: ignore[union-attr]
        for written in spellings:
            if text.startswith(written, at):
                self._cursor = at + len(written)
                return at, True
        self._cursor = at
        return at, False

    def inside(self, at: int, exact: bool, url: str, start: int) -> tuple[int, bool]:
        """Where ``url``, at ``start`` in a value found at ``at``, is in the
        source: exact only if written there as is (the value may have been
        found in its entity-escaped spelling, which shifts what follows)."""
        if exact and self._text.startswith(url, at + start):
            return at + start, True
        return at, False

    def find_text(self, value: str) -> tuple[int, bool]:
        """A value in element text (a stylesheet's URL), within the window."""
        at = self._text.find(value, self._cursor, self._cursor + _WINDOW + len(value))
        if at < 0:
            return self._cursor, False
        self._cursor = at + len(value)
        return at, True

    def _search(self, written: str, attr: str) -> int:
        text = self._text
        limit = self._cursor + _WINDOW + len(written)
        at = text.find(written, self._cursor, limit)
        while at >= 0 and not _follows(text, at, attr):
            at = text.find(written, at + 1, limit)
        return at


def _follows(text: str, at: int, attr: str) -> bool:
    """Whether ``text[at:]`` is the value of ``attr``: after ``attr=``, an
    optional quote, and optional spaces around the ``=``. (A hand-written
    check: a regex search behind each candidate cost twice as much.)"""
    k = at - 1
    if k >= 0 and text[k] in "\"'":
        k -= 1
    while k >= 0 and text[k] in _SPACE:
        k -= 1
    if k < 0 or text[k] != "=":
        return False
    k -= 1
    while k >= 0 and text[k] in _SPACE:
        k -= 1
    return text[k - len(attr) + 1 : k + 1].lower() == attr


def _spellings(value: str) -> tuple[str, ...]:
    """How a value may be written in the source: as is, or with ``&`` escaped."""
    if "&" in value or "<" in value or '"' in value:
        return (value, html.escape(value, quote=True), value.replace("&", "&amp;"))
    return (value,)
