"""first-completed: each round of finished checks is reported together.

Once a sliding window on ``asyncio.wait(FIRST_COMPLETED)``; the scheduler now
keeps the window, and this strategy hands out everything that has finished
since the consumer last asked, in the order it finished, as soon as any has.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator

from checker.models import Result, Target
from checker.scheduler import Schedule, stream
from checker.strategies.interface import Check


async def run(
    targets: Iterator[Target], check: Check, concurrency: int, schedule: Schedule | None = None
) -> AsyncGenerator[Result, None]:
    schedule = schedule or Schedule()
    results = stream(targets, check, concurrency, schedule.rules, schedule.host_of)
    try:
        async for result in results:
            yield result
    finally:
        await results.aclose()
