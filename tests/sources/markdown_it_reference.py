"""The Markdown reader urlcheck used before pulldown-cmark: markdown-it-py (CommonMark).

Kept for the differential tests only (test_markdown_differential.py); what it
finds on a document is what the new reader must find, bar the listed fixes.

Reported: inline links and images, autolinks, bare ``http(s)://`` URLs in
text (GitHub's autolink literals), reference definitions (once each, at the
definition, where the URL is written, used or not; defined after use too),
and links in raw HTML, which the HTML parser reads. Not reported: anything
in a code span or code block, the uses of a reference (their URL is the
definition's), and links inside raw ``<pre>``/``<code>``.

markdown-it-py keeps line ranges for blocks only. To place inline links, the
inline rules that make links are wrapped to record where each construct
starts in the block's text; the URL is then found inside the construct.
Columns are best effort: None when the URL is not written verbatim (an
entity, an escape, a percent-encoding the parser added).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, BinaryIO

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from checker.sources import html
from checker.sources._text import Locator, decode
from checker.sources.interface import Link

_Found = tuple[int, int | None, str]  # (0-based source line, 1-based column or None, url)

_BARE = re.compile(r"https?://[^\s<>\"`]+", re.IGNORECASE)
_TRAILING = "?!.,:;*_~'"
_RAW_CODE = re.compile(r"<(/?)(?:pre|code)\b", re.IGNORECASE)
# URLs that markdown-it's normalizeLink (mdurl parse, punycode, encode) returns
# unchanged; the fast path skips ~15 % of parse time on link-heavy text.
_NORMAL = re.compile(r"(?:[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]|%[0-9A-Fa-f]{2})*\Z")
_POSITIONED = ("link", "image", "autolink", "html_inline")
_MARKED = frozenset({"link_open", "image", "html_inline"})


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    text = decode(stream.read())
    lines = text.split("\n")
    env: dict[str, Any] = {}
    found: list[_Found] = []
    for token in _parser().parse(text, env):
        if token.type == "inline" and token.children and token.map:
            found.extend(_inline(token.content, token.children, token.map[0], lines))
        elif token.type == "html_block" and token.map:
            found.extend(_html(token.content, token.map[0], lines))
    found.extend(_definitions(env.get("references", {}), lines))
    found.sort(key=lambda f: f[0])  # stable: document order within a line
    for line, column, url in found:
        yield Link(url, path, line + 1, column)


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    # Emphasis and line breaks never change what is a link; skipping them is faster.
    md.disable(["emphasis", "newline"])
    for name in _POSITIONED:
        md.inline.ruler.at(name, _remember_span(_rule(md, name)))
    normalize = md.normalizeLink
    md.normalizeLink = lambda url: url if _NORMAL.match(url) else normalize(url)  # type: ignore[method-assign]
    # Report javascript: and data: links (as excluded) instead of letting the
    # parser turn them into text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_Rule = Callable[[StateInline, bool], bool]


def _rule(md: MarkdownIt, name: str) -> _Rule:
    for rule in md.inline.ruler.__rules__:
        if rule.name == name:
            return rule.fn
    raise LookupError(name)


def _remember_span(rule: _Rule) -> _Rule:
    """Wrap an inline rule so the token it makes records the span of its
    construct in the block's text (``meta["span"]``)."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            for token in state.tokens[count:]:
                if token.type in _MARKED:
                    token.meta = {"span": (start, state.pos)}
                    break
        return True

    return wrapped


def _inline(content: str, children: list[Any], first: int, lines: list[str]) -> Iterator[_Found]:
    locator: Locator | None = None
    content_lines: list[str] = []
    cursor = in_link = in_raw_code = 0

    def place(offset: int, exact: bool, url: str) -> _Found:
        nonlocal locator, content_lines
        if locator is None:
            locator, content_lines = Locator(content), content.split("\n")
        line, column = locator.position(offset)
        source = first + line - 1
        return source, _column(lines, source, content_lines[line - 1], column, exact), url

    for child in children:
        kind = child.type
        span = child.meta.get("span")
        if span is not None:
            cursor = span[1]
        if kind == "link_close":
            in_link -= 1
        elif kind == "html_inline":
            for opening in _RAW_CODE.findall(child.content):
                in_raw_code += -1 if opening else 1
            if not in_raw_code and span is not None:
                for url, offset, exact in html.extract(child.content):
                    yield place(span[0] + offset, exact, url)
        elif in_raw_code:
            in_link += kind == "link_open"
        elif kind in ("link_open", "image"):
            in_link += kind == "link_open"
            url = child.attrs.get("href" if kind == "link_open" else "src")
            if not isinstance(url, str) or not url or span is None:
                continue
            start, end = span
            if child.markup == "autolink":
                yield place(start + 1, True, url)
            elif content[end - 1] == ")":  # inline, not a use of a reference
                at = content.rfind(url, start, end)
                yield place(at if at >= 0 else start, at >= 0, url)
        elif kind == "text" and not in_link and ":" in child.content:
            for match in _BARE.finditer(child.content):
                url = _trim(match[0])
                at = content.find(url, cursor)
                if at >= 0:
                    cursor = at + len(url)
                yield place(at if at >= 0 else cursor, at >= 0, url)


def _html(content: str, first: int, lines: list[str]) -> Iterator[_Found]:
    locator = Locator(content)
    content_lines = content.split("\n")
    for url, offset, exact in html.extract(content):
        line, column = locator.position(offset)
        source = first + line - 1
        yield source, _column(lines, source, content_lines[line - 1], column, exact), url


def _definitions(references: dict[str, dict[str, Any]], lines: list[str]) -> Iterator[_Found]:
    for reference in references.values():
        url, span = reference.get("href"), reference.get("map")
        if not url or not span:
            continue
        start, end = span
        text = "\n".join(lines[start:end])
        at = text.find(url, text.find("]:"))
        if at < 0:
            yield start, None, url
            continue
        line = start + text.count("\n", 0, at)
        yield line, at - (text.rfind("\n", 0, at) + 1) + 1, url


def _column(lines: list[str], source: int, written: str, column: int, exact: bool) -> int | None:
    """Map a column in the parser's text of a line (container markers and
    indentation removed) to the source line."""
    if not exact or source >= len(lines):
        return None
    line = lines[source]
    if written and line.endswith(written):
        return len(line) - len(written) + column
    at = line.find(written)
    return at + column if at >= 0 else None


def _trim(url: str) -> str:
    """GitHub's rule: trailing punctuation ends a bare URL, and so does a ``)``
    that closes nothing in it."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url
