"""first-exception: fail fast at the first URL that is not ok.

``concurrency`` workers pull from one shared iterator; a worker that meets a
broken or errored URL reports it and raises. ``asyncio.wait(FIRST_EXCEPTION)``
on the workers returns at that moment with the others still running (wait
never cancels what it waits on), so cancelling them is our job. Results that finished
before the stop are still reported; everything else is reported as
``cancelled`` by the engine, and the run exits 1.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator

from checker.models import Result, Target
from checker.strategies._cleanup import cancel_all
from checker.strategies.interface import Check


class _FailFast(Exception):
    """Raised by the worker that met the first failure, to stop the others."""


async def run(
    targets: Iterator[Target], check: Check, concurrency: int
) -> AsyncGenerator[Result, None]:
    queue: asyncio.Queue[Result | None] = asyncio.Queue()

    async def worker() -> None:
        for target in targets:
            result = await check(target)
            queue.put_nowait(result)
            if result.outcome.failed:
                raise _FailFast

    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    watch = asyncio.ensure_future(asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION))
    watch.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while (result := await queue.get()) is not None:
            yield result
        done, _ = watch.result()
        for task in done:
            exc = task.exception()
            if exc is not None and not isinstance(exc, _FailFast):
                raise exc  # a bug in a check, not a failing URL
    finally:
        await cancel_all([watch, *workers])
