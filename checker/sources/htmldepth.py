"""A nesting cap for HTML, applied before lexbor parses a page.

lexbor's tree builder spends time in proportion to the depth of the open
elements for each new one, so a page of 100,000 unclosed ``<div>``s took
minutes. Browsers cap the depth (Blink at 512: deeper elements are attached
to the element at that depth, as siblings). urlcheck does the same on the
source: a start tag that would open an element deeper than :data:`MAX_DEPTH`
is closed at once (``<div x>`` becomes ``<div x></div>``), which keeps its
attributes, and so its links, and stops the nesting.

The depth is tracked with a light model of the tree builder: a stack of
open elements; an end tag closes up to the nearest open element of its name
and is ignored when none is open; void elements, elements whose end tag
is implied by a sibling (``p li td option`` …) and raw-text elements
(``script style`` …, whose content is not markup) never deepen it; comments
are skipped. Pages with at most :data:`MAX_DEPTH` start tags cannot be too
deep and are not scanned at all. Every step moves forward: linear time.
"""

from __future__ import annotations

import re

MAX_DEPTH = 512

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)|<!--")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr frame keygen".split()  # noqa: SIM905
)
_IMPLIED_END = frozenset(
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp rtc".split()  # noqa: SIM905
)
_RAW_TEXT = frozenset(
    "script style textarea title xmp iframe noembed noframes plaintext".split()  # noqa: SIM905
)


def cap_depth(text: str) -> str:
    """``text`` with every element deeper than :data:`MAX_DEPTH` closed at once."""
    if text.count("<") - text.count("</") <= MAX_DEPTH:
        return text
    lowered: str | None = None
    stack: list[str] = []
    open_count: dict[str, int] = {}
    out: list[str] = []
    copied = pos = 0
    while True:
        match = _TAG.search(text, pos)
        if match is None:
            break
        if match[0] == "<!--":
            end = text.find("-->", match.end())
            if end < 0:
                break
            pos = end + 3
            continue
        gt = text.find(">", match.end())
        if gt < 0:
            break
        pos = gt + 1
        name = match[2].lower()
        if match[1]:  # an end tag
            if open_count.get(name):
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        if name in _RAW_TEXT:
            if lowered is None:
                lowered = text.lower()
            end = lowered.find("</" + name, pos)
            if end < 0:
                break
            pos = end
            continue
        if name in _VOID or name in _IMPLIED_END:  # "<div/>" does nest in HTML
            continue
        if len(stack) >= MAX_DEPTH:
            out.append(text[copied:pos])
            out.append(f"</{name}>")
            copied = pos
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
    if not out:
        return text
    out.append(text[copied:])
    return "".join(out)
