"""first-completed: results in the order checks finish.

Once a sliding window on ``asyncio.wait(FIRST_COMPLETED)``. The scheduler
(checker/scheduler/) now keeps the window of checks in flight, host by host,
so this strategy streams its results like as-completed; the name stays for
the command lines and configuration files that use it.
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
