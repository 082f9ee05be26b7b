"""gather: results in input order.

A reorder buffer over the scheduler's stream holds results that finish early
until every earlier one is out; it is the one place a strategy's memory may
grow (by how far a slow URL lags the others).
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
    ready: dict[int, Result] = {}
    following = 0
    try:
        async for result in results:
            ready[result.index] = result
            while following in ready:
                yield ready.pop(following)
                following += 1
    finally:
        await results.aclose()
