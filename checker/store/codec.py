"""How results are written in the store, and read back.

A URL's history is one blob of fixed 3-byte records, the last :data:`KEPT`
checks, oldest first: a row per check would cost ~40 bytes, and a million
URLs with fifty checks each must stay under 300 MB on disk. One record is a
little-endian 24-bit integer:

* bits 11-23: when, in :data:`TICK` seconds since :data:`EPOCH`, modulo
  :data:`CYCLE` (57 days); the row's ``checked_at`` is the time of its last
  record, and each earlier one is the latest time before the record after
  it that has its bits. That is exact while checks come less than
  :data:`GAP` apart: a check that comes later than that starts a new
  history (writer.py), since the ones before it could no longer be dated;
* bit 10: the check failed;
* bits 0-9: its HTTP status (100-999), else its error kind's number in
  :data:`ERROR_KINDS` (1-99), else 0.

Fixed records let SQL append and cut a history without reading it
(writer.py). Store version 2 had 4-byte records holding the whole tick
(:func:`to_version_3` converts them).
"""

from __future__ import annotations

import functools
import json
import math
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checker.models import Outcome, Result, Target

KEPT = 50  # checks kept per URL
SIZE = 3  # bytes a record
EPOCH = 1_577_836_800  # 2020-01-01T00:00:00Z
TICK = 600  # ten minutes: a history's times are this precise
CYCLE = 1 << 13  # ticks a record's time runs through before it repeats (bits 11-23)
# A record up to this many ticks newer than the one after it was written out
# of order (two runs at once, each recording its check a second apart).
SLACK = 6
GAP = (CYCLE - SLACK - 1) * TICK  # seconds between checks that starts a new history
_FAILED = 1 << 10
# Error kinds by number (index + 1). Append only: stored files hold them.
ERROR_KINDS: tuple[str, ...] = (
    "invalid_url",
    "unsupported_scheme",
    "dns",
    "connect",
    "tls",
    "timeout",
    "disconnected",
    "protocol",
    "too_many_redirects",
    "bad_redirect",
    "missing_file",
    "missing_fragment",
    "internal",
)
_KIND = {name: n for n, name in enumerate(ERROR_KINDS, start=1)}


@dataclass(slots=True, frozen=True)
class Check:
    """One past check of a URL, as the history lists it."""

    at: float
    status: int | None
    outcome: str  # "ok", "broken", or the error kind

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"at": iso(self.at), "status": self.status, "outcome": self.outcome}


def iso(at: float | None) -> str | None:
    """ISO 8601 in UTC, to the second; None for no time, or one no calendar
    holds (a damaged row)."""
    if at is None:
        return None
    try:
        return _iso(int(at))
    except (OverflowError, ValueError, OSError):
        return None


@functools.lru_cache(maxsize=1024)
def _iso(second: int) -> str:
    # Cached: a run's results share their seconds, and formatting is ~2 µs.
    stamp = datetime.fromtimestamp(second, UTC)
    return stamp.isoformat(timespec="seconds").replace("+00:00", "Z")


def record(result: Result, at: float) -> bytes:
    status = result.status
    if result.error is not None:
        low = _KIND.get(result.error.kind.value, 0)
    else:
        low = status if status is not None and 100 <= status <= 999 else 0
    value = _tick(at) % CYCLE << 11 | (_FAILED if result.outcome.failed else 0) | low
    return value.to_bytes(SIZE, "little")


