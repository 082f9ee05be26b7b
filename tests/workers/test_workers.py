"""--workers: the same run over worker processes, host by host.

Each run here starts real worker processes (a second or more each on a
loaded machine), so the lists are small and the runs few.
"""

from __future__ import annotations

import pytest

from checker import check_sync
from checker.choices import StrategyName
from checker.models import Outcome, Report
from checker.scheduler.hostkey import host_bucket
from checker.settings import Settings
from checker.workers import processes, shares
from tests.workers.sites import HOSTS, CountingSite, serve


def _urls(servers: list, per_host: int) -> list[str]:  # type: ignore[type-arg]
    urls = [s.url(f"/page/{n}") for n in range(per_host) for s in servers]
    urls[7] = servers[1].url("/fail/1")  # a broken link, on a bucket-1 host
    urls[10:10] = ["not a url", "mailto:someone@example.com", urls[3]]  # offline, excluded, dup
    return urls


def _run(urls: list[str], workers: int, strategy: StrategyName, **options: object) -> Report:
    settings = Settings.model_validate(
        {"workers": workers, "strategy": strategy, "retries": 0, **options}
    )
    return check_sync(urls, settings=settings)


def _seen(report: Report) -> dict[str, tuple[object, ...]]:
    return {
        r.url: (r.outcome, r.status, r.error and r.error.kind, r.sources, r.attempts)
        for r in report.results
    }


@pytest.mark.parametrize("strategy", list(StrategyName))
def test_same_outcomes_as_one_process(strategy: StrategyName) -> None:
    site = CountingSite()
    with serve(site) as servers:
        urls = _urls(servers, 8)
        one = _run(urls, 1, strategy)
        two = _run(urls, 2, strategy)
    assert two.summary.total == one.summary.total == len(set(urls))
    assert sorted(r.url for r in two.results) == sorted(set(urls)), "every URL exactly once"
    if strategy is StrategyName.FIRST_EXCEPTION:
        # Which checks finished before the failure is a race in one process too;
        # the contract: one failure, reported, and everything unfinished cancelled.
        for report in (one, two):
            failing = [r for r in report.results if r.outcome is not Outcome.CANCELLED]
            assert [r.fails_run for r in failing].count(True) == 1
            assert failing[-1].fails_run, "nothing is reported after the failure"
            assert report.summary.cancelled == report.summary.total - len(failing)
        return
    assert _seen(two) == _seen(one)
    assert (two.summary.ok, two.summary.broken, two.summary.error) == (
        one.summary.ok,
        one.summary.broken,
        one.summary.error,
    )
    if strategy is StrategyName.GATHER:
        assert [r.url for r in two.results] == [r.url for r in one.results]


def test_per_host_limit_holds_across_workers() -> None:
    """Were targets dealt to workers by anything but their host, two workers
    would each send --per-host requests to the same host at once."""
    site = CountingSite(delay=0.05)
    with serve(site) as servers:
        urls = [s.url(f"/page/{n}") for s in servers for n in range(40)]
        report = _run(urls, 2, StrategyName.AS_COMPLETED, per_host=2, concurrency=64)
    assert report.summary.ok == len(urls)
    assert set(site.most) == set(HOSTS)
    assert max(site.most.values()) <= 2, site.most
    assert max(site.most.values()) == 2, "the limit was reached, so it was tested"


def test_first_exception_stops_every_worker() -> None:
    """A failure in one worker stops the other, whose requests are still held."""
    site = CountingSite()
    fast_fail, holding = "127.0.0.2", ("127.0.0.1", "127.0.0.5")
    assert host_bucket(fast_fail, 2) != host_bucket(holding[0], 2)
    with serve(site, (fast_fail, *holding)) as servers:
        slow = [s.url(f"/slow/{n}") for n in range(3) for s in servers[1:]]
        # The failure comes once every slow request is held by the other worker.
        urls = [*slow, servers[0].url(f"/fail-after/{len(slow) + 1}")]
        report = _run(urls, 2, StrategyName.FIRST_EXCEPTION)
        still_held = site.holding()
    outcomes = {r.url: r.outcome for r in report.results}
    assert outcomes[urls[-1]] is Outcome.BROKEN
    assert {outcomes[url] for url in slow} == {Outcome.CANCELLED}
    assert still_held, "the run ended without waiting for the held requests"


def test_host_stats_come_back_from_every_worker() -> None:
    from checker.api import build_index
    from checker.runner import Driver, collect, run_loop

    site = CountingSite()
    with serve(site) as servers:
        urls = [s.url(f"/page/{n}") for n in range(3) for s in servers]
        settings = Settings(workers=2, host_stats=True, retries=0)

        async def run() -> Driver:
            with build_index(urls, settings=settings) as index:
                driver = Driver(settings, index)
                await collect(driver)
                return driver

        driver = run_loop(run())
    assert driver.host_stats is not None
    assert set(driver.host_stats) == set(HOSTS)


def test_processes_follow_workers_concurrency_and_targets() -> None:
    from checker.workers import usable_cores

    assert processes(Settings(), 1000) == 1, "the default stays one process"
    assert processes(Settings(workers=4), 1000) == 4
    assert processes(Settings(workers=4, concurrency=2), 1000) == 2
    assert processes(Settings(workers=4), 3) == 3
    assert processes(Settings(workers=4), 0) == 1
    assert processes(Settings(workers="auto"), 1000) == min(usable_cores(), 128)


@pytest.mark.parametrize(("total", "parts"), [(128, 2), (7, 3), (1, 1), (10_000, 7)])
def test_concurrency_is_split_not_multiplied(total: int, parts: int) -> None:
    split = shares(total, parts)
    assert sum(split) == total
    assert max(split) - min(split) <= 1
    assert min(split) >= 1


@pytest.mark.parametrize("value", ["0", "-1", "257", "auto2", "", "1.5", "\uff11"])  # a fullwidth 1
def test_bad_workers_value_is_one_line_and_exit_2(value: str, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["--workers", value, "http://127.0.0.1:1/"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--workers" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["header", "userinfo"])
def test_a_secret_in_a_source_path_is_masked_as_in_one_process(kind: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The run holds each target's places and puts them back on its result:
    where the worker masked a place (its path holds a secret), the masked one
    must come back, not the run's own copy."""
    secret = "s3cret-in-the-path"
    folder = tmp_path / secret
    folder.mkdir()
    site = CountingSite()
    with serve(site) as servers:
        urls = [s.url(f"/page/{n}") for n in range(4) for s in servers]
        options: dict[str, object] = {"headers": {"X-Token": secret}}
        if kind == "userinfo":
            urls = [u.replace("http://", f"http://user:{secret}@") for u in urls]
            options = {}
        links = folder / "links.txt"
        links.write_text("\n".join(urls) + "\n")
        reports = {
            workers: check_sync(
                sources=[str(links)],
                settings=Settings.model_validate({"workers": workers, "retries": 0, **options}),
            )
            for workers in (1, 2)
        }
    one, two = reports[1], reports[2]
    assert one.summary.total == two.summary.total == len(urls)
    places = {r.url: r.sources for r in one.results}
    assert all(secret not in s.path for r in one.results for s in r.sources), "masked in one"
    assert {r.url: r.sources for r in two.results} == places
