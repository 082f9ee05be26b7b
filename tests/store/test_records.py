"""History records of 3 bytes (store version 3): every check's time read back
to the tick through real SQLite files, and a version-2 store upgraded."""

from __future__ import annotations

import sqlite3
import struct
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import ErrorKind, Failure, Outcome, Result
from checker.store import Store
from checker.store.codec import CYCLE, EPOCH, ERROR_KINDS, GAP, KEPT, SLACK, TICK
from checker.store.queries import timelines
from checker.store.schema import VERSION, connect, migrate

START = 1.8e9  # 2027-01-15


def _result(n: int) -> Result:
    if n % 3 == 0:
        return Result("http://a.test/", Outcome.OK, status=200)
    if n % 3 == 1:
        return Result("http://a.test/", Outcome.BROKEN, status=404)
    return Result("http://a.test/", Outcome.ERROR, error=Failure(ErrorKind.TIMEOUT, "t"))


def _read(path: Path) -> list[tuple[float, int | None, str]]:
    (line,) = timelines(path)
    return [(c.at, c.status, c.outcome) for c in line.checks]


def _expected(n: int, at: float) -> tuple[float, int | None, str]:
    tick_at = float(EPOCH + int(at - EPOCH) // TICK * TICK)
    return {0: (tick_at, 200, "ok"), 1: (tick_at, 404, "broken"), 2: (tick_at, None, "timeout")}[
        n % 3
    ]


@settings(max_examples=25, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=GAP - 1), min_size=1, max_size=70))
def test_every_check_is_dated_to_its_tick_however_far_the_history_reaches(
    gaps: list[int],
) -> None:
    """Gaps up to 8 weeks each, so a history may reach over several cycles of
    the records' 57 days."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.sqlite"
        store = Store(path)
        times, at = [], START
        for n, gap in enumerate(gaps):
            at += gap
            times.append(at)
            store.add(_result(n), now=at)
        store.flush()
        store.close()
        assert _read(path) == [_expected(n, t) for n, t in enumerate(times)][-KEPT:]


def test_a_check_after_a_longer_gap_starts_a_new_history(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    times = [START, START + TICK, START + TICK + GAP, START + 2 * TICK + GAP]
    for n, at in enumerate(times):
        store = Store(path)
        store.add(_result(n), now=at)
        store.flush()
        store.close()
    assert _read(path) == [_expected(n, t) for n, t in enumerate(times)][2:]


def test_two_runs_recording_out_of_order_are_dated_right(tmp_path: Path) -> None:
    """Two runs at once: the later check's batch committed first."""
    path = tmp_path / "cache.sqlite"
    store = Store(path)
    store.add(_result(0), now=START)
    store.add(_result(1), now=START + (SLACK - 1) * TICK)
    store.add(_result(3), now=START + 2 * TICK)  # older than the one before it
    store.flush()
    store.close()
    assert _read(path) == [
        _expected(0, START),
        _expected(1, START + (SLACK - 1) * TICK),
        _expected(3, START + 2 * TICK),
    ]


def _v2_record(tick: int, failed: bool, low: int) -> bytes:
    return struct.pack("<I", tick << 11 | (1 << 10 if failed else 0) | low)


