"""The store's file: opened, checked to be ours, and migrated on open.

The layout is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS`
holds one script per version, applied in order inside one transaction, so
an upgrade is all or nothing. ``PRAGMA application_id`` marks the file as
urlcheck's: any other SQLite file at the path is refused, never altered.

WAL lets one run write while others read, and the busy timeout makes two
runs that write at once take turns instead of failing (SQLite's docs:
https://www.sqlite.org/wal.html).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from checker.store.codec import to_version_3

APPLICATION_ID = 0x75636B31  # "uck1"
BUSY_TIMEOUT_MS = 30_000
HINT = "remove it with `urlcheck cache clear`"

# Never edit a published entry: add one. Version 1 was the first layout (the
# last result per URL, and runs); version 2 added the history and health.
# A script may call the functions :func:`migrate` gives the connection.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE urls(
        url TEXT PRIMARY KEY,
        checked_at REAL NOT NULL,
        outcome TEXT NOT NULL,
        status INTEGER,
        result TEXT
    ) WITHOUT ROWID;
    CREATE TABLE runs(
        id INTEGER PRIMARY KEY,
        started_at REAL NOT NULL,
        total INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0
    );
    """,
    """
    ALTER TABLE urls ADD COLUMN last_ok_at REAL;
    ALTER TABLE urls ADD COLUMN first_failed_at REAL;
    ALTER TABLE urls ADD COLUMN streak INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE urls ADD COLUMN history BLOB NOT NULL DEFAULT x'';
    ALTER TABLE runs ADD COLUMN finished_at REAL;
    ALTER TABLE runs ADD COLUMN git_commit TEXT;
    UPDATE urls SET last_ok_at = checked_at WHERE outcome = 'ok';
    UPDATE urls SET first_failed_at = checked_at, streak = 1 WHERE outcome != 'ok';
    """,
    # Version 3: 3-byte history records (codec.py), a million URLs' fifty
    # checks 50 MB smaller.
    """
    UPDATE urls SET history = urlcheck_history_v3(history);
    """,
)
VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The store cannot be used: one line, exit 2, with the hint to clear it."""


def connect(path: Path, *, readonly: bool = False, threads: bool = False) -> sqlite3.Connection:
    """A connection to the store at ``path``, created and migrated as needed
    (read-only connections expect a store already opened for writing).
    ``threads``: the caller hands it from one thread to another, never sharing it."""
    if path.exists() and not path.is_file():  # a directory, a device (/dev/null)…
        raise StoreError(f"the store {str(path)!r} is not a regular file")
    try:
        if readonly:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=not threads)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open the store {str(path)!r}: {_reason(exc)}") from None
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent on a crash
            migrate(db, path)
        else:
            check(db, path)
    except sqlite3.Error as exc:
        db.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreError(
                f"the store {str(path)!r} stayed locked by another process for "
                f"{BUSY_TIMEOUT_MS // 1000} s"
            ) from None
        raise StoreError(
            f"{str(path)!r} is not a usable urlcheck store ({_reason(exc)}): {HINT}"
        ) from None
    except StoreError:
        db.close()
        raise
    return db


def check(db: sqlite3.Connection, path: Path) -> int:
    """The file's version, after making sure it is ours and not newer than us."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    app: int = db.execute("PRAGMA application_id").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if app != APPLICATION_ID and (tables or version):
        raise StoreError(f"{str(path)!r} is an SQLite file, not a urlcheck store: {HINT}")
    if version > VERSION:
        raise StoreError(
            f"{str(path)!r} was written by a newer urlcheck (store version {version}, "
            f"this one reads up to {VERSION}): upgrade, or {HINT}"
        )
    return version


def migrate(db: sqlite3.Connection, path: Path, target: int = VERSION) -> None:
    """Bring the store up to version ``target``; several runs may race here."""
    if check(db, path) >= target:
        return
    db.create_function("urlcheck_history_v3", 1, to_version_3, deterministic=True)
    db.execute("BEGIN IMMEDIATE")  # one migrator at a time; the others wait, then see it done
    try:
        version = check(db, path)
        for script in MIGRATIONS[version:target]:
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {target}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
