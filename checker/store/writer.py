"""One run's writer: its row in the runs table, and each result recorded,
in batches written by a thread of their own."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from checker.models import ErrorKind, Outcome, Result, Summary
from checker.store.codec import GAP, KEPT, SIZE, dump, record
from checker.store.repo import git_commit
from checker.store.schema import connect

BATCH = 500  # results per write transaction
FLUSH_SECONDS = 1.0  # or sooner, when results come slowly

_COLUMNS = 9
# Rows per statement: 900 parameters at most, under the 999 an SQLite older
# than 3.32 allows; a few fixed sizes, so that few statements are prepared.
_CHUNKS = (100, 10, 1)
_INSERT = """
INSERT INTO urls(url, checked_at, outcome, status, result, last_ok_at, first_failed_at,
                 streak, history)
VALUES """
_ON_CONFLICT = f"""
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
    -- || makes text of two blobs: cast back before cutting, so substr counts bytes;
    -- a check long after the last one starts anew (codec.py: what dates a record)
    history = CASE WHEN excluded.checked_at - urls.checked_at < {GAP}
        THEN substr(CAST(urls.history || excluded.history AS BLOB), -{KEPT * SIZE})
        ELSE excluded.history END
"""


@functools.lru_cache(maxsize=len(_CHUNKS))
def _upsert(rows: int) -> str:
    """One statement for ``rows`` rows. executemany would step once per row,
    letting go of the GIL and taking it back each time: with the run's loop
    busy, every take waits out the loop's switch interval (5 ms) or forces
    it off the GIL. One statement is one step, one hand-over a batch."""
    one = "(" + ", ".join("?" * _COLUMNS) + ")"
    return _INSERT + ", ".join([one] * rows) + _ON_CONFLICT


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
        # Used by one thread at a time: here until the first flush, then by
        # the writer thread, then here again once finish() has waited for it.
        self._db: sqlite3.Connection | None = connect(path, threads=True)
        self._pending: list[tuple[object, ...]] = []
        self._flushed = time.monotonic()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="urlcheck-store")
        self._writing: Future[sqlite3.Error | None] | None = None
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
        """Hand what is pending to the writer thread: the run's loop goes on
        while SQLite writes (it lets go of the GIL meanwhile)."""
        pending, self._pending = self._pending, []
        self._flushed = time.monotonic()
        if not pending:
            return
        self._wait()  # one batch at a time, in order
        if self._db is not None:
            self._writing = self._writer.submit(self._write, pending)

    def _write(self, pending: list[tuple[object, ...]]) -> sqlite3.Error | None:
        try:
            with self._transaction() as db:
                done = 0
                for size in _CHUNKS:
                    while len(pending) - done >= size:
                        chunk = pending[done : done + size]
                        db.execute(_upsert(size), [v for row in chunk for v in row])
                        done += size
        except sqlite3.Error as exc:
            return exc
        return None

    def _wait(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            failed = writing.result()
            if failed is not None:
                self._give_up(failed)

    def finish(self, summary: Summary, total: int) -> None:
        """Write what is pending and close the run's row."""
        self.flush()
        self._wait()
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
        self._writer.shutdown(wait=True)
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
