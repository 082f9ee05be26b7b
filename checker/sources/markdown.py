"""Markdown (``.md .markdown .mdx``), parsed by pulldown-cmark through pyromark.

pulldown-cmark is a CommonMark parser in Rust (lychee's own); urlcheck turns
on the GitHub extensions that change what is text (tables, footnotes,
strikethrough, task lists), so a ``|`` or ``~~`` ends a bare URL where GitHub
ends it. Each event comes with its byte range in the source, so every link is
placed exactly.

Reported: inline links and images, autolinks, bare ``http(s)://`` URLs in
text (GitHub's autolink literals), reference definitions (once each, at the
definition, where the URL is written, used or not; defined after use too),
and links in raw HTML, which the HTML parser reads. Not reported: anything
in a code span or code block, the uses of a reference (their URL is the
definition's), and links inside raw ``<pre>``/``<code>``. A URL is reported
normalised as a browser requests it (``my file.md`` is ``my%20file.md``);
its column is then None, as it is not written so in the source.

In ``.mdx`` files the ``href`` and ``src`` string attributes of JSX
components (``<Card href="/x" />``) are links too.

No nesting limit drops anything: a link in a list nested 50 deep is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyromark

from checker.sources import html
from checker.sources._text import ByteLocator, decode
from checker.sources.interface import Link
from checker.sources.urltext import normalize, trim_bare

# (byte offset in the source, exact, url): exact is False when the URL is not
# written verbatim at the offset (then only its line is known).
_Found = tuple[int, bool, str]

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
)
_PARSER = pyromark.Markdown(options=_OPTIONS)
_BARE = re.compile(r"https?://[^\s<>\"`]+", re.IGNORECASE)
_RAW_CODE = re.compile(r"<(/?)(?:pre|code)\b", re.IGNORECASE)
_CLOSES_LINK = ("Link", "Image")  # a tuple: an End event may be a dict, unhashable
_INLINE = frozenset({"Inline", "Autolink", "Email"})  # the rest are uses of a reference


def parse(stream: BinaryIO, path: str) -> Iterator[Link]:
    return iter(links(decode(stream.read()), path))


def links(text: str, path: str) -> list[Link]:
    """Every link of a Markdown document, in document order."""
    data = text.encode()
    found = _events(text, data, components=path.lower().endswith(".mdx"))
    found.extend(_definitions(text, data))
    found.sort(key=_offset)
    locator = ByteLocator(data, len(data) == len(text))
    result = []
    for offset, exact, url in found:
        line, column = locator.position(offset)
        result.append(Link(url, path, line, column if exact else None))
    return result


def _offset(found: _Found) -> int:
    return found[0]


def _events(text: str, data: bytes, components: bool = False) -> list[_Found]:
    found: list[_Found] = []
    in_link = in_code = in_raw_code = 0
    block: list[tuple[str, int]] | None = None  # the pieces of a raw HTML block
    # The hot loop: one test per event for the common kinds. ``"Text" in
    # event`` is a key lookup on a dict event and a substring test on the
    # bare-string ones ("SoftBreak", "HardBreak", "Rule"), false for both.
    # Typed as Any: pyromark's precise event types cost a cast per event.
    events: Iterator[tuple[Any, Any]] = _PARSER.events_with_range(text, merge_text=True)
    for event, span in events:
        if "Text" in event:
            if not (in_link or in_code or in_raw_code):
                value = event["Text"]
                if "://" in value:
                    found.extend(_bare(value, data, span["start"], span["end"]))
        elif "End" in event:
            end = event["End"]
            if end in _CLOSES_LINK:
                in_link -= 1
            elif end == "CodeBlock":
                in_code -= 1
            elif end == "HtmlBlock" and block is not None:
                found.extend(_html_block(block, data, components))
                block = None
        elif "Start" in event:
            start = event["Start"]
            if start.__class__ is str:
                if start == "HtmlBlock":
                    block = []
            elif "Link" in start or "Image" in start:
                in_link += 1
                if not in_raw_code:
                    target = start.get("Link") or start["Image"]
                    if target["link_type"] in _INLINE and target["dest_url"]:
                        found.append(_link(target, data, span["start"], span["end"]))
            elif "CodeBlock" in start:
                in_code += 1
        elif "Html" in event:
            if block is not None:
                block.append((event["Html"], span["start"]))
        elif "InlineHtml" in event and not in_code:
            value = event["InlineHtml"]
            for closing in _RAW_CODE.findall(value):
                in_raw_code = max(in_raw_code + (-1 if closing else 1), 0)
            if not in_raw_code and "=" in value:
                found.extend(_inline_html(value, data, span["start"], span["end"], components))
    return found


def _link(target: dict[str, Any], data: bytes, start: int, end: int) -> _Found:
    """An inline link or image, an autolink or an email autolink."""
    raw: str = target["dest_url"]
    kind = target["link_type"]
    if kind == "Email":
        return start + 1, True, "mailto:" + raw
    url = normalize(raw)
    if kind == "Autolink":
        return start + 1, True, url
    # The destination follows the last "](" of the link: the text before it
    # may hold the same URL, or an image with its own.
    opening = data.rfind(b"](", start, end)
    at = data.find(raw.encode(), opening if opening >= 0 else start, end)
    if at < 0:  # escaped or entity-encoded in the source
        return start, False, url
    return at, url == raw, url


def _bare(value: str, data: bytes, start: int, end: int) -> Iterator[_Found]:
    """GitHub's autolink literals in one run of text; ``value`` is the text with
    escapes and entities undone, ``data[start:end]`` as written."""
    cursor = start
    for match in _BARE.finditer(value):
        url = trim_bare(match[0])
        written = url.encode()
        at = data.find(written, cursor, end)
        if at < 0:
            yield cursor, False, url
        else:
            cursor = at + len(written)
            yield at, True, url


def _html_block(pieces: list[tuple[str, int]], data: bytes, components: bool) -> Iterator[_Found]:
    """A raw HTML block, read whole by the HTML parser. Each piece is one line
    of it without its container markers (``>``, list indentation), with the
    byte offset where that line's text starts in the source."""
    content = "".join(piece for piece, _ in pieces)
    bounds: list[tuple[int, str, int]] = []  # (char offset in content, piece, source offset)
    offset = 0
    for piece, source in pieces:
        bounds.append((offset, piece, source))
        offset += len(piece)
    index = 0
    for url, at, exact in html.extract(content, components):
        if index and at < bounds[index][0]:
            index = 0
        while index + 1 < len(bounds) and bounds[index + 1][0] <= at:
            index += 1
        begins, piece, source = bounds[index]
        yield source + len(piece[: at - begins].encode()), exact, url


def _inline_html(
    value: str, data: bytes, start: int, end: int, components: bool
) -> Iterator[_Found]:
    """One inline HTML tag. Its text is the source's unless it spans lines
    inside a container, whose markers the parser left out: then each URL is
    looked for again in the source."""
    verbatim = data[start:end] == value.encode()
    for url, at, exact in html.extract(value, components):
        if verbatim:
            yield start + len(value[:at].encode()), exact, url
            continue
        found = data.find(value[at : at + len(url)].encode(), start, end) if exact else -1
        yield (found, True, url) if found >= 0 else (start, False, url)


def _definitions(text: str, data: bytes) -> Iterator[_Found]:
    for definition in _PARSER.reference_definitions(text).values():
        raw: str = definition["dest"]
        if not raw:
            continue
        start, end = definition["span"]["start"], definition["span"]["end"]
        url = normalize(raw)
        label_end = data.find(b"]:", start, end)
        at = data.find(raw.encode(), label_end if label_end >= 0 else start, end)
        if at < 0:
            yield start, False, url
        else:
            yield at, url == raw, url
