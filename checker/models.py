"""The values that flow through a run: targets in, results out.

These sit on the hot path (one per URL, possibly millions), so they are slots
dataclasses rather than pydantic models (measured: 80 B and 0.35 µs per record
against ~1 KB and 0.9 µs). The public JSON schema is described separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """What became of one URL. A closed set: reporters and exit codes rely on it."""

    OK = "ok"
    BROKEN = "broken"  # an HTTP response came back with a status that is not accepted
    ERROR = "error"  # no usable HTTP response came back
    EXCLUDED = "excluded"  # filtered out by the user; never requested
    CANCELLED = "cancelled"  # fail-fast or an interrupt stopped it before it finished

    @property
    def failed(self) -> bool:
        return self in _FAILED


_FAILED = frozenset({Outcome.BROKEN, Outcome.ERROR, Outcome.CANCELLED})


class ErrorKind(StrEnum):
    """Why no usable response came back. Stable: users match on these strings."""

    INVALID_URL = "invalid_url"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    DNS = "dns"
    CONNECT = "connect"
    TLS = "tls"
    TIMEOUT = "timeout"
    DISCONNECTED = "disconnected"
    PROTOCOL = "protocol"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_REDIRECT = "bad_redirect"
    MISSING_FILE = "missing_file"  # a local file: or relative link whose file does not exist
    MISSING_FRAGMENT = "missing_fragment"  # the page or file exists, the #anchor does not
    REDIRECTED = "redirected"  # ok only after redirecting elsewhere, with --redirects warn|error
    INTERNAL = "internal"  # a bug in urlcheck met while checking this URL; the run exits 3


@dataclass(slots=True, frozen=True)
class Source:
    """One place a URL was read from. ``path`` is ``-`` for stdin, ``<arg>`` for an argument.

    ``column`` (1-based) is known for links found inside documents.
    """

    path: str
    line: int
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.column is None:
            return {"path": self.path, "line": self.line}
        return {"path": self.path, "line": self.line, "column": self.column}


class Places(tuple[Source, ...]):
    """The places listed for a URL read more often than the index lists
    (checker/targets.py ``PLACES_LISTED``); ``total`` counts every place.

    A plain tuple otherwise: it travels as ``Target.sources`` and
    ``Result.sources`` unchanged, so no stage between them needs to know.
    """

    total: int

    def __new__(cls, listed: tuple[Source, ...], total: int) -> Places:
        places = super().__new__(cls, listed)
        places.total = total
        return places


def count_places(sources: tuple[Source, ...]) -> int:
    """Every place a URL was read, including those past the listed ones."""
    return sources.total if isinstance(sources, Places) else len(sources)


@dataclass(slots=True, frozen=True)
class Target:
    """A unique URL to check, with every place it was read from.

    ``index`` is its position in first-seen order, which is the order the
    gather strategy reports in.
    """

    index: int
    url: str
    sources: tuple[Source, ...]


@dataclass(slots=True, frozen=True)
class Failure:
    kind: ErrorKind
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": str(self.kind), "message": self.message}


@dataclass(slots=True, frozen=True)
class Health:
    """What the store (``--cache``) remembers of a URL's earlier checks.

    ``counts`` is whether this result's failure fails the run under
    ``--fail-on``: a known or flaky failure is reported but does not count.
    """

    first_failed_at: str | None = None
    consecutive_failures: int = 0
    last_ok_at: str | None = None
    flaky: bool = False
    new: bool = False  # failed now, and was ok (or never seen) in its previous check
    counts: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_failed_at": self.first_failed_at,
            "consecutive_failures": self.consecutive_failures,
            "last_ok_at": self.last_ok_at,
            "flaky": self.flaky,
            "new": self.new,
            "counts": self.counts,
        }


@dataclass(slots=True)
class Result:
    """The one record a URL yields. Its dict form is the RESULT contract in the README."""

    url: str
    outcome: Outcome
    sources: tuple[Source, ...] = ()
    status: int | None = None
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    error: Failure | None = None
    elapsed_ms: float | None = None
    attempts: int = 0
    reason: str | None = None  # why a URL was excluded; --require-https's note on an ok one
    index: int = -1
    # The last URL a chain of permanent redirects (301/308) from ``url`` reached
    # (--fix, fix.py), and an archived copy of a dead link (--suggest, wayback.py).
    # In to_dict only when set: absent otherwise, as schema.py describes them.
    moved_to: str | None = None
    suggestion: str | None = None
    # Why this failure is reported as a warning and does not fail the run
    # (--warn, --redirects warn). None: a failure counts as usual.
    warning: str | None = None
    # The store's memory of this URL (--cache): set only when the store is on.
    health: Health | None = None
    # When the result was reused from the store instead of requested (--cache):
    # the ISO 8601 time it was checked. None: checked in this run.
    cached_at: str | None = None

    @property
    def fails_run(self) -> bool:
        """Whether this result makes the exit code 1: a failure that is
        neither a warning nor excused by ``--fail-on``."""
        return (
            self.outcome.failed
            and self.warning is None
            and (self.health is None or self.health.counts)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "outcome": str(self.outcome),
            "status": self.status,
            "final_url": self.final_url,
            "redirects": self.redirects,
            "error": None if self.error is None else self.error.to_dict(),
            "elapsed_ms": self.elapsed_ms,
            "attempts": self.attempts,
            "sources": [s.to_dict() for s in self.sources],
            "sources_total": count_places(self.sources),
            "reason": self.reason,
            **({"moved_to": self.moved_to} if self.moved_to is not None else {}),
            **({"suggestion": self.suggestion} if self.suggestion is not None else {}),
            **({"warning": self.warning} if self.warning is not None else {}),
            **({"health": self.health.to_dict()} if self.health is not None else {}),
            **(
                {"cached": True, "checked_at": self.cached_at} if self.cached_at is not None else {}
            ),
        }

    @classmethod
    def for_target(cls, target: Target, outcome: Outcome, **fields: Any) -> Result:
        return cls(
            url=target.url, outcome=outcome, sources=target.sources, index=target.index, **fields
        )


@dataclass(slots=True)
class Summary:
    """Counts by outcome. They always add up to ``total``."""

    strategy: str
    total: int = 0
    ok: int = 0
    broken: int = 0
    error: int = 0
    excluded: int = 0
    cancelled: int = 0
    duration_s: float = 0.0
    # Results whose error kind is ``internal`` (counted within ``error``): the
    # CLI exits 3 for them. Not in the JSON summary: each such result says so.
    internal: int = 0
    # Failures reported as warnings (Result.warning): counted within broken,
    # error and cancelled too, but they do not fail the run.
    warnings: int = 0
    # Failures that do not fail the run (Result.fails_run is false): the
    # warnings, and failures --fail-on excuses (known or flaky ones).
    excused: int = 0

    def add(self, result: Result) -> None:
        self.total += 1
        if result.outcome is Outcome.OK and result.error is None:  # most: nothing more to count
            self.ok += 1
            return
        name = result.outcome.value
        setattr(self, name, getattr(self, name) + 1)
        if result.error is not None and result.error.kind is ErrorKind.INTERNAL:
            self.internal += 1
        if result.outcome.failed:
            if result.warning is not None:
                self.warnings += 1
            if not result.fails_run:
                self.excused += 1

    @property
    def failing(self) -> int:
        """The results that fail the run: what the exit code follows."""
        return self.broken + self.error + self.cancelled - self.excused

    @property
    def failed(self) -> bool:
        return self.failing > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "ok": self.ok,
            "broken": self.broken,
            "error": self.error,
            "excluded": self.excluded,
            "cancelled": self.cancelled,
            "warnings": self.warnings,
            "duration_s": round(self.duration_s, 3),
            "strategy": self.strategy,
        }


@dataclass(slots=True)
class Report:
    """A whole run, as returned by :func:`checker.check_sync`."""

    summary: Summary
    results: list[Result]

    @property
    def ok(self) -> bool:
        return not self.summary.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary.to_dict(),
            "results": [r.to_dict() for r in self.results],
        }


@dataclass(frozen=True, slots=True)
class LateSources:
    """``--crawl``: places of a URL found after its result was reported
    (checker/crawl/feed.py); a closing record of the JSON formats."""

    url: str
    index: int
    sources: tuple[Source, ...]
    total: int

    def to_dict(self) -> dict[str, object]:
        fields: dict[str, object] = {
            "url": self.url,
            "sources": [source.to_dict() for source in self.sources],
        }
        if self.total > len(self.sources):
            fields["sources_total"] = self.total
        return {"late_sources": fields}
