"""Anchors: what a ``#fragment`` may point at, and whether it does.

A document's anchors are read by its format (:func:`of_document`): HTML
(checker/anchors/html.py), Markdown by GitHub's rules (markdown.py) and
reStructuredText by docutils' (rst.py). Other formats have no anchors
urlcheck can know, so a fragment into them is not judged.

:func:`missing` is the one rule for whether a fragment is there:

* never missing: an empty fragment, ``#top`` (any case; browsers scroll to
  the top), a text fragment (``#:~:text=…``; with ``id:~:text=`` the id is
  still judged) and single-page-app routes (``#/…``, ``#!…``);
* GitHub line anchors (``#L10``, ``#L10-L20``, ``#L10C2-L12C5``) on
  github.com pages and in local non-HTML files, where GitHub shows them:
  locally the file must have that many lines;
* otherwise the fragment, as written and percent-decoded, must be an
  anchor, with or without GitHub's ``user-content-`` prefix. Markdown
  anchors also match ignoring case, as GitHub's page script does.

A missing anchor's message names the nearest ones (difflib), so a typo
reads as "did you mean #installation?".
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import assert_never
from urllib.parse import unquote

from checker.choices import SourceFormat
from checker.sources._text import decode, decode_html

Anchors = frozenset[str]

PREFIX = "user-content-"
_LINE = re.compile(r"L(\d{1,9})(?:C\d{1,9})?(?:-L(\d{1,9})(?:C\d{1,9})?)?")
_SHOWN = 80  # characters of a fragment quoted in a message
# difflib compares a missing fragment with this many anchors at most, those
# nearest in length: its cost per comparison is what makes a page of 100k
# ids, or a run of 40k missing anchors, slow (measured: ~0.1-0.25 ms each,
# so a hint costs 2.5 ms against 21 anchors; without hints a miss is 20 µs).
_COMPARED = 32


def of_document(data: bytes, fmt: SourceFormat) -> Anchors | None:
    """The anchors of a document in ``fmt``, or None when the format has none
    urlcheck can know (a fragment into it is then not judged)."""
    match fmt:
        case SourceFormat.HTML:
            from checker.anchors import html

            return frozenset(html.anchors(decode_html(data)))
        case SourceFormat.MARKDOWN:
            from checker.anchors import markdown

            return frozenset(markdown.anchors(decode(data)))
        case SourceFormat.RST:
            from checker.anchors import rst

            return frozenset(rst.anchors(decode(data)))
        case SourceFormat.URLLIST | SourceFormat.SITEMAP | SourceFormat.TEXT | SourceFormat.CSS:
            return None
        case _:
            assert_never(fmt)


def never_missing(fragment: str) -> bool:
    """Whether ``fragment`` (as written in the URL, after ``#``) is one no
    page can lack: see the module's docstring."""
    return (
        not fragment
        or fragment.lower() == "top"
        or fragment.startswith((":~:", "/", "!", "%2F", "%2f", "%21"))
    )


def line_anchor(fragment: str) -> tuple[int, int] | None:
    """The lines a GitHub line anchor names (``L10-L20`` is (10, 20)), or None."""
    match = _LINE.fullmatch(fragment)
    if match is None:
        return None
    first = int(match[1])
    return first, int(match[2] or first)


def missing(
    fragment: str,
    anchors: Anchors,
    *,
    folded: Anchors | None = None,
    lines: int | None = None,
    where: str = "",
    hint: bool = True,
) -> str | None:
    """None when ``fragment`` is found among ``anchors``, else what to say.

    ``folded``: the anchors lowercased, when case does not matter (Markdown:
    :func:`fold`, computed once per document).
    ``lines``: the document's line count, when GitHub line anchors apply to
    it (a local non-HTML file); ``-1`` when they apply and every line
    number is taken to exist (a github.com page, whose file is not read).
    ``where``: the document's name, for the message. ``hint``: name the
    nearest anchors (a caller's budget may turn it off: see :class:`Hints`).
    """
    place = f" in {where}" if where else ""
    own = fragment.split(":~:", 1)[0]  # "id:~:text=…": the id part is judged
    if never_missing(own):
        return None
    if lines is not None and (span := line_anchor(own)) is not None:
        last = max(span)
        if lines < 0 or last <= lines:
            return None
        name = where or "the file"
        return f"#{_shown(own)}: line {last} is past the end of {name} ({lines} lines)"
    decoded = unquote(own, errors="replace")
    for candidate in {own, decoded}:
        if _found(candidate, anchors):
            return None
    if folded is not None and _found(decoded.lower(), folded):
        return None
    return f"no anchor #{_shown(decoded)}{place}" + (_nearest(decoded, anchors) if hint else "")


def fold(anchors: Anchors) -> Anchors:
    return frozenset(anchor.lower() for anchor in anchors)


class Hints:
    """A run's budget of "did you mean" hints: the first ``budget`` missing
    anchors name their nearest ones, later ones only say they are missing,
    so a hostile input of many thousands of missing anchors stays cheap."""

    __slots__ = ("left",)

    def __init__(self, budget: int = 200) -> None:
        self.left = budget

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _found(fragment: str, anchors: Anchors) -> bool:
    return (
        fragment in anchors
        or PREFIX + fragment in anchors
        or (fragment.startswith(PREFIX) and fragment[len(PREFIX) :] in anchors)
    )


def _nearest(fragment: str, anchors: Anchors) -> str:
    if not anchors:
        return " (the document has no anchors)"
    wanted = fragment.removeprefix(PREFIX)
    close = difflib.get_close_matches(wanted, _near_in_length(wanted, anchors), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"#{_shown(name)}" for name in close) + "?"


def _near_in_length(wanted: str, anchors: Anchors) -> list[str]:
    """The :data:`_COMPARED` anchors nearest ``wanted`` in length."""
    by_length = _by_length(anchors)
    size = len(wanted)
    found: list[str] = []
    for length in sorted(by_length, key=lambda n: abs(n - size)):
        found += by_length[length]
        if len(found) >= _COMPARED:
            return found[:_COMPARED]
    return found


@functools.lru_cache(maxsize=64)
def _by_length(anchors: Anchors) -> dict[int, list[str]]:
    """A document's anchors (without GitHub's prefix) by length, made once
    per document: a page of 100k ids then costs each miss little."""
    by_length: dict[int, list[str]] = {}
    for anchor in sorted({anchor.removeprefix(PREFIX) for anchor in anchors}):
        by_length.setdefault(len(anchor), []).append(anchor)
    return by_length


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
