"""The store's file: migrations from version 1, and files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from checker.models import Outcome, Result, Target
from checker.settings import Settings
from checker.store import Store, StoreError
from checker.store.codec import SIZE, TICK, history
from checker.store.memory import Memory
from checker.store.schema import APPLICATION_ID, MIGRATIONS, VERSION, connect


def _version_1(path: Path) -> None:
    """A store as the first version wrote it: one ok URL, one broken."""
    db = sqlite3.connect(path, isolation_level=None)
    for statement in filter(str.strip, MIGRATIONS[0].split(";")):
        db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO urls VALUES ('http://a.test/', strftime('%s','now'), 'ok', 200, "
        """'{"o":"ok","status":200}')"""
    )
    db.execute(
        "INSERT INTO urls VALUES ('http://b.test/', strftime('%s','now'), 'broken', 404, NULL)"
    )
    db.close()


def test_a_version_1_store_is_upgraded_on_open_and_its_results_reused(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    _version_1(path)
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    rows = dict(db.execute("SELECT url, streak FROM urls").fetchall())
    assert rows == {"http://a.test/": 0, "http://b.test/": 1}  # the failure's streak begins
    memory = Memory(Settings(cache=True, cache_file=path), ())
    target = Target(0, "http://a.test/", ())
    reused = memory.reuse(target, memory.row(target))
    assert reused is not None
    assert reused.outcome is Outcome.OK
    assert reused.cached_at is not None


def test_history_keeps_the_last_50_checks(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    store = Store(path)
    start = 1.8e9
    for n in range(120):
        store.add(Result("http://a.test/", Outcome.OK, status=200 + n % 2), now=start + n * TICK)
    store.flush()
    store.close()
    db = sqlite3.connect(path)
    (blob, checked_at) = db.execute("SELECT history, checked_at FROM urls").fetchone()
    assert len(blob) == 50 * SIZE
    checks = history(blob, checked_at)
    assert [c.at for c in checks] == [start + n * TICK for n in range(70, 120)]
    assert [c.status for c in checks] == [200 + n % 2 for n in range(70, 120)]


def test_a_corrupt_file_is_refused_with_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"not a database at all\0" * 100)
    with pytest.raises(StoreError, match="urlcheck cache clear") as caught:
        Store(path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == b"not a database at all\0" * 100  # refused, never altered


def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes(text)")
    db.execute("INSERT INTO notes VALUES ('keep me')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"not a urlcheck store.*urlcheck cache clear"):
        Store(path)
    assert sqlite3.connect(path).execute("SELECT text FROM notes").fetchall() == [("keep me",)]


def test_a_store_from_a_newer_urlcheck_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer urlcheck"):
        connect(path)


def test_an_unusable_directory_is_one_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(blocker / "cache.sqlite")
