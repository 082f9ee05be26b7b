"""``--dump``: list what would be checked, with its sources; check nothing.

One entry per unique URL, in first-seen order, after relative resolution
and ``--remap``, with every place it was read. The exclusion rules apply
(the same :class:`~checker.filters.LinkFilter` the probe asks): an excluded
URL is listed with its ``reason``; ``reason`` is null for one that would be
checked. The DNS half of ``--exclude-private`` needs lookups, so a dump
applies only its literal half.

* ``--format jsonl``: one ``{"url", "sources", "sources_total", "reason"}`` per line;
* ``--format json``: a list of them;
* any other format: one readable line per URL.

Like every report, a dump masks secrets (checker/redact.py), shows control
characters as escapes, writes ``##[`` so that it is no workflow command
(checker/reporters/neutral.py), and inside GitHub Actions neutralises the
readable lines too.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from checker import github_actions
from checker.choices import Format
from checker.filters import IgnoreRules, LinkFilter
from checker.models import Source, count_places
from checker.redact import Masker
from checker.reporters.neutral import json_safe, neutralise
from checker.reporters.plain import escape
from checker.settings import Settings
from checker.targets import TargetIndex


def dump(
    settings: Settings,
    index: TargetIndex,
    out: TextIO,
    ignore: IgnoreRules = (),
    environ: Mapping[str, str] | None = None,
) -> int:
    """Write the dump; the exit code is 0 (nothing was checked, nothing failed)."""
    excluded_by = LinkFilter(settings, ignore)
    masker = Masker.of(settings.secrets)
    actions = github_actions.active(os.environ if environ is None else environ)
    fmt = settings.format
    excluded = 0
    if fmt is Format.JSON:
        out.write("[")
    for n, target in enumerate(index):
        reason = excluded_by(target.url)
        excluded += reason is not None
        entry = masked_entry(masker, target.url, target.sources, reason)
        if fmt is Format.JSON or fmt is Format.JSONL:
            text = _dumps(entry)
            if fmt is Format.JSON:
                out.write(("\n  " if n == 0 else ",\n  ") + text)
            else:
                out.write(text + "\n")
        else:
            out.write(_line(entry, actions) + "\n")
    if fmt is Format.JSON:
        out.write("\n]\n" if len(index) else "]\n")
    out.flush()
    if not settings.quiet:
        sys.stderr.write(
            f"{len(index)} URLs from {index.links} links, {excluded} excluded; nothing checked\n"
        )
    return 0


def entry_of(url: str, sources: tuple[Source, ...], reason: str | None) -> dict[str, Any]:
    # sources_total as in a RESULT: a URL read more often than its places are listed says so.
    return {
        "url": url,
        "sources": [s.to_dict() for s in sources],
        "sources_total": count_places(sources),
        "reason": reason,
    }


def masked_entry(
    masker: Masker, url: str, sources: tuple[Source, ...], reason: str | None
) -> dict[str, Any]:
    """:func:`entry_of` with every secret masked, in every field."""
    entry = entry_of(masker.text(url), sources, None if reason is None else masker.text(reason))
    for source in entry["sources"]:
        source["path"] = masker.text(source["path"])
    return entry


def _line(entry: dict[str, Any], actions: bool) -> str:
    def safe(text: str) -> str:
        text = escape(text)
        return neutralise(text, mentions=False) if actions else text

    places = ", ".join(_place(s) for s in entry["sources"])
    if (more := entry["sources_total"] - len(entry["sources"])) > 0:
        places += f" (+{more} more)"
    line = f"{safe(entry['url'])}  {safe(places)}"
    reason = entry["reason"]
    return line if reason is None else f"{line}  (excluded: {safe(reason)})"


def _place(source: dict[str, Any]) -> str:
    column = "" if source.get("column") is None else f":{source['column']}"
    return f"{source['path']}:{source['line']}{column}"


def _dumps(value: object) -> str:
    return json_safe(json.dumps(value, ensure_ascii=False))
