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

With ``--shard K/N`` it lists what shard K would check, and only that.

Like every report, a dump masks secrets (checker/redact.py), shows control
characters as escapes, writes ``##[`` so that it is no workflow command
(checker/reporters/neutral.py), and inside GitHub Actions neutralises the
readable lines too.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from typing import TextIO

from checker import github_actions
from checker.choices import Format
from checker.filters import IgnoreRules, LinkFilter
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
    as_json = fmt is Format.JSON or fmt is Format.JSONL
    places = _Places(masker, as_json)
    excluded = 0
    separator = "\n  "  # JSON: the first entry's; then ",\n  "
    if fmt is Format.JSON:
        out.write("[")
    # Lines go out _CHUNK at a time: a write per URL through the guarded
    # stream cost ~2 us each (100k URLs in the 52 MB benchmark tree).
    lines: list[str] = []
    append = lines.append
    mask = masker.text
    for written, listed, total in index.rows():
        reason = excluded_by(written)
        if reason is not None:
            excluded += 1
            reason = mask(reason)
        url = mask(written)
        if as_json:
            text = _json_line(url, places(listed), total, reason)
            if fmt is Format.JSON:
                append(separator + text)
                separator = ",\n  "
            else:
                append(text + "\n")
        else:
            append(_line(url, places(listed), len(listed), total, reason, actions) + "\n")
        if len(lines) >= _CHUNK:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))
    if fmt is Format.JSON:
        out.write("\n]\n" if len(index) else "]\n")
    out.flush()
    if not settings.quiet:
        stamp = index.shard
        of = "" if stamp is None else f" in shard {stamp.text} (of {stamp.input_urls} URLs)"
        sys.stderr.write(
            f"{len(index)} URLs from {index.links} links{of}, {excluded} excluded; "
            "nothing checked\n"
        )
    return 0


_CHUNK = 256
Place = tuple[str, int, "int | None"]  # path, line, column

# What json.dumps(entry, ensure_ascii=False) writes, built without a dict per
# URL and a dict per place: the 52 MB benchmark tree's dump took 2.5 s that way.
_string = json.encoder.encode_basestring


def _json_line(url: str, places: str, total: int, reason: str | None) -> str:
    shown = "null" if reason is None else _string(reason)
    return json_safe(
        f'{{"url": {_string(url)}, "sources": [{places}], "sources_total": {total}, '
        f'"reason": {shown}}}'
    )


class _Places:
    """A URL's places, each path masked and encoded once per run: what is
    written before a place's line number is kept per path."""

    def __init__(self, masker: Masker, as_json: bool) -> None:
        self._masker = masker
        self._as_json = as_json
        self._prefixes: dict[str, str] = {}

    def __call__(self, places: Iterable[Place]) -> str:
        return ", ".join(map(self._place, places))

    def _place(self, place: Place) -> str:
        path, line, column = place
        prefix = self._prefixes.get(path)
        if prefix is None:
            prefix = self._prefixes[path] = self._prefix(path)
        if column is None:
            return f"{prefix}{line}}}" if self._as_json else f"{prefix}{line}"
        return (
            f'{prefix}{line}, "column": {column}}}' if self._as_json else f"{prefix}{line}:{column}"
        )

    def _prefix(self, path: str) -> str:
        masked = self._masker.text(path)
        return f'{{"path": {_string(masked)}, "line": ' if self._as_json else f"{masked}:"


def _line(url: str, places: str, listed: int, total: int, reason: str | None, actions: bool) -> str:
    def safe(text: str) -> str:
        text = escape(text)
        return neutralise(text, mentions=False) if actions else text

    if (more := total - listed) > 0:
        places += f" (+{more} more)"
    line = f"{safe(url)}  {safe(places)}"
    return line if reason is None else f"{line}  (excluded: {safe(reason)})"
