"""--workers in a real process: signals, and a worker that dies mid-run."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from checker.scheduler.hostkey import host_bucket
from tests.cli.test_signals import assert_quiet, handlers_installed, read_line, wait_until
from tests.conftest import spawn_cli
from tests.workers.sites import CountingSite, serve

HOSTS = ("127.0.0.1", "127.0.0.2")  # bucket 0 and bucket 1 of two


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_stops_every_worker_with_a_whole_report(signum: int, code: int) -> None:
    site = CountingSite()
    with serve(site, HOSTS) as servers:
        fast = [s.url("/fast") for s in servers]
        slow = [s.url(f"/slow/{n}") for n in range(2) for s in servers]
        proc = spawn_cli(
            [
                "--workers",
                "2",
                "--format",
                "jsonl",
                "--retries",
                "0",
                "--timeout",
                "120",
                *fast,
                *slow,
            ]
        )
        assert proc.stdout is not None
        # The fast answers are reported (streamed) while the slow ones are held.
        first = [json.loads(read_line(proc.stdout, 60)) for _ in fast]
        wait_until(lambda: site.holding() == 4 and len(children(proc.pid)) == 2, timeout=90)
        workers = children(proc.pid)
        wait_until(lambda: handlers_installed(proc.pid))
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert_quiet(err)
    results = first + [json.loads(line) for line in out.splitlines()]
    outcomes = {r["url"]: r["outcome"] for r in results}
    assert len(results) == len(outcomes), "each URL once"
    assert outcomes == {**dict.fromkeys(fast, "ok"), **dict.fromkeys(slow, "cancelled")}
    assert not any(alive(pid) for pid in workers), "no worker outlives the run"


def test_a_killed_worker_loses_nothing_and_exits_3() -> None:
    site = CountingSite()
    with serve(site, HOSTS) as servers:
        urls = [s.url(f"/slow/{n}") for s in servers for n in range(3)]
        proc = spawn_cli(
            ["--workers", "2", "--format", "json", "--retries", "0", "--timeout", "120", *urls]
        )
        wait_until(lambda: site.holding() == 6 and len(children(proc.pid)) == 2, timeout=90)
        # The first worker spawned checks bucket 0: HOSTS[0]'s URLs.
        victim = min(children(proc.pid))
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: not alive(victim))
        site.released = True
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    report = json.loads(out)
    assert report["summary"]["total"] == len(urls), "nothing lost"
    by_url = {r["url"]: r for r in report["results"]}
    lost = {u for u, r in by_url.items() if r["error"] and r["error"]["kind"] == "internal"}
    assert lost == set(urls[:3])
    assert host_bucket(HOSTS[0], 2) == 0
    assert {by_url[u]["outcome"] for u in urls[3:]} == {"ok"}
    assert "worker process 1 stopped" in by_url[urls[0]]["error"]["message"]
    assert "internal error" in err.decode()


def test_a_dead_workers_later_urls_are_reported_lost_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """URLs of the dead worker's hosts not yet sent to it when it died (the
    window is 4 here) are reported ``internal`` too, without a request."""
    import threading

    from checker import check_sync
    from checker.settings import Settings
    from checker.workers import pool

    monkeypatch.setattr(pool, "LOOKAHEAD", 1)
    site = CountingSite()
    with serve(site, HOSTS) as servers:
        urls = [s.url(f"/slow/{n}") for s in servers for n in range(12)]

        # The suite's own process may have other children by now: the
        # workers are the ones that were not there before the run.
        before = set(children(os.getpid()))

        def workers() -> list[int]:
            return sorted(set(children(os.getpid())) - before)

        def kill_first_worker() -> None:
            # Worker 0 holds one request and is given its window of 4; the
            # targets behind them wait (as a single run's lookahead would).
            wait_until(lambda: site.holding() == 1 and len(workers()) == 2)
            os.kill(workers()[0], signal.SIGKILL)
            site.released = True

        killer = threading.Thread(target=kill_first_worker)
        killer.start()
        settings = Settings(workers=2, concurrency=2, retries=0, timeout=120)
        report = check_sync(urls, settings=settings)
        killer.join()
    kinds = {r.url: r.error.kind.value if r.error else r.outcome.value for r in report.results}
    assert len(report.results) == len(urls)
    assert {kinds[u] for u in urls[:12]} == {"internal"}, "every URL of bucket 0's host"
    assert {kinds[u] for u in urls[12:]} == {"ok"}
    assert site.served <= 12 + 4, "the lost ones were not requested"
