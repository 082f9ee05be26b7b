"""scheduler.Feed: targets put while the run goes (a worker's input)."""

from __future__ import annotations

import asyncio

from checker.models import Outcome, Result, Target
from checker.scheduler import stream
from checker.scheduler.feed import Feed


async def _ok(target: Target, tries: int = 1) -> Result:
    await asyncio.sleep(0)
    return Result.for_target(target, Outcome.OK)


def _targets(start: int, count: int) -> list[Target]:
    return [Target(n, f"http://h{n % 3}.test/{n}", ()) for n in range(start, start + count)]


async def test_the_run_lasts_until_the_feed_closes() -> None:
    feed = Feed()
    feed.put(_targets(0, 3))  # before the run started: kept until it does
    seen: list[int] = []

    async def consume() -> None:
        async for result in stream(feed, _ok, 4, host_of=lambda t: t.url[7:10]):
            seen.append(result.index)

    task = asyncio.create_task(consume())
    while len(seen) < 3:
        await asyncio.sleep(0.01)
    assert not task.done(), "an empty frontier is not the end while the feed is open"
    feed.put(_targets(3, 5))
    while len(seen) < 8:
        await asyncio.sleep(0.01)
    feed.close()
    await asyncio.wait_for(task, 10)
    assert sorted(seen) == list(range(8))


async def test_a_feed_closed_before_the_run_ends_it_after_its_targets() -> None:
    feed = Feed()
    feed.put(_targets(0, 2))
    feed.close()
    results = [r async for r in stream(feed, _ok, 2)]
    assert sorted(r.index for r in results) == [0, 1]
