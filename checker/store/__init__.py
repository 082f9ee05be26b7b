"""The store (``--cache``): each URL's last result and recent history, and
the runs, in one SQLite file.

The run's parent records results in batches (:class:`Store`); each check
looks its URL up over its own read-only connection (:class:`Lookup`), so a
check made in another process could do the same. Only masked results are
written (the engine masks before recording), and nothing a request sent.
"""

from __future__ import annotations

import functools
import math
import os
import sqlite3
import time
from pathlib import Path

from checker.store.health import Row
from checker.store.repo import repository_root
from checker.store.schema import StoreError, connect
from checker.store.writer import FLUSH_SECONDS, Store

__all__ = ["Lookup", "Row", "Store", "StoreError", "default_path", "path_of"]

READS_PER_SNAPSHOT = 256
DEFAULT = Path(".urlcheck", "cache.sqlite")

_COLUMNS = "checked_at, outcome, status, result, last_ok_at, first_failed_at, streak, history"
_SELECT = f"SELECT {_COLUMNS} FROM urls WHERE url = ?"
MANY = 256  # URLs looked up by one statement: under the 999 parameters any SQLite allows


@functools.lru_cache(maxsize=16)
def _select_many(count: int) -> str:
    return f"SELECT url, {_COLUMNS} FROM urls WHERE url IN ({', '.join('?' * count)})"


def default_path() -> Path:
    """``.urlcheck/cache.sqlite`` at the repository root, else in the current directory."""
    return (repository_root() or Path()) / DEFAULT


def path_of(cache_file: Path | None) -> Path:
    return cache_file if cache_file is not None else default_path()


def _row(found: tuple[object, ...]) -> Row | None:
    """A stored row as the check reads it; None (a miss: the URL is checked)
    for a row some other program wrote nonsense into."""
    checked_at, outcome, status, result, ok_at, failed_at, streak, history = found
    if not (
        isinstance(checked_at, int | float)
        and math.isfinite(checked_at)
        and isinstance(outcome, str)
        and isinstance(status, int | None)
        and isinstance(result, str | None)
        and isinstance(ok_at, int | float | None)
        and isinstance(failed_at, int | float | None)
        and isinstance(streak, int)
        and isinstance(history, bytes)
    ):
        return None
    return Row(checked_at, outcome, status, result, ok_at, failed_at, max(streak, 0), history)


class Lookup:
    """A check's view of the store: one URL's row, over a read-only connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._reads = 0
        self._began = 0.0

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # a forked worker opens its own
            self._db = connect(self.path, readonly=True)
            self._pid = os.getpid()
            self._reads = 0
        # Lookups share a read transaction, READS_PER_SNAPSHOT or a second
        # at a time: each one alone starts its own (18 µs a lookup, 10 in
        # one); a snapshot held longer would keep checkpoints waiting.
        now = time.monotonic()
        if self._reads % READS_PER_SNAPSHOT == 0 or now - self._began > FLUSH_SECONDS:
            if self._db.in_transaction:
                self._db.execute("COMMIT")
            self._db.execute("BEGIN")
            self._began = now
        self._reads += 1
        return self._db

    def row(self, url: str) -> Row | None:
        try:
            found = self._connection().execute(_SELECT, (url,)).fetchone()
        except sqlite3.Error:
            return None  # a row that cannot be read is a miss: the URL is checked
        if found is None:
            return None
        return _row(found)

    def rows(self, urls: list[str]) -> dict[str, Row]:
        """The rows of up to :data:`MANY` URLs, by one statement (not one
        each): those stored with a usable row, by URL."""
        try:
            found = self._connection().execute(_select_many(len(urls)), urls).fetchall()
        except sqlite3.Error:
            return {}  # as row(): what cannot be read is a miss
        rows = {}
        for url, *rest in found:
            row = _row(tuple(rest))
            if row is not None and isinstance(url, str):
                rows[url] = row
        return rows

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
