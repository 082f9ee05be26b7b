"""The store (``--cache``): each URL's last result and recent history, and
the runs, in one SQLite file.

The run's parent records results in batches (:class:`Store`); each check
looks its URL up over its own read-only connection (:class:`Lookup`), so a
check made in another process could do the same. Only masked results are
written (the engine masks before recording), and nothing a request sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from checker.models import ErrorKind, Outcome, Result, Summary
from checker.store.codec import KEPT, RECORD, dump, record
from checker.store.health import Row
from checker.store.schema import StoreError, connect

__all__ = ["Lookup", "Row", "Store", "StoreError", "default_path", "path_of"]

BATCH = 500  # results per write transaction
FLUSH_SECONDS = 1.0  # or sooner, when results come slowly
READS_PER_SNAPSHOT = 256
DEFAULT = Path(".urlcheck", "cache.sqlite")

_UPSERT = f"""
INSERT INTO urls(url, checked_at, outcome, status, result, last_ok_at, first_failed_at,
                 streak, history)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(url) DO UPDATE SET
    checked_at = excluded.checked_at,
    outcome = excluded.outcome,
    status = excluded.status,
    result = excluded.result,
    last_ok_at = coalesce(excluded.last_ok_at, urls.last_ok_at),
    first_failed_at = CASE
        WHEN excluded.streak = 0 THEN NULL
        WHEN urls.streak > 0 THEN coalesce(urls.first_failed_at, excluded.first_failed_at)
        ELSE excluded.first_failed_at END,
    streak = CASE WHEN excluded.streak = 0 THEN 0 ELSE urls.streak + 1 END,
    -- || makes text of two blobs: cast back before cutting, so substr counts bytes
    history = substr(CAST(urls.history || excluded.history AS BLOB), -{KEPT * RECORD.size})
"""
_SELECT = (
    "SELECT checked_at, outcome, status, result, last_ok_at, first_failed_at, streak, history "
    "FROM urls WHERE url = ?"
)


def repository_root(start: Path | None = None) -> Path | None:
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:
        return None
    return next((d for d in (here, *here.parents) if (d / ".git").exists()), None)


def default_path() -> Path:
    """``.urlcheck/cache.sqlite`` at the repository root, else in the current directory."""
    return (repository_root() or Path()) / DEFAULT


def path_of(cache_file: Path | None) -> Path:
    return cache_file if cache_file is not None else default_path()


def git_commit() -> str | None:
    root = repository_root()
    if root is None:
        return None
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) in (40, 64) else None


def recorded(result: Result) -> bool:
    """Results that say something about the link: not excluded or cancelled
    ones, not a bug of ours, not one reused from the store."""
    if result.cached_at is not None or result.outcome in (Outcome.EXCLUDED, Outcome.CANCELLED):
        return False
    return result.error is None or result.error.kind is not ErrorKind.INTERNAL


class Store:
    """One run's writer: a run row, and results recorded in batches."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = connect(path)
        self._pending: list[tuple[object, ...]] = []
        self._flushed = time.monotonic()
        self.run_id = self._begin()

    def _begin(self) -> int:
        assert self._db is not None
        cursor = self._db.execute(
            "INSERT INTO runs(started_at, git_commit) VALUES (?, ?)", (time.time(), git_commit())
        )
        return int(cursor.lastrowid or 0)

    def add(self, result: Result, now: float | None = None) -> None:
        """Record a masked result (only those :func:`recorded` accepts)."""
        if self._db is None or not recorded(result):
            return
        at = time.time() if now is None else now
        failed = result.outcome.failed
        self._pending.append(
            (
                result.url,
                int(at),
                result.outcome.value,
                result.status,
                dump(result),
                None if failed else int(at),
                int(at) if failed else None,
                1 if failed else 0,
                record(result, at),
            )
        )
        if len(self._pending) >= BATCH or time.monotonic() - self._flushed >= FLUSH_SECONDS:
            self.flush()

    async def keep_flushing(self) -> None:
        """Flush every :data:`FLUSH_SECONDS` while results are slow to come, so
        that what finished is on disk even if the run is killed while waiting."""
        while self._db is not None:
            await asyncio.sleep(FLUSH_SECONDS)
            if self._pending and time.monotonic() - self._flushed >= FLUSH_SECONDS:
                self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        self._flushed = time.monotonic()
        if not pending or self._db is None:
            return
        try:
            with self._transaction() as db:
                db.executemany(_UPSERT, pending)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def finish(self, summary: Summary, total: int) -> None:
        """Write what is pending and close the run's row."""
        self.flush()
        if self._db is None:
            return
        try:
            self._db.execute(
                "UPDATE runs SET finished_at = ?, total = ?, failed = ? WHERE id = ?",
                (time.time(), total, summary.failing, self.run_id),
            )
        except sqlite3.Error as exc:
            self._give_up(exc)
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _give_up(self, exc: sqlite3.Error) -> None:
        """A store that cannot be written (a full disk, a lock held past the
        busy timeout) loses this run's history, never the run or its report."""
        sys.stderr.write(f"urlcheck: warning: the store could not be written ({exc}); ")
        sys.stderr.write("this run's results are not recorded\n")
        self.close()


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

    def row(self, url: str) -> Row | None:
        if self._db is None or self._pid != os.getpid():  # a forked worker opens its own
            self._db = connect(self.path, readonly=True)
            self._pid = os.getpid()
            self._reads = 0
        try:
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
            found = self._db.execute(_SELECT, (url,)).fetchone()
        except sqlite3.Error:
            return None  # a row that cannot be read is a miss: the URL is checked
        if found is None:
            return None
        return _row(found)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
