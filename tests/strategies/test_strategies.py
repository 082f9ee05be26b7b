"""Strategies: ordering, streaming, failure policy, and bounded work.

Most tests drive a strategy with a fake check (pure asyncio, no sockets) that
counts what is in flight; the rest run the whole engine against real servers.
"""

from __future__ import annotations

import asyncio
import gc
import json
import select
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiohttp import web

from checker import strategies
from checker.api import check
from checker.choices import StrategyName
from checker.models import Outcome, Result, Target
from checker.settings import Settings
from tests.conftest import ServerThread, SlowSite, run_cli, spawn_cli

ALL = list(StrategyName)
STREAMING = [StrategyName.AS_COMPLETED, StrategyName.FIRST_COMPLETED]


def make_targets(n: int) -> list[Target]:
    return [Target(i, f"http://h.test/{i}", ()) for i in range(n)]


class Pulled:
    """An iterator that counts how far it has been read."""

    def __init__(self, items: list[Target]) -> None:
        self._it = iter(items)
        self.count = 0

    def __iter__(self) -> Iterator[Target]:
        return self

    def __next__(self) -> Target:
        item = next(self._it)
        self.count += 1
        return item


class FakeCheck:
    """A check that sleeps, then returns an outcome; it records what is in flight."""

    def __init__(
        self,
        delay: Callable[[Target], float] = lambda t: 0.0,
        outcome: Callable[[Target], Outcome] = lambda t: Outcome.OK,
    ) -> None:
        self.delay = delay
        self.outcome = outcome
        self.in_flight = 0
        self.peak = 0
        self.peak_tasks = 0
        self.started: list[int] = []
        self.finished: list[int] = []
        self.cancelled: list[int] = []

    async def __call__(self, target: Target) -> Result:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.peak_tasks = max(self.peak_tasks, len(asyncio.all_tasks()))
        self.started.append(target.index)
        try:
            await asyncio.sleep(self.delay(target))
        except asyncio.CancelledError:
            self.cancelled.append(target.index)
            raise
        finally:
            self.in_flight -= 1
        self.finished.append(target.index)
        return Result.for_target(target, self.outcome(target), attempts=1)


async def collect(
    name: StrategyName, targets: Iterator[Target] | list[Target], check: Any, concurrency: int
) -> list[Result]:
    stream = strategies.load(name)(iter(targets), check, concurrency)
    return [result async for result in stream]


def jitter(target: Target) -> float:
    return (target.index * 7919 % 13) / 1000


# --- wiring -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_strategy_name_is_wired(name: StrategyName) -> None:
    """Like pip-audit's test_to_format_is_exhaustive: a member without a case fails here."""
    assert callable(strategies.load(name))


def test_each_strategy_is_its_own_implementation() -> None:
    assert len({strategies.load(name) for name in ALL}) == len(ALL)


def test_an_unknown_name_is_not_silently_accepted() -> None:
    with pytest.raises(AssertionError):
        strategies.load("bogus")  # type: ignore[arg-type]


# --- the same answers from every strategy -----------------------------------------


@pytest.mark.parametrize("name", ALL)
async def test_every_strategy_reports_every_target_once(name: StrategyName) -> None:
    fake = FakeCheck(delay=jitter)
    results = await collect(name, make_targets(60), fake, concurrency=8)
    assert sorted(r.index for r in results) == list(range(60))
    assert all(r.outcome is Outcome.OK for r in results)


@pytest.mark.parametrize("name", [n for n in ALL if n is not StrategyName.FIRST_EXCEPTION])
async def test_non_failfast_strategies_give_the_same_outcomes(name: StrategyName) -> None:
    def outcome(target: Target) -> Outcome:
        return [Outcome.OK, Outcome.BROKEN, Outcome.ERROR, Outcome.EXCLUDED][target.index % 4]

    results = await collect(name, make_targets(40), FakeCheck(jitter, outcome), concurrency=6)
    assert {(r.index, r.outcome) for r in results} == {
        (t.index, outcome(t)) for t in make_targets(40)
    }


@pytest.mark.parametrize("name", ALL)
async def test_empty_input_gives_nothing(name: StrategyName) -> None:
    assert await collect(name, [], FakeCheck(), concurrency=4) == []


# --- ordering and streaming -------------------------------------------------------


async def test_gather_keeps_input_order_when_earlier_urls_are_slower() -> None:
    fake = FakeCheck(delay=lambda t: (10 - t.index) * 0.005)
    results = await collect(StrategyName.GATHER, make_targets(10), fake, concurrency=10)
    assert [r.index for r in results] == list(range(10))
    assert fake.finished == list(reversed(range(10))), "they did finish in reverse"


@pytest.mark.parametrize("name", STREAMING)
async def test_streaming_strategies_yield_in_completion_order(name: StrategyName) -> None:
    fake = FakeCheck(delay=lambda t: (10 - t.index) * 0.03)
    results = await collect(name, make_targets(10), fake, concurrency=10)
    assert [r.index for r in results] == list(reversed(range(10)))


