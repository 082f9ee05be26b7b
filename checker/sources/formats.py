"""Which parser reads which file: the one table to extend.

Adding a format is one module under ``checker.sources`` with a ``parse``
function (see :class:`~checker.sources.interface.Parser`), one member of
``SourceFormat`` named like the module, and its extensions below.
Parsers are imported on first use, so a run over Markdown never pays for
docutils, and ``--help`` pays for none of them.
"""

from __future__ import annotations

import importlib

from checker.choices import SourceFormat
from checker.sources.interface import Parser

EXTENSIONS: dict[str, SourceFormat] = {
    ".md": SourceFormat.MARKDOWN,
    ".markdown": SourceFormat.MARKDOWN,
    ".mdx": SourceFormat.MARKDOWN,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
    ".rst": SourceFormat.RST,
    ".xml": SourceFormat.SITEMAP,
    ".css": SourceFormat.CSS,
    ".txt": SourceFormat.URLLIST,
}

# What a directory walk reads: documents, not URL lists (a .txt in a tree is prose).
WALKED = frozenset(ext for ext, fmt in EXTENSIONS.items() if fmt is not SourceFormat.URLLIST)


def parser(fmt: SourceFormat) -> Parser:
    module = importlib.import_module(f"checker.sources.{fmt.value}")
    return module.parse  # type: ignore[no-any-return]
