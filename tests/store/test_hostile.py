"""Hostile stores and values: damaged or foreign files, damaged rows, bad durations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ServerThread, run_cli
from tests.store.conftest import by_url, run_with_store
from tests.store.site import FlipSite


@pytest.mark.parametrize(
    "content",
    [b"garbage" * 1000, b"SQLite format 3\0" + b"\xff" * 4000, b""],
    ids=["garbage", "torn-header", "empty"],
)
def test_a_damaged_store_is_one_line_and_exit_2(tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "cache.sqlite"
    store.write_bytes(content)
    done = run_cli(["--no-config", "--cache", "--cache-file", str(store), "http://127.0.0.1:9/"])
    if content == b"":  # an empty file is a new store, not a damaged one
        assert done.exit_code != 2
        return
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1
    assert "urlcheck cache clear" in done.stderr
    assert "Traceback" not in done.stderr
    assert run_cli(["cache", "clear", "--cache-file", str(store)]).exit_code == 0
    assert not store.exists()


def test_a_foreign_sqlite_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import sqlite3

    store = tmp_path / "other.db"
    db = sqlite3.connect(store)
    db.execute("CREATE TABLE t(x)")
    db.commit()
    db.close()
    for args in (["http://127.0.0.1:9/", "--cache"], ["history"], ["cache", "stats"]):
        done = run_cli(
            ["--no-config", *args, "--cache-file", str(store)]
            if args[0].startswith("http")
            else [*args, "--cache-file", str(store)]
        )
        assert done.exit_code == 2, args
        assert "not a urlcheck store" in done.stderr, args
        assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("age", ["-1d", "1e999d", "nan", "1y", "99999999999d", "1d\n2d"])
def test_a_hostile_max_cache_age_is_one_line_and_exit_2(tmp_path: Path, age: str) -> None:
    done = run_cli(
        [
            "--no-config",
            "--cache",
            "--cache-file",
            str(tmp_path / "c"),
            "--max-cache-age",
            age,
            "http://127.0.0.1:9/",
        ]
    )
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1
    assert "--max-cache-age" in done.stderr
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("result", "{not json"),
        ("result", '{"redirects": 5, "final_url": 7}'),
        ("result", "[1, 2]"),
        ("history", "text, not a blob"),
        ("history", b"\xff\xff\xff"),
        ("checked_at", "yesterday"),
        ("checked_at", 1e308),
        ("checked_at", float("-inf")),
        ("status", "two hundred"),
        ("outcome", "splendid"),
        ("streak", -5),
        ("last_ok_at", 1e300),
        ("url", b"a blob, not the text the rows are read ahead by"),
    ],
)
def test_a_row_another_program_damaged_is_a_miss_not_a_crash(
    site: tuple[FlipSite, ServerThread], tmp_path: Path, column: str, value: object
) -> None:
    import sqlite3

    _, server = site
    store, url = tmp_path / "cache.sqlite", server.url("/row")
    run_with_store(store, [url])
    db = sqlite3.connect(store)
    db.execute(f"UPDATE urls SET {column} = ?", (value,))
    db.commit()
    db.close()
    code, report, err = run_with_store(store, [url])
    result = by_url(report)[url]
    assert code == 0, err
    assert result["outcome"] == "ok"
    assert result["health"] is not None


@pytest.mark.parametrize("path", ["/dev/null", "/tmp", "/"])
def test_a_store_path_that_is_no_regular_file_is_refused_and_never_removed(path: str) -> None:
    run = run_cli(["--no-config", "--cache", "--cache-file", path, "http://127.0.0.1:9/"])
    assert run.exit_code == 2
    assert "not a regular file" in run.stderr
    clear = run_cli(["cache", "clear", "--cache-file", path])
    assert clear.exit_code == 2
    assert Path(path).exists()
