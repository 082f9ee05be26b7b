"""The writer's batches, as SQLite holds them: several statements of many
rows each, in one transaction per batch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from checker.models import Outcome, Result, Summary
from checker.store import Store
from checker.store.codec import history


def test_a_batch_of_any_size_is_written_whole_and_a_repeated_url_twice(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    store = Store(path)
    urls = [f"http://h.test/{n}" for n in range(137)]  # 100 + 3 x 10 + 7 x 1 rows
    for n, url in enumerate(urls):
        outcome = Outcome.BROKEN if n % 5 == 0 else Outcome.OK
        store.add(Result(url, outcome, status=404 if n % 5 == 0 else 200), now=1.8e9 + n)
    store.add(Result(urls[6], Outcome.BROKEN, status=500), now=1.8e9 + 600)  # same batch
    store.finish(Summary(strategy="as-completed"), len(urls))
    db = sqlite3.connect(path)
    rows = {
        url: (checked_at, streak, bytes(blob))
        for url, checked_at, streak, blob in db.execute(
            "SELECT url, checked_at, streak, history FROM urls"
        )
    }
    db.close()
    assert set(rows) == set(urls)
    for n, url in enumerate(urls):
        checked_at, streak, blob = rows[url]
        checks = history(blob, checked_at)
        if n == 6:  # ok, then a 500 later in the same batch: both, in order
            assert [c.status for c in checks] == [200, 500]
            assert (checked_at, streak) == (1.8e9 + 600, 1)
        else:
            assert [c.status for c in checks] == [404 if n % 5 == 0 else 200]
            assert (checked_at, streak) == (1.8e9 + n, 1 if n % 5 == 0 else 0)