def _tick(at: float) -> int:
    """``at`` in ticks since the epoch (0 before it, or for no time at all)."""
    return max(int(at - EPOCH) // TICK, 0) if math.isfinite(at) else 0


def _check(value: int, tick: int) -> Check:
    at = float(EPOCH + tick * TICK)
    failed, low = value & _FAILED, value & 1023
    if low >= 100:
        return Check(at, low, "broken" if failed else "ok")
    if low and failed:
        kind = ERROR_KINDS[low - 1] if low <= len(ERROR_KINDS) else "unknown"
        return Check(at, None, kind)
    return Check(at, None, "broken" if failed else "ok")


def _usable(blob: bytes, size: int = SIZE) -> bytes:
    """Whole records only: a torn one (never written so, but who knows) is dropped."""
    return blob[: len(blob) - len(blob) % size]


def _values(blob: bytes) -> list[int]:
    usable = _usable(blob)
    return [int.from_bytes(usable[i : i + SIZE], "little") for i in range(0, len(usable), SIZE)]


def history(blob: bytes, checked_at: float) -> list[Check]:
    """The checks a history blob holds, oldest first; ``checked_at`` is its
    row's, the time of the last one."""
    tick = _tick(checked_at)
    checks = []
    for value in reversed(_values(blob)):
        # The latest tick with the record's bits, at most SLACK after the next one's.
        tick -= (tick - (value >> 11) + SLACK) % CYCLE - SLACK
        checks.append(_check(value, tick))
    checks.reverse()
    return checks


def outcomes(blob: bytes, last: int) -> list[bool]:
    """Whether each of the ``last`` checks in a blob was ok, oldest first."""
    tail = _usable(blob)[-last * SIZE :]
    # The failed bit (10) is bit 2 of each little-endian record's second byte:
    # read from the bytes, not by decoding every record (3 µs a URL).
    return [not byte & _FAILED >> 8 for byte in tail[1::SIZE]]


def to_version_3(blob: object) -> bytes:
    """A version-2 history (4-byte records with the whole tick) in today's
    records: the checks after the last gap of :data:`GAP` or more (none
    but the last in a history that is no blob)."""
    if not isinstance(blob, bytes):
        return b""
    usable = _usable(blob, 4)
    ticks = [value >> 11 for (value,) in struct.iter_unpack("<I", usable)]
    start = 0
    if ticks and ticks[-1] - ticks[0] >= GAP // TICK:  # else no gap between two can be
        start = len(ticks) - 1
        while start > 0 and ticks[start] - ticks[start - 1] < GAP // TICK:
            start -= 1
    # With CYCLE = 2**13, a record is the old one's low 3 bytes: drop each 4th.
    kept = bytearray(usable[start * 4 :])
    del kept[3::4]
    return bytes(kept)


def dump(result: Result) -> str | None:
    """The masked result's own fields beyond its outcome and status (stored
    in their own columns), for reuse: never its sources (they are the
    run's) nor anything the request sent. None when there is nothing more,
    as for most URLs."""
    fields: dict[str, Any] = {}
    for name in ("reason", "moved_to"):
        value = getattr(result, name)
        if value is not None:
            fields[name] = value
    if result.final_url is not None and result.final_url != result.url:
        fields["final_url"] = result.final_url  # else implied: most URLs do not move
    if result.redirects:
        fields["redirects"] = result.redirects
    return json.dumps(fields, separators=(",", ":")) if fields else None


def load(
    extra: str | None, outcome: str, status: int | None, target: Target, checked_at: float
) -> Result | None:
    """The stored result as this run's result for ``target``; None when the
    stored values are not one (a damaged row is a cache miss, never a crash)."""
    if not extra and outcome == "ok" and isinstance(status, int):  # most rows: nothing more
        return Result.for_target(
            target,
            Outcome.OK,
            status=status,
            final_url=target.url,
            attempts=0,
            cached_at=iso(checked_at),
        )
    try:
        fields = json.loads(extra) if extra else {}
        redirects = fields.get("redirects", [])
        if not isinstance(status, int | None) or not isinstance(redirects, list):
            return None
        return Result.for_target(
            target,
            Outcome(outcome),
            status=status,
            final_url=_text(fields.get("final_url", target.url)),
            redirects=[r for r in redirects if isinstance(r, str)],
            reason=_text(fields.get("reason")),
            moved_to=_text(fields.get("moved_to")),
            attempts=0,  # no request was made for it in this run
            cached_at=iso(checked_at),
        )
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
