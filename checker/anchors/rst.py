"""The anchors of a reStructuredText document: the ids docutils gives its
sections and its ``.. _label:`` targets (``Installing it`` is
``#installing-it``; a repeated title gets docutils' ``id1``…).

With docutils installed (``pip install 'urlcheck[rst]'``), docutils itself
parses the document, as checker/sources/rst.py does for links, and every id
it assigns counts. Without it, section titles (a line over an underline of
punctuation) and ``.. _label:`` targets are read with regular expressions and
turned into ids as docutils' ``make_id`` does.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

_TARGET = re.compile(r"^[ \t]*\.\.[ \t]+_(?:`([^`]+)`|([^:\n]+)):", re.MULTILINE)
_UNDERLINE = re.compile(r"""([!-/:-@\[-`{-~])\1+[ \t]*\Z""")
_NON_ID = re.compile(r"[^a-z0-9]+")
_ID_ENDS = re.compile(r"^[-0-9]+|-+$")


def anchors(text: str) -> set[str]:
    try:
        import docutils  # noqa: F401
    except ImportError:
        return subset(text)
    return _with_docutils(text)


def _with_docutils(text: str) -> set[str]:
    from docutils import frontend, utils
    from docutils.parsers.rst import Parser

    parser = Parser()
    settings: Any = frontend.get_default_settings(Parser)
    # As checker/sources/rst.py: silent, and never reads another file.
    settings.report_level = settings.halt_level = 5
    settings.warning_stream = False
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    document = utils.new_document("<anchors>", settings)
    parser.parse(text, document)
    return {str(ident) for ident in document.ids}


def make_id(text: str) -> str:
    """docutils' ``nodes.make_id``, without its table of special letters."""
    ident = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _ID_ENDS.sub("", _NON_ID.sub("-", " ".join(ident.split())))


def subset(text: str) -> set[str]:
    """The ids read without docutils: titles and explicit targets."""
    found = {make_id(m[1] or m[2]) for m in _TARGET.finditer(text)}
    lines = text.splitlines()
    for above, line in itertools.pairwise(lines):
        title = above.strip()
        # A title over an underline at least as long; not an overline itself.
        underlined = len(line.rstrip()) >= len(title) and _UNDERLINE.match(line.strip())
        if title and underlined and not _UNDERLINE.match(title):
            found.add(make_id(title))
    found.discard("")
    return found
