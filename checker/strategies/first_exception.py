"""first-exception: fail fast at the first URL that is not ok.

The scheduler stops starting checks the moment a result fails (its ``stop``
hook runs in the worker that got it, before that worker could take more);
this strategy reports what finished up to and including that failure, then
closes the stream, which cancels and awaits the checks still in flight.
Everything else is reported as ``cancelled`` by the engine, and the run
exits 1.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator

from checker.models import Result, Target
from checker.scheduler import Schedule, stream
from checker.strategies.interface import Check


def _failed(result: Result) -> bool:
    return result.fails_run


async def run(
    targets: Iterator[Target], check: Check, concurrency: int, schedule: Schedule | None = None
) -> AsyncGenerator[Result, None]:
    schedule = schedule or Schedule()
    results = stream(targets, check, concurrency, schedule.rules, schedule.host_of, stop=_failed)
    try:
        async for result in results:
            yield result
            if result.fails_run:
                return
    finally:
        await results.aclose()
