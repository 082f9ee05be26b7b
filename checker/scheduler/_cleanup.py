"""Cancel-and-await, shared by every strategy's ``finally``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any


async def cancel_all(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel ``tasks`` and wait until they have really stopped.

    Waiting matters: a check cancelled but not awaited would still hold its
    connection when the session closes.
    """
    tasks = list(tasks)
    pending = [t for t in tasks if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    for task in tasks:
        if not task.cancelled():
            # Mark it retrieved: a gather() whose children were cancelled ends
            # with CancelledError as its exception, which asyncio would print
            # as "exception was never retrieved" with a traceback on Ctrl-C.
            task.exception()
