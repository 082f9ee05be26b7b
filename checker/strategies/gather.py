"""gather: results in input order.

``concurrency`` workers pull from one shared iterator under
``asyncio.gather``. A reorder buffer holds results that finish early until
every earlier one is out; it is the one place a strategy's memory may grow
(by how far a slow URL lags the others).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator

from checker.models import Result, Target
from checker.strategies._cleanup import cancel_all
from checker.strategies.interface import Check


async def run(
    targets: Iterator[Target], check: Check, concurrency: int
) -> AsyncGenerator[Result, None]:
    ready: dict[int, Result] = {}
    wakeup = asyncio.Event()

    async def worker() -> None:
        for target in targets:
            result = await check(target)
            ready[target.index] = result
            wakeup.set()

    # Kept apart from the gather: when one worker fails, gather() completes
    # with the others still running (gather cancels nothing when one of its
    # children raises), and they must be stopped.
    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    everyone = asyncio.gather(*workers)
    everyone.add_done_callback(lambda _: wakeup.set())
    following = 0
    try:
        while True:
            while following in ready:
                yield ready.pop(following)
                following += 1
            if everyone.done():
                everyone.result()  # surface a bug in a worker rather than hide it
                return
            await wakeup.wait()
            wakeup.clear()
    finally:
        await cancel_all([everyone, *workers])
