"""Reading one shard's report back for ``urlcheck merge`` (checker/merge.py).

A report file is input like any other, so it may be anything: cut short,
not JSON, JSON of another shape, a device that never ends, values no run
writes (``1e999``, a negative line). Each is :class:`ReportError`, one line
naming the file; nothing here raises anything else for a file's content.

Two shapes are read, told apart by the first line:

- jsonl: ``{"shard": {...}}``, then one RESULT per line (checker/reporters/jsonl.py);
- json: one document, ``{"results": [...], "summary": {...}, "shard": {...}}``.

Each result is validated against the public contract (checker/schema.py,
exact: an unknown key is refused) and rebuilt as the :class:`Result` a run
would have produced, so the merged report is written by the same reporters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from checker import schema
from checker.models import Failure, Health, Places, Result, Source
from checker.reporters.plain import escape
from checker.shard import ShardStamp

# A RESULT lists at most 100 sources and --max-redirects (<= 1000) hops:
# far below this. A longer line is not a report, e.g. /dev/zero.
MAX_LINE = 16 * 1024 * 1024
# A json report of a million URLs is ~400 MB; past this, not a shard's report.
# (Only a layout other than the json reporter's own is read whole.)
MAX_DOCUMENT = 2 * 1024 * 1024 * 1024
_CHUNK = 1024 * 1024


class ReportError(Exception):
    """A report that cannot be read or is not a shard's report: one line, exit 2."""


@dataclass
class ShardReport:
    path: str  # as shown in messages: escaped
    stamp: ShardStamp
    results: list[Result] = field(default_factory=list)
    duration_s: float = 0.0  # the json summary's; a jsonl report has none


def shown(path: Path | str) -> str:
    return escape(str(path))[:300]


def read(path: Path) -> ShardReport:
    """The stamp and results of the report at ``path``. Raises :class:`ReportError`."""
    name = shown(path)
    try:
        with path.open("rb") as file:
            first = file.readline(MAX_LINE + 1)
            if first.strip() == _OPENING:  # the json reporter's own layout: streamed
                return _streamed(file, name)
            if not first.lstrip().startswith(b"{"):
                raise ReportError(f"{name}: not a urlcheck json or jsonl report")
            head = _whole_line(first, name)
            if isinstance(head, dict) and set(head) == {"shard"}:
                return _jsonl(file, head, name)
            if head is not None:  # the document on one line (an empty shard's)
                return _document(_top(head, name), None, name)
            # Any other layout of one JSON document (jq's, say): read whole.
            whole = _parse(first + _rest(file, len(first), name), name, None)
            return _document(_top(whole, name), None, name)
    except OSError as exc:
        raise ReportError(f"cannot read {name}: {exc.strerror or exc}") from None


def _whole_line(first: bytes, name: str) -> Any:
    """The first line's JSON value when it holds one whole, else None."""
    if len(first) > MAX_LINE or not first.endswith(b"\n"):
        return None
    try:
        return _parse(first, name, 1)
    except ReportError:
        return None  # the start of a document laid out on several lines


# What checker/reporters/json.py writes: this line, one result per line, and
# a last line "], "summary": {...}, ...}". Read line by line, a report of a
# million URLs costs its Result objects, not ten times its size in JSON trees.
_OPENING = b'{"results": ['


def _streamed(file: IO[bytes], name: str) -> ShardReport:
    results: list[Result] = []
    for number, line in enumerate(_lines(file, name), start=2):
        text = line.strip()
        if text.startswith(b"]"):
            closing = _parse(b'{"results": []' + text[1:], name, number)
            if any(rest.strip() for rest in _lines(file, name)):
                raise ReportError(f"{name}: text after the end of the report")
            return _document(_top(closing, name), results, name)
        value = _parse(text.removesuffix(b","), name, number)
        results.append(_result(value, name, f"line {number}"))
    raise ReportError(f"{name}: cut short (no summary): the shard did not finish writing it")


def _rest(file: IO[bytes], read_so_far: int, name: str) -> bytes:
    # In chunks: read(MAX_DOCUMENT) would allocate it all up front.
    chunks: list[bytes] = []
    size = read_so_far
    while chunk := file.read(_CHUNK):
        size += len(chunk)
        if size > MAX_DOCUMENT:
            raise ReportError(f"{name}: larger than {MAX_DOCUMENT >> 30} GiB: not a report")
        chunks.append(chunk)
    return b"".join(chunks)


