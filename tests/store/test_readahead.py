"""The store's rows read ahead in batches, and fresh results answered before
the scheduler: real runs over a real store and a loopback site."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from checker.models import Target
from checker.settings import Settings
from checker.store import MANY, Store
from checker.store import memory as memory_module
from checker.store.codec import SIZE
from checker.store.memory import Memory
from tests.conftest import ServerThread
from tests.store.conftest import by_url, run_with_store
from tests.store.site import FlipSite


def test_a_cached_hit_takes_no_slot_keeps_no_interval_and_counts_no_request(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    urls = [server.url(f"/p{n}") for n in range(6)]
    code, _, err = run_with_store(store, urls)
    assert code == 0, err
    before = flip.total
    # A request interval for the host: a hit queued for it would wait 5 s a URL.
    code, report, err = run_with_store(
        store, urls, "--request-interval", "5", "--host-stats", "-c", "1"
    )
    assert code == 0, err
    assert flip.total == before
    assert all(r["cached"] is True for r in report["results"])
    (host,) = report["hosts"].values()
    assert host["requests"] == 0  # the scheduler never started them
    assert host["ok"] == 6


def test_a_run_longer_than_one_read_ahead_batch_reuses_and_rechecks_right(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    stored = [server.url(f"/s{n}") for n in range(2 * MANY + 37)]
    broken = {u for n, u in enumerate(stored) if n % 7 == 0}
    for url in broken:
        flip.statuses[url.rsplit("/", 1)[1]] = 404
    code, _, err = run_with_store(store, stored)
    assert code == 1, err
    new = [server.url(f"/new{n}") for n in range(40)]
    before = dict(flip.hits)
    # Stored and new URLs interleaved, so every batch holds hits and misses.
    mixed = [u for pair in zip(stored, new, strict=False) for u in pair] + stored[len(new) :]
    code, report, err = run_with_store(store, mixed)
    assert code == 1, err
    results = by_url(report)
    assert set(results) == set(mixed)
    for url in stored:
        result, name = results[url], url.rsplit("/", 1)[1]
        if url in broken:
            assert "cached" not in result  # a failure is checked again
            assert flip.hits[name] > before[name]
            # The row read ahead reached its check: the second failure in a row.
            assert result["health"]["consecutive_failures"] == 2
            assert result["health"]["new"] is False
        else:
            assert result["cached"] is True
            assert flip.hits[name] == before[name]
    for url in new:
        assert "cached" not in results[url]
        assert results[url]["health"]["consecutive_failures"] == 0


def test_urls_that_mask_alike_share_one_row_and_are_both_reused(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    """Hostile: two URLs differing only in their password are one masked URL,
    so one key read ahead for two targets."""
    flip, server = site
    store = tmp_path / "cache.sqlite"
    base = server.url("/same")
    urls = [base.replace("http://", "http://u:first@"), base.replace("http://", "http://u:second@")]
    code, _, err = run_with_store(store, urls)
    assert code == 0, err
    db = sqlite3.connect(store)
    rows = db.execute("SELECT url, length(history) FROM urls").fetchall()
    db.close()
    assert len(rows) == 1
    assert "first" not in rows[0][0]
    assert "second" not in rows[0][0]
    assert rows[0][1] == 2 * SIZE  # both checks recorded, in one batch
    before = flip.total
    code, report, err = run_with_store(store, urls)
    assert code == 0, err
    assert flip.total == before
    assert [r.get("cached") for r in report["results"]] == [True, True]


def test_a_cached_broken_result_stops_first_exception(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    """An answered result goes through the strategy like a checked one."""
    flip, server = site
    store = tmp_path / "cache.sqlite"
    gone = server.url("/gone")
    flip.statuses["gone"] = 404
    others = [server.url(f"/o{n}") for n in range(30)]
    run_with_store(store, [gone], "--cache-status", "404")
    args = ("--cache-status", "404", "--strategy", "first-exception", "-c", "1")
    code, report, _ = run_with_store(store, [gone, *others], *args)
    results = by_url(report)
    assert code == 1
    assert results[gone]["cached"] is True
    assert results[gone]["outcome"] == "broken"
    assert sum(r["outcome"] == "cancelled" for r in results.values()) >= 1


def test_rows_read_ahead_for_targets_never_checked_stay_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dead host's or a cancelled target's row is never taken by a check:
    what is kept for checks must not grow with the input."""
    monkeypatch.setattr(memory_module, "KNOWN", 100)
    store = tmp_path / "cache.sqlite"
    Store(store).close()  # an empty store
    memory = Memory(Settings(cache=True, cache_file=store), ())
    targets = (Target(n, f"http://h.test/{n}", ()) for n in range(3 * MANY))
    for _ in memory.prefetch(targets):
        pass
    assert 0 < len(memory._known) <= 100
    memory.close()


async def test_results_answered_without_a_request_wait_for_the_consumer_bounded() -> None:
    """An all-hits run never suspends a worker: without a pause for the
    consumer, every result of the input was made and held at once."""
    from checker.models import Outcome, Result
    from checker.scheduler import Rules, stream
    from checker.scheduler.driver import OUT_BOUND

    made = 0

    def answer(target: Target) -> Result:
        nonlocal made
        made += 1
        return Result(target.url, Outcome.OK, index=target.index)

    async def never(target: Target, tries: int = 1) -> Result:
        raise AssertionError("an answered target was checked")

    concurrency, total = 16, 5_000
    targets = iter([Target(n, f"http://h{n % 7}.test/{n}", ()) for n in range(total)])
    consumed, worst = 0, 0
    async for _ in stream(targets, never, concurrency, Rules(answer=answer)):
        consumed += 1
        worst = max(worst, made - consumed)
    assert consumed == total
    assert worst <= OUT_BOUND + 4 * concurrency  # not the whole input
