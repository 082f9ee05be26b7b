"""``--dump``: list what would be checked, with its sources; check nothing.

One entry per unique URL, in first-seen order, after relative resolution
and ``--remap``, with every place it was read. The exclusion rules apply
(the same :class:`~checker.filters.LinkFilter` the probe asks): an excluded
URL is listed with its ``reason``; ``reason`` is null for one that would be
checked. The DNS half of ``--exclude-private`` needs lookups, so a dump
applies only its literal half.

* ``--format jsonl``: one ``{"url", "sources", "reason"}`` per line;
* ``--format json``: a list of them;
* any other format: one readable line per URL.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from checker.choices import Format
from checker.filters import IgnoreRules, LinkFilter
from checker.models import Source
from checker.reporters.plain import escape
from checker.settings import Settings
from checker.targets import TargetIndex


def dump(
    settings: Settings,
    index: TargetIndex,
    out: TextIO,
    ignore: IgnoreRules = (),
) -> int:
    """Write the dump; the exit code is 0 (nothing was checked, nothing failed)."""
    excluded_by = LinkFilter(settings, ignore)
    fmt = settings.format
    excluded = 0
    if fmt is Format.JSON:
        out.write("[")
    for n, target in enumerate(index):
        reason = excluded_by(target.url)
        excluded += reason is not None
        if fmt is Format.JSON or fmt is Format.JSONL:
            entry = _dumps(entry_of(target.url, target.sources, reason))
            if fmt is Format.JSON:
                out.write(("\n  " if n == 0 else ",\n  ") + entry)
            else:
                out.write(entry + "\n")
        else:
            out.write(_line(target.url, target.sources, reason) + "\n")
    if fmt is Format.JSON:
        out.write("\n]\n" if len(index) else "]\n")
    out.flush()
    if not settings.quiet:
        sys.stderr.write(
            f"{len(index)} URLs from {index.links} links, {excluded} excluded; nothing checked\n"
        )
    return 0


def entry_of(url: str, sources: tuple[Source, ...], reason: str | None) -> dict[str, Any]:
    return {"url": url, "sources": [s.to_dict() for s in sources], "reason": reason}


def _line(url: str, sources: tuple[Source, ...], reason: str | None) -> str:
    places = ", ".join(_place(s) for s in sources)
    line = f"{escape(url)}  {escape(places)}"
    return line if reason is None else f"{line}  (excluded: {reason})"


def _place(source: Source) -> str:
    column = "" if source.column is None else f":{source.column}"
    return f"{source.path}:{source.line}{column}"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
