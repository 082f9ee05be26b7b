"""What ``urlcheck cache`` and ``urlcheck history`` ask of the store."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.store.codec import SIZE, Check, history, iso
from checker.store.health import FLAKY_WINDOW, flips
from checker.store.schema import VERSION, StoreError, connect


@dataclass(slots=True, frozen=True)
class Timeline:
    """One URL's recent checks, oldest first, and what they add up to."""

    url: str
    checks: list[Check]
    consecutive_failures: int
    first_failed_at: float | None
    last_ok_at: float | None

    @property
    def failing(self) -> bool:
        return bool(self.checks) and not self.checks[-1].ok

    @property
    def flaky(self) -> bool:
        return flips([c.ok for c in self.checks[-FLAKY_WINDOW:]]) >= 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "failing": self.failing,
            "flaky": self.flaky,
            "consecutive_failures": self.consecutive_failures,
            "first_failed_at": iso(self.first_failed_at),
            "last_ok_at": iso(self.last_ok_at),
            "checks": [c.to_dict() for c in self.checks],
        }


def stats(path: Path) -> dict[str, Any]:
    db = connect(path)  # migrated if an older urlcheck wrote it
    try:
        urls, failing, oldest, newest = db.execute(
            "SELECT count(*), sum(outcome != 'ok'), min(checked_at), max(checked_at) FROM urls"
        ).fetchone()
        checks = db.execute(
            f"SELECT coalesce(sum(length(history)), 0) / {SIZE} FROM urls"
        ).fetchone()
        runs, last = db.execute("SELECT count(*), max(started_at) FROM runs").fetchone()
    finally:
        db.close()
    return {
        "path": str(path),
        "version": VERSION,
        "bytes": sum(p.stat().st_size for p in _files(path) if p.exists()),
        "urls": urls,
        "failing": failing or 0,
        "checks": checks[0],
        "runs": runs,
        "oldest_check": iso(oldest),
        "newest_check": iso(newest),
        "last_run": iso(last),
    }


def prune(path: Path, older_than: float) -> tuple[int, int]:
    """Forget URLs not checked, and runs not started, within ``older_than`` seconds."""
    cutoff = time.time() - older_than
    db = connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        urls = db.execute("DELETE FROM urls WHERE checked_at < ?", (cutoff,)).rowcount
        runs = db.execute("DELETE FROM runs WHERE started_at < ?", (cutoff,)).rowcount
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return urls, runs


def clear(path: Path) -> bool:
    """Remove the store, whatever the file holds (the way out of a damaged
    one); never anything but regular files (``--cache-file /dev/null``)."""
    found = False
    for file in _files(path):
        if file.exists() and not file.is_file():
            raise StoreError(f"{str(file)!r} is not a regular file: not removed")
        try:
            file.unlink()
            found = True
        except FileNotFoundError:
            pass
    return found


def timelines(
    path: Path,
    urls: Sequence[str] = (),
    *,
    failing: bool = False,
    flaky: bool = False,
    since: float | None = None,
) -> Iterator[Timeline]:
    """Each URL's timeline (all of them when ``urls`` is empty), filtered."""
    db = connect(path)  # migrated if an older urlcheck wrote it
    columns = "url, streak, first_failed_at, last_ok_at, history, checked_at"
    try:
        if urls:
            rows: Iterator[tuple[Any, ...]] = (
                row
                for url in urls
                for row in db.execute(f"SELECT {columns} FROM urls WHERE url = ?", (url,))
            )
        else:
            rows = db.execute(f"SELECT {columns} FROM urls ORDER BY url")
        cutoff = None if since is None else time.time() - since
        for url, streak, failed_at, ok_at, blob, checked_at in rows:
            last = checked_at if isinstance(checked_at, int | float) else 0.0
            checks = history(blob if isinstance(blob, bytes) else b"", last)
            if cutoff is not None:
                checks = [c for c in checks if c.at >= cutoff]
                if not checks:
                    continue
            line = Timeline(url, checks, streak, failed_at, ok_at)
            if (failing and not line.failing) or (flaky and not line.flaky):
                continue
            yield line
    finally:
        db.close()


def _files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
