"""The anchors of a Markdown document, as GitHub renders it.

* Each heading's slug, by GitHub's rules (github-slugger, which github.com
  and most Markdown site generators follow): the heading's text content
  (inline code included, markup and image alt text not), lowercased; every
  character that is not a Unicode letter, mark, number, connector
  punctuation (``_``), ``-`` or a space dropped (so punctuation and emoji go);
  each space turned into ``-``. A slug met again is numbered ``-1``, ``-2``…,
  skipping any slug already taken.
* An explicit ``{#id}`` heading attribute (Pandoc, MkDocs, Hugo…): its id,
  beside the slug of the rest of the heading.
* Raw HTML, block or inline: ``id`` on any element, ``name`` on ``<a>``
  (checker/anchors/html.py).

GitHub prefixes rendered ids with ``user-content-``; that is matched in
checker/anchors/__init__.py, not stored here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pyromark

from checker.anchors import html

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
)
_PARSER = pyromark.Markdown(options=_OPTIONS)
_KEPT = frozenset("LMN")  # Unicode major categories a slug keeps


def slug(text: str) -> str:
    """GitHub's slug of one heading's text, before duplicates are numbered."""
    kept = [c for c in text.lower() if c in "- " or _kept(unicodedata.category(c))]
    return "".join(kept).replace(" ", "-")


def _kept(category: str) -> bool:
    return category[0] in _KEPT or category == "Pc"


class Slugger:
    """Numbers repeated slugs as github-slugger does: the second ``a`` is
    ``a-1``, and a numbered form already taken by a heading is skipped.

    github.com's own renderer does not skip a taken form (a heading
    ``a-1`` after two ``a`` headings gives ``a-1`` twice); :meth:`__call__`
    returns both spellings, so a link either renderer honours is found.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self._plain: dict[str, int] = {}

    def __call__(self, text: str) -> tuple[str, str]:
        base = result = slug(text)
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        count = self._plain.get(base, 0)
        self._plain[base] = count + 1
        return result, f"{base}-{count}" if count else base


def anchors(text: str) -> set[str]:
    """Every anchor of a Markdown document."""
    found: set[str] = set()
    slugger = Slugger()
    raw: list[str] = []
    for kind, value in _walk(text):
        if kind == "heading":
            found.update(slugger(value))
        elif kind == "id":
            found.add(value)
        else:
            raw.append(value)
    if raw:
        found |= html.anchors("\n".join(raw))
    return found


def _walk(text: str) -> Iterator[tuple[str, str]]:
    """``("heading", text)``, ``("id", explicit id)`` and ``("html", raw HTML)``
    in document order."""
    heading: list[str] | None = None
    in_image = 0
    # Typed as Any, as in checker/sources/markdown.py: the precise event types cost a cast each.
    events: Iterator[Any] = _PARSER.events(text)
    for event in events:
        if isinstance(event, str):
            if heading is not None and event in ("SoftBreak", "HardBreak"):
                heading.append("\n")
            continue
        if "Start" in event:
            start = event["Start"]
            if isinstance(start, dict) and "Heading" in start:
                heading = []
                if ident := start["Heading"].get("id"):
                    yield "id", ident
            elif isinstance(start, dict) and "Image" in start:
                in_image += 1
        elif "End" in event:
            end = event["End"]
            if isinstance(end, dict) and "Heading" in end and heading is not None:
                yield "heading", "".join(heading)
                heading = None
            elif end == "Image":
                in_image -= 1
        elif heading is not None and not in_image and ("Text" in event or "Code" in event):
            heading.append(event.get("Text") or event.get("Code") or "")
        elif "Html" in event:
            yield "html", event["Html"]
        elif "InlineHtml" in event:
            yield "html", event["InlineHtml"]
