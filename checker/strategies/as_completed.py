"""as-completed: results stream out in the order checks finish.

``asyncio.as_completed``'s contract (completion order, each result as soon
as it is known) without its cost: it would make every awaitable a task up
front (~1.3 KB per URL, benchmarks/RESULTS.md) and cannot be fed more work
once started. The scheduler's stream is already in completion order.
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