def test_a_version_2_store_is_upgraded_and_reads_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, path, target=2)
    base = int(START - EPOCH) // TICK
    # Every third day: 147 days, over two cycles of the records' 57.
    daily = [(base + 432 * d, d % 4 == 0, 404 if d % 4 == 0 else 200) for d in range(KEPT)]
    kinds = [(base + 7 * d, True, 1 + d % len(ERROR_KINDS)) for d in range(20)]
    gap = GAP // TICK + 5  # older than the gap: dropped, as a version-3 store would have
    gapped = [(base - gap - 3, False, 200), (base - gap, True, 500), (base, False, 301)]
    rows = {
        "http://daily.test/": daily,
        "http://kinds.test/": kinds,
        "http://gapped.test/": gapped,
        "http://empty.test/": [],
    }
    for url, records in rows.items():
        last = records[-1][0] if records else base
        checked_at = EPOCH + last * TICK + 59
        blob = b"".join(_v2_record(*r) for r in records)
        db.execute(
            "INSERT INTO urls(url, checked_at, outcome, status, result, last_ok_at, "
            "first_failed_at, streak, history) VALUES (?, ?, 'ok', 200, NULL, ?, NULL, 0, ?)",
            (url, checked_at, checked_at, blob),
        )
    db.execute(
        "INSERT INTO urls(url, checked_at, outcome, history) VALUES (?, ?, 'ok', ?)",
        ("http://damaged.test/", START, "text, not a blob"),
    )
    before = db.execute(
        "SELECT url, checked_at, outcome, status, result, last_ok_at, first_failed_at, streak "
        "FROM urls ORDER BY url"
    ).fetchall()
    db.close()

    upgraded = connect(path)  # as any run or subcommand opens it
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == VERSION
    after = upgraded.execute(
        "SELECT url, checked_at, outcome, status, result, last_ok_at, first_failed_at, streak "
        "FROM urls ORDER BY url"
    ).fetchall()
    upgraded.close()
    assert after == before  # everything but the history as it was

    def decoded(records: list[tuple[int, bool, int]]) -> list[tuple[float, int | None, str]]:
        out = []
        for tick, failed, low in records:
            at = float(EPOCH + tick * TICK)
            if low >= 100:
                out.append((at, low, "broken" if failed else "ok"))
            else:
                out.append((at, None, ERROR_KINDS[low - 1]))
        return out

    lines = {
        line.url: [(c.at, c.status, c.outcome) for c in line.checks] for line in timelines(path)
    }
    assert lines["http://daily.test/"] == decoded(daily)
    assert lines["http://kinds.test/"] == decoded(kinds)
    assert lines["http://gapped.test/"] == decoded(gapped[2:])
    assert lines["http://empty.test/"] == []
    assert lines["http://damaged.test/"] == []
    assert 432 * KEPT > 2 * CYCLE  # the daily history reaches over two cycles


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    st.integers(min_value=0, max_value=(1 << 21) - 1 - 60 * CYCLE),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=GAP // TICK + 50),
            st.booleans(),
            st.integers(min_value=0, max_value=999),
        ),
        max_size=KEPT,
    ),
)
def test_any_version_2_history_converts_to_the_checks_after_its_last_long_gap(
    first: int, records: list[tuple[int, bool, int]]
) -> None:
    from checker.store.codec import history, to_version_3

    ticks, tick = [], first
    for gap, _, _ in records:
        tick += gap
        ticks.append(tick)
    old = [_v2_record(t, failed, low) for t, (_, failed, low) in zip(ticks, records, strict=True)]
    start = 0
    for n in range(1, len(ticks)):
        if ticks[n] - ticks[n - 1] >= GAP // TICK:
            start = n
    anchor = EPOCH + (ticks[-1] if ticks else 0) * TICK
    want = history_v2(b"".join(old[start:]))
    assert history(to_version_3(b"".join(old)), anchor) == want


def history_v2(blob: bytes) -> list[object]:
    """Version 2's reading of its 4-byte records, as it was published."""
    from checker.store.codec import Check

    out: list[object] = []
    for (value,) in struct.iter_unpack("<I", blob):
        at = float(EPOCH + (value >> 11) * TICK)
        failed, low = value & 1024, value & 1023
        if low >= 100:
            out.append(Check(at, low, "broken" if failed else "ok"))
        elif low and failed:
            kind = ERROR_KINDS[low - 1] if low <= len(ERROR_KINDS) else "unknown"
            out.append(Check(at, None, kind))
        else:
            out.append(Check(at, None, "broken" if failed else "ok"))
    return out
