"""The one interface every strategy implements.

A strategy is a policy of ordering, streaming and failure. It pulls targets
lazily from a shared iterator and keeps at most ``concurrency`` checks in
flight, so memory follows the concurrency, not the input size. It must
cancel and await its own in-flight work when the consumer stops early (the
async generator is closed) or is cancelled; targets it never reports are
reported as ``cancelled`` by the engine.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator
from typing import Any, Protocol

from checker.models import Result, Target

Check = Callable[[Target], Coroutine[Any, Any, Result]]


class Strategy(Protocol):
    def __call__(
        self, targets: Iterator[Target], check: Check, concurrency: int
    ) -> AsyncGenerator[Result, None]: ...
