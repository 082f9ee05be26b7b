"""How results are written in the store, and read back.

A URL's history is one blob of fixed records (``<IhB``: the check's time in
epoch seconds, its status or -1, and an outcome code), the last
:data:`KEPT` of them: 7 bytes a check instead of a row of its own, which is
what keeps a million URLs with fifty checks each small on disk.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checker.models import Outcome, Result, Target

KEPT = 50  # checks kept per URL
RECORD = struct.Struct("<IhB")
# Outcome codes in the history blob. Append only: stored files hold them.
CODES: tuple[str, ...] = (
    "ok",
    "broken",
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
_CODE = {name: n for n, name in enumerate(CODES)}
UNKNOWN = 255


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
    if at is None:
        return None
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def code_of(result: Result) -> int:
    if result.error is not None:
        return _CODE.get(result.error.kind.value, UNKNOWN)
    return _CODE["ok" if result.outcome is Outcome.OK else "broken"]


def record(result: Result, at: float) -> bytes:
    status = result.status if result.status is not None and 0 < result.status < 1000 else -1
    return RECORD.pack(int(at), status, code_of(result))


def history(blob: bytes) -> list[Check]:
    """The checks a history blob holds, oldest first; a torn record is dropped."""
    usable = len(blob) - len(blob) % RECORD.size
    return [
        Check(at, None if status < 0 else status, CODES[code] if code < len(CODES) else "unknown")
        for at, status, code in RECORD.iter_unpack(blob[:usable])
    ]


def outcomes(blob: bytes, last: int) -> list[bool]:
    """Whether each of the ``last`` checks in a blob was ok, oldest first."""
    tail = blob[-last * RECORD.size :] if blob else b""
    usable = len(tail) - len(tail) % RECORD.size
    return [code == 0 for _, _, code in RECORD.iter_unpack(tail[len(tail) - usable :])]


def dump(result: Result) -> str:
    """The masked result's own fields, for reuse: never its sources (they
    are the run's) nor anything the request sent."""
    fields: dict[str, Any] = {"o": result.outcome.value}
    for name in ("status", "final_url", "elapsed_ms", "reason", "moved_to"):
        value = getattr(result, name)
        if value is not None:
            fields[name] = value
    if result.redirects:
        fields["redirects"] = result.redirects
    return json.dumps(fields, separators=(",", ":"))


def load(text: str, target: Target, checked_at: float) -> Result | None:
    """The stored result as this run's result for ``target``; None when the
    stored text is not one (a damaged row is a cache miss, never a crash)."""
    try:
        fields = json.loads(text)
        outcome = Outcome(fields["o"])
        status = fields.get("status")
        redirects = fields.get("redirects", [])
        if not (status is None or isinstance(status, int)) or not isinstance(redirects, list):
            return None
        return Result.for_target(
            target,
            outcome,
            status=status,
            final_url=_text(fields.get("final_url")),
            redirects=[r for r in redirects if isinstance(r, str)],
            elapsed_ms=_number(fields.get("elapsed_ms")),
            reason=_text(fields.get("reason")),
            moved_to=_text(fields.get("moved_to")),
            attempts=0,  # no request was made for it in this run
            cached_at=iso(checked_at),
        )
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
