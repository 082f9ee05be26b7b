"""Real processes on one store: two runs at once, and a run killed with -9."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ServerThread, run_cli, spawn_cli
from tests.store.site import SlowFlipSite


@pytest.fixture
def site() -> Iterator[tuple[SlowFlipSite, ServerThread]]:
    flip = SlowFlipSite(delay=0.02)
    with ServerThread(flip.app()) as server:
        try:
            yield flip, server
        finally:
            flip.released = True


def _list(path: Path, urls: list[str]) -> Path:
    path.write_text("".join(u + "\n" for u in urls))
    return path


def _integrity(store: Path) -> None:
    db = sqlite3.connect(store)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def test_two_runs_at_once_lose_nothing_and_corrupt_nothing(
    site: tuple[SlowFlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    urls = [server.url(f"/p{n}") for n in range(600)]
    for n in range(0, 600, 7):
        flip.statuses[f"p{n}"] = 404
    first = _list(tmp_path / "a.txt", urls[:400])
    second = _list(tmp_path / "b.txt", urls[200:])
    common = [
        "--no-config",
        "--cache",
        "--cache-file",
        str(store),
        "--max-cache-age",
        "0",
        "--retries",
        "0",
        "-q",
        "-c",
        "16",
    ]
    runs = [spawn_cli([*common, str(first)]), spawn_cli([*common, str(second)])]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 1, err.decode()  # the 404s; nothing else
        assert b"warning" not in err, err.decode()
        assert b"error:" not in err, err.decode()
    _integrity(store)
    db = sqlite3.connect(store)
    checks = dict(db.execute("SELECT url, length(history) / 3 FROM urls").fetchall())
    assert set(checks) == set(urls)  # neither run lost a result
    assert all(checks[u] == 2 for u in urls[200:400])  # both runs' checks of the shared ones
    assert all(checks[u] == 1 for u in urls[:200] + urls[400:])
    runs_rows = db.execute("SELECT total, finished_at IS NOT NULL FROM runs").fetchall()
    assert sorted(runs_rows) == [(400, 1), (400, 1)]


def test_a_run_killed_mid_way_leaves_a_store_the_next_run_uses(
    site: tuple[SlowFlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    done = [server.url(f"/p{n}") for n in range(100)]
    listed = _list(tmp_path / "urls.txt", [*done, server.url("/hang1"), server.url("/hang2")])
    run = spawn_cli(
        ["--no-config", "--cache", "--cache-file", str(store), "-q", str(listed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        recorded = 0
        while time.monotonic() < deadline and recorded < 100:
            time.sleep(0.2)
            if store.exists():
                try:
                    db = sqlite3.connect(store, timeout=5)
                    recorded = db.execute("SELECT count(*) FROM urls").fetchone()[0]
                    db.close()
                except sqlite3.OperationalError:  # not created yet
                    recorded = 0
        assert recorded == 100, "the finished checks were not written while the run waited"
        assert run.poll() is None  # still waiting for the hanging ones
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait(30)
    _integrity(store)
    before = flip.total
    again = run_cli(
        ["--no-config", "--cache", "--cache-file", str(store), "--format", "json", *done]
    )
    assert again.exit_code == 0, again.stderr
    assert flip.total == before  # every finished check reused: the store is whole
    assert again.stdout.count('"cached": true') == 100
