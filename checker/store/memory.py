"""What a check asks the store: a result young enough to reuse instead of a
request, and the URL's health once its result is known (targetcheck.Check)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from yarl import URL

from checker.models import Outcome, Result, Target
from checker.redact import redact
from checker.scheduler import Attempted
from checker.settings import Settings
from checker.store import MANY, Lookup, Row, path_of
from checker.store.codec import SIZE, load
from checker.store.health import FLAKY_WINDOW, stored, updated
from checker.store.schema import StoreError

if TYPE_CHECKING:
    from checker.gate import Gate
    from checker.https_upgrade import ProbeLike

KNOWN = 16_384  # rows read ahead and kept for their checks, at most
KEPT_FOR_CHECK = FLAKY_WINDOW * SIZE  # bytes of history a kept row holds
_NONE = object()


class Memory:
    """One run's questions to the store, over a read-only connection of its own.

    The targets' rows are read ahead, :data:`MANY` by one statement
    (:meth:`prefetch`), as the scheduler reads its input; a fresh result is
    answered then, before the scheduler queues the target (:meth:`answer`);
    the row of one that is checked waits in ``_known`` for its check."""

    __slots__ = ("_fail_on", "_known", "_lookup", "_max_age", "_reuse", "_secrets")

    def __init__(self, settings: Settings, secret_forms: tuple[str, ...]) -> None:
        self._lookup: Lookup | None = Lookup(path_of(settings.cache_file))
        self._max_age = settings.max_cache_age
        self._reuse = settings.cache_status.statuses if settings.cache_status else frozenset()
        self._fail_on = settings.fail_on
        self._secrets = secret_forms
        # Rows read ahead, by key, until their check takes them (None: not stored).
        self._known: dict[str, Row | None] = {}

    def _key(self, target: Target) -> str:
        """``target``'s URL as the store holds it: masked, as the engine masks it."""
        url = target.url
        return url if not self._secrets and "@" not in url else self._masked(url)

    def prefetch(self, targets: Iterator[Target]) -> Iterator[Target]:
        """``targets``, their rows read ahead :data:`MANY` at a time."""
        while chunk := list(itertools.islice(targets, MANY)):
            if self._lookup is not None:
                keys = [self._key(target) for target in chunk]
                try:
                    found = self._lookup.rows(keys)
                except StoreError:  # the file went away or changed under the run
                    self._lookup = None
                    found = {}
                known = self._known
                for key in keys:
                    known[key] = found.get(key)
                # Bounded: a target that is never checked (a dead host's, a
                # cancelled one) leaves its row behind; the oldest go first,
                # and a check that finds none looks its row up alone.
                while len(known) > KNOWN:
                    del known[next(iter(known))]
            yield from chunk

    def row(self, target: Target) -> Row | None:
        """The stored row of ``target``'s URL (read ahead, or now)."""
        return self._row(self._key(target))

    def _row(self, key: str) -> Row | None:
        known = self._known.pop(key, _NONE)
        if known is not _NONE:
            return known if isinstance(known, Row) else None
        if self._lookup is None:
            return None
        try:
            return self._lookup.row(key)
        except StoreError:  # the file went away or changed under the run: check as usual
            self._lookup = None
            return None

    def answer(self, gate: Gate, target: Target) -> Result | None:
        """The stored result of ``target`` if it is reused (:meth:`reuse`),
        known before the target is queued; None: it is checked, and its row
        kept for its check. Asked in the order :meth:`check` asks."""
        key = self._key(target)
        if gate.excluded(target) is not None:
            self._known.pop(key, None)  # its check will not ask
            return None
        if gate.resolves:
            return None  # the gate's DNS comes first: the check asks the store
        row = self._row(key)
        cached = self.reuse(target, row)
        if cached is None:
            # Kept for its check, which reads only the history's last checks
            # (health.updated): thousands may wait in the scheduler's queues.
            if row is not None and len(row.history) > KEPT_FOR_CHECK:
                row = Row(*row[:-1], row.history[-KEPT_FOR_CHECK:])  # history is last
            self._known[key] = row
        return cached

    def _masked(self, url: str) -> str:
        return redact(Result(url, Outcome.OK), self._secrets).url

    def reuse(self, target: Target, row: Row | None) -> Result | None:
        """The stored result, when it is young enough and of a kind reused:
        HTTP(S) only (a local file is cheap to look at, and may be gone)."""
        if row is None or time.time() - row.checked_at > self._max_age:
            return None
        if not target.url[:8].lower().startswith(("http://", "https://")):
            return None
        if row.outcome != "ok" and not (row.outcome == "broken" and row.status in self._reuse):
            return None
        result = load(row.result, row.outcome, row.status, target, row.checked_at)
        if result is not None:
            result.health = stored(row, self._fail_on)
        return result

    def note(self, row: Row | None, result: Result) -> None:
        """Set ``result.health``: its history with this check added."""
        if result.outcome in (Outcome.EXCLUDED, Outcome.CANCELLED):
            return
        result.health = updated(row, result, time.time(), self._fail_on)

    async def check(
        self, gate: Gate, probe: ProbeLike, target: Target, tries: int
    ) -> Result | Attempted:
        """targetcheck.Check with the store (--cache): asked after the exclusion
        rules (an excluded URL stays excluded) and, unless admitting may ask
        DNS (--exclude-private), before the rest of the gate; every result
        that is not excluded gets its health here, so fail-fast sees it."""
        excluded = gate.excluded(target)
        if excluded is not None:
            return excluded
        admitted: Result | URL | None = await gate(target, True) if gate.resolves else None
        if isinstance(admitted, Result):
            self.note(self.row(target), admitted)
            return admitted
        row = self.row(target)
        cached = self.reuse(target, row)
        if cached is not None:
            return Attempted(cached, requests=0)  # no request was sent for it
        if admitted is None:
            admitted = await gate(target, True)
            if isinstance(admitted, Result):
                self.note(row, admitted)
                return admitted
        answer = await probe(target, admitted, tries)
        self.note(row, answer.result if isinstance(answer, Attempted) else answer)
        return answer

    def close(self) -> None:
        if self._lookup is not None:
            self._lookup.close()
