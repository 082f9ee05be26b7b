"""json: one object, ``{"results": [...], "summary": {...}}``, and
``"hosts": {...}`` after the summary with ``--host-stats``, and
``"shard": {...}`` last with ``--shard`` (checker/shard.py).

Results are written as they arrive and the summary last, so a run of any
size streams in constant memory, and an interrupted run still closes the
document (the engine reports the rest as ``cancelled`` first). ``##[`` is
written ``#\\u0023[``: the same JSON, and no workflow command when printed
in a GitHub Actions log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TextIO

from checker.hoststats import HostStats, HostTable
from checker.models import LateSources, Result, Summary
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.neutral import json_safe


class JsonReporter(Reporter):
    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self._out = out
        self._count = 0
        self._late = 0  # late_sources records written (--crawl)
        # Per-host figures only when asked for: O(hosts) memory and a parse per URL.
        self._hosts = HostTable() if options.host_stats else None
        self._shard = options.shard

    def late_sources(self, late: LateSources) -> None:
        # Streamed after the results: "late_sources": [...] before the summary.
        opening = '\n], "late_sources": [' if not self._late else ","
        if not self._late and not self._count:
            opening = '], "late_sources": ['
        self._late += 1
        self._out.write(f"{opening}\n  {dumps(late.to_dict()['late_sources'])}")

    def start(self, total: int) -> None:
        self._out.write('{"results": [')

    def add(self, result: Result) -> None:
        self._out.write(("\n  " if self._count == 0 else ",\n  ") + dumps(result.to_dict()))
        self._count += 1
        if self._hosts is not None:
            self._hosts.add(result)

    def host_stats(self, hosts: Mapping[str, HostStats]) -> None:
        if self._hosts is not None:
            self._hosts.merge(hosts)

    def finish(self, summary: Summary) -> None:
        closing = "\n]" if self._count or self._late else "]"
        hosts = ""
        if self._hosts is not None:
            by_host = {host: stats.to_dict() for host, stats in self._hosts.ordered()}
            hosts = f', "hosts": {dumps(by_host)}'
        shard = "" if self._shard is None else f', "shard": {dumps(self._shard.to_dict())}'
        self._out.write(f'{closing}, "summary": {dumps(summary.to_dict())}{hosts}{shard}}}\n')
        self._out.flush()


def _encoder() -> Callable[[object], str]:
    """``JSONEncoder(ensure_ascii=False).encode``, its C encoder built once.

    ``encode`` builds a new C encoder (and a dict to detect cycles) on every
    call: ~1 µs of each result's line. Results hold no cycles, and the one
    built here writes exactly what ``encode`` writes (tests/reporters).
    """
    plain = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return plain.encode
    chunks = make(
        None,  # no cycle check
        plain.default,
        json.encoder.encode_basestring,
        None,  # no indent
        plain.key_separator,
        plain.item_separator,
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan, as JSONEncoder's default
    )

    def encode(value: object) -> str:
        return "".join(chunks(value, 0))

    return encode


_encode = _encoder()


def dumps(value: object) -> str:
    """Compact JSON that holds no workflow command."""
    return json_safe(_encode(value))