@pytest.mark.parametrize("name", STREAMING)
async def test_streaming_strategies_yield_before_a_slow_check_finishes(
    name: StrategyName,
) -> None:
    gate = asyncio.Event()

    async def fake(target: Target) -> Result:
        if target.index == 0:
            await gate.wait()
        return Result.for_target(target, Outcome.OK)

    stream = strategies.load(name)(iter(make_targets(3)), fake, 3)
    first = await asyncio.wait_for(anext(stream), 2)  # type: ignore[arg-type]
    assert first.index != 0
    gate.set()
    rest = [r.index async for r in stream]  # type: ignore[attr-defined]
    assert sorted([first.index, *rest]) == [0, 1, 2]


# --- bounded work -----------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
async def test_never_more_than_concurrency_checks_in_flight(name: StrategyName) -> None:
    fake = FakeCheck(delay=jitter)
    await collect(name, make_targets(200), fake, concurrency=7)
    assert fake.peak == 7


@pytest.mark.parametrize("name", ALL)
async def test_no_task_per_target_up_front(name: StrategyName) -> None:
    """10k targets, concurrency 5: the loop never holds more than a handful of tasks."""
    fake = FakeCheck()
    await collect(name, make_targets(10_000), fake, concurrency=5)
    assert fake.peak_tasks <= 5 + 3


@pytest.mark.parametrize("name", ALL)
async def test_targets_are_pulled_lazily(name: StrategyName) -> None:
    targets = Pulled(make_targets(10_000))
    stream = strategies.load(name)(targets, FakeCheck(delay=jitter), 4)
    try:
        await anext(stream)  # type: ignore[arg-type]
        assert targets.count <= 2 * 4, f"read {targets.count} targets for the first result"
    finally:
        await stream.aclose()  # type: ignore[attr-defined]


# --- stopping -----------------------------------------------------------------------


async def test_first_exception_stops_at_the_first_failure_and_cancels_the_rest() -> None:
    def delay(target: Target) -> float:
        return 0.01 if target.index == 2 else 30

    def outcome(target: Target) -> Outcome:
        return Outcome.BROKEN if target.index == 2 else Outcome.OK

    targets = Pulled(make_targets(100))
    fake = FakeCheck(delay, outcome)
    results = await asyncio.wait_for(
        collect(StrategyName.FIRST_EXCEPTION, targets, fake, concurrency=5), 5
    )
    assert [(r.index, r.outcome) for r in results] == [(2, Outcome.BROKEN)]
    assert sorted(fake.cancelled) == [0, 1, 3, 4]
    assert fake.in_flight == 0
    assert targets.count <= 6, "nothing new is started after the failure"


async def test_first_exception_reports_what_finished_before_the_failure() -> None:
    def delay(target: Target) -> float:
        return {0: 0.0, 1: 0.02}.get(target.index, 30)

    def outcome(target: Target) -> Outcome:
        return Outcome.ERROR if target.index == 1 else Outcome.OK

    fake = FakeCheck(delay, outcome)
    results = await asyncio.wait_for(
        collect(StrategyName.FIRST_EXCEPTION, make_targets(4), fake, concurrency=4), 5
    )
    assert [(r.index, r.outcome) for r in results] == [(0, Outcome.OK), (1, Outcome.ERROR)]


@pytest.mark.parametrize("name", ALL)
async def test_closing_the_stream_early_cancels_checks_in_flight(name: StrategyName) -> None:
    fake = FakeCheck(delay=lambda t: 0.0 if t.index == 0 else 30)
    stream = strategies.load(name)(iter(make_targets(20)), fake, 5)
    first = await asyncio.wait_for(anext(stream), 2)  # type: ignore[arg-type]
    assert first.index == 0
    await asyncio.wait_for(stream.aclose(), 2)  # type: ignore[attr-defined]
    assert fake.in_flight == 0
    assert len(fake.cancelled) >= 4
    assert asyncio.all_tasks() == {asyncio.current_task()}


@pytest.mark.parametrize("name", ALL)
async def test_cancelling_the_consumer_cancels_checks_in_flight(
    name: StrategyName, caplog: pytest.LogCaptureFixture
) -> None:
    """Ctrl-C cancels the consumer; nothing may be left for asyncio to complain about."""
    fake = FakeCheck(delay=lambda t: 30)

    consumer = asyncio.create_task(collect(name, make_targets(20), fake, 5))
    while fake.in_flight < 5:
        await asyncio.sleep(0.001)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(consumer, 2)
    assert fake.in_flight == 0
    assert sorted(fake.cancelled) == [0, 1, 2, 3, 4]
    gc.collect()  # an unretrieved exception is logged when its future is collected
    assert "never retrieved" not in caplog.text


@pytest.mark.parametrize("name", ALL)
async def test_a_bug_in_a_check_is_raised_not_swallowed(name: StrategyName) -> None:
    async def buggy(target: Target) -> Result:
        if target.index == 3:
            raise RuntimeError("bug in a check")
        await asyncio.sleep(0 if target.index < 3 else 30)
        return Result.for_target(target, Outcome.OK)

    with pytest.raises(RuntimeError, match="bug in a check"):
        await asyncio.wait_for(collect(name, make_targets(10), buggy, 4), 5)
    assert asyncio.all_tasks() == {asyncio.current_task()}