def _jsonl(file: IO[bytes], head: dict[str, Any], name: str) -> ShardReport:
    stamp = _stamp(head["shard"], name)
    report = ShardReport(name, stamp)
    for number, line in enumerate(_lines(file, name), start=2):
        if line.strip():
            report.results.append(_result(_parse(line, name, number), name, f"line {number}"))
    return report


def _lines(file: IO[bytes], name: str) -> Iterator[bytes]:
    while line := file.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE:
            raise ReportError(f"{name}: a line longer than {MAX_LINE >> 20} MiB: not a report")
        yield line


def _top(document: Any, name: str) -> dict[str, Any]:
    if not isinstance(document, dict) or "results" not in document:
        raise ReportError(f"{name}: not a urlcheck json or jsonl report")
    if "shard" not in document:
        raise ReportError(f'{name}: not a shard\'s report (no "shard": run with --shard K/N)')
    unknown = set(document) - set(schema.Report.model_fields)
    if unknown:
        raise ReportError(f"{name}: not a urlcheck report: unknown key {shown(min(unknown))!r}")
    return document


def _document(document: dict[str, Any], results: list[Result] | None, name: str) -> ShardReport:
    """``results``: those read already (streamed), else read from the document."""
    stamp = _stamp(document["shard"], name)
    try:
        summary = schema.Summary.model_validate(document.get("summary"))
    except ValidationError as exc:
        raise ReportError(f"{name}: summary: {_first(exc)}") from None
    if results is None:
        items = document["results"]
        if not isinstance(items, list):
            raise ReportError(f'{name}: "results" is not a list')
        results = [_result(item, name, f"result {n}") for n, item in enumerate(items, start=1)]
    if summary.total != len(results):
        raise ReportError(
            f"{name}: its summary counts {summary.total} results, it holds {len(results)}"
        )
    return ShardReport(name, stamp, results, summary.duration_s)


def _parse(raw: bytes, name: str, line: int | None) -> Any:
    where = f"{name}" if line is None else f"{name}, line {line}"
    if line is not None and len(raw) > MAX_LINE:
        raise ReportError(f"{where}: longer than {MAX_LINE >> 20} MiB: not a report")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_constant, parse_float=_float)
    except UnicodeDecodeError:
        raise ReportError(f"{where}: not UTF-8: not a report") from None
    except RecursionError:
        raise ReportError(f"{where}: nested too deeply: not a report") from None
    except ValueError as exc:  # JSONDecodeError, an integer of thousands of digits
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "a number out of range"
        raise ReportError(f"{where}: not JSON ({reason}): garbled or cut short") from None


def _constant(text: str) -> Any:
    raise ValueError(f"{text} is no JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: no run writes it, and json would write Infinity
        raise ValueError(f"{text[:20]} is out of range")
    return value


def _first(exc: ValidationError) -> str:
    """The first problem, without the input (it is the hostile part)."""
    error = exc.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    return escape(f"{where}: {error['msg']}" if where else str(error["msg"]))[:300]


def _stamp(value: Any, name: str) -> ShardStamp:
    try:
        shard = schema.Shard.model_validate(value)
    except ValidationError as exc:
        raise ReportError(f"{name}: shard: {_first(exc)}") from None
    if shard.index > shard.count or shard.urls > shard.input_urls:
        raise ReportError(f"{name}: shard {shard.index}/{shard.count}: inconsistent")
    return ShardStamp(
        shard.index, shard.count, shard.inputs, shard.urls, shard.input_urls, shard.strategy.value
    )


def _result(value: Any, name: str, where: str) -> Result:
    """A RESULT as the run built it; its dict form is what the shard wrote."""
    try:
        item = schema.Result.model_validate(value)
    except ValidationError as exc:
        raise ReportError(f"{name}, {where}: {_first(exc)}") from None
    sources = tuple(Source(s.path, s.line, s.column) for s in item.sources)
    if item.sources_total < len(sources):
        raise ReportError(f"{name}, {where}: sources_total is below the sources listed")
    error = item.error
    return Result(
        url=item.url,
        outcome=item.outcome,
        sources=Places(sources, item.sources_total)
        if item.sources_total > len(sources)
        else sources,
        status=item.status,
        final_url=item.final_url,
        redirects=list(item.redirects),
        error=None if error is None else Failure(error.kind, error.message),
        elapsed_ms=item.elapsed_ms,
        attempts=item.attempts,
        reason=item.reason,
        moved_to=item.moved_to,
        suggestion=item.suggestion,
        warning=item.warning,
        health=None if item.health is None else Health(**item.health.model_dump()),
        cached_at=item.checked_at if item.cached else None,
    )
