"""The anchors of an HTML document: ``id`` on any element, ``name`` on ``<a>``.

Parsed by lexbor (selectolax), the parser checker/sources/html.py reads
links with, so a page's anchors are what a browser would find: an unclosed
tag or an unquoted attribute is read as a browser reads it. Nesting is
capped first, as for links (checker/sources/htmldepth.py).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from checker.sources.htmldepth import cap_depth

_SELECTOR = "[id], a[name]"


def anchors(text: str) -> set[str]:
    """Every anchor of an HTML document or fragment (a raw-HTML block of Markdown)."""
    found: set[str] = set()
    if not text:
        return found
    tree = LexborHTMLParser(cap_depth(text))
    for node in tree.css(_SELECTOR):
        attrs = node.attributes
        ident = attrs.get("id")
        if ident:
            found.add(ident)
        if node.tag == "a" and (name := attrs.get("name")):
            found.add(name)
    return found