# --- the whole engine against real servers ----------------------------------------


class Slow:
    """A server whose /slow/* requests hang until released; it notices abandonment."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.in_flight = 0
        self.abandoned = 0
        self.seen: list[str] = []

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        self.seen.append(request.path)
        if request.path.startswith("/slow"):
            self.in_flight += 1
            try:
                await asyncio.wait_for(self.release.wait(), 10)
            except asyncio.CancelledError:
                self.abandoned += 1  # the client went away (handler_cancellation)
                raise
            finally:
                self.in_flight -= 1
        if request.path.startswith("/fail"):
            await asyncio.sleep(0.05)
            return web.Response(status=404)
        return web.Response()


def summary_of(results: list[Result]) -> set[tuple[str, Outcome, int | None, str | None]]:
    return {(r.url, r.outcome, r.status, r.error and r.error.kind) for r in results}


async def test_every_strategy_same_outcomes_against_a_real_server(aiohttp_raw_server: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(int(request.path.rsplit("/", 1)[1]) % 3 * 0.01)
        if request.path.startswith("/missing"):
            return web.Response(status=404)
        if request.path.startswith("/moved"):
            return web.Response(status=301, headers={"Location": "/ok/0"})
        return web.Response()

    server = await aiohttp_raw_server(handler)
    ok = [str(server.make_url(f"/ok/{n}")) for n in range(6)]
    mixed = [
        *ok,
        str(server.make_url("/missing/1")),
        str(server.make_url("/moved/2")),
        "http://a..b/",
        "ftp://example.com/",
    ]

    async def run(urls: list[str], name: StrategyName) -> list[Result]:
        settings = Settings(strategy=name, retries=0, concurrency=3)
        return [r async for r in check(urls, settings=settings)]

    for urls in (ok, mixed):
        reference = summary_of(await run(urls, StrategyName.GATHER))
        assert len(reference) == len(urls)
        for name in ALL:
            got = await run(urls, name)
            if name is StrategyName.FIRST_EXCEPTION and urls is mixed:
                finished = {item for item in summary_of(got) if item[1] is not Outcome.CANCELLED}
                assert finished <= reference
                assert len(got) == len(urls)
            else:
                assert summary_of(got) == reference, name


async def test_fail_fast_cancels_the_rest_and_the_server_sees_it(aiohttp_raw_server: Any) -> None:
    slow = Slow()
    server = await aiohttp_raw_server(slow)
    urls = [str(server.make_url(f"/slow/{n}")) for n in range(4)]
    urls.append(str(server.make_url("/fail")))
    urls += [str(server.make_url(f"/later/{n}")) for n in range(20)]
    settings = Settings(strategy="first-exception", concurrency=5, retries=0)  # type: ignore[arg-type]
    try:
        results = await asyncio.wait_for(_collect(check(urls, settings=settings)), 5)
        for _ in range(200):  # the server hears of the disconnects a moment later
            if slow.abandoned == 4:
                break
            await asyncio.sleep(0.01)
    finally:
        slow.release.set()
    outcomes = {r.url: r.outcome for r in results}
    assert len(results) == len(urls)
    assert outcomes[urls[4]] is Outcome.BROKEN
    assert {outcomes[u] for u in urls[:4] + urls[5:]} == {Outcome.CANCELLED}
    assert slow.abandoned == 4
    assert not any(path.startswith("/later") for path in slow.seen)


async def _collect(stream: AsyncIterator[Result]) -> list[Result]:
    return [result async for result in stream]


def test_fail_fast_exit_code_and_cancelled_results_from_the_cli() -> None:
    slow = SlowSite()
    with ServerThread(slow.app()) as server:
        urls = [server.url("/slow/1"), server.url("/slow/2"), server.url("/fail")]
        try:
            result = run_cli(["--strategy", "first-exception", "--format", "json", *urls])
        finally:
            slow.released = True
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    outcomes = {r["url"]: r["outcome"] for r in report["results"]}
    assert outcomes == {urls[0]: "cancelled", urls[1]: "cancelled", urls[2]: "broken"}
    assert report["summary"]["cancelled"] == 2
    assert report["summary"]["total"] == 3


def test_as_completed_prints_its_first_line_before_a_slow_url_finishes() -> None:
    """A jsonl consumer sees a result while a slower URL is still being checked."""
    slow = SlowSite()
    with ServerThread(slow.app()) as server:
        urls = [server.url("/slow/1"), server.url("/fast")]
        proc = spawn_cli(["--format", "jsonl", "--retries", "0", *urls])
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], 10)
            assert ready, "no line while the slow URL was pending"
            first = json.loads(proc.stdout.readline())
            assert first["url"] == urls[1]
            assert slow.in_flight == 1, "the slow URL was still in flight"
            assert "/slow/1" not in slow.done
        finally:
            slow.released = True
            out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert json.loads(out)["url"] == urls[0]
