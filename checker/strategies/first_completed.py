"""first-completed: a sliding window on ``asyncio.wait(FIRST_COMPLETED)``.

At most ``concurrency`` checks are tasks at any time; each time ``wait``
returns, the finished ones are reported and the window is refilled from the
iterator. ``wait`` costs O(window) per call (it adds and removes a done
callback on every pending task), which is why the window is the concurrency
and never the input.
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
    pending: set[asyncio.Task[Result]] = set()

    def refill() -> None:
        while len(pending) < concurrency:
            target = next(targets, None)
            if target is None:
                return
            pending.add(asyncio.create_task(check(target)))

    try:
        refill()
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task.result()
            refill()
    finally:
        await cancel_all(pending)
