"""The one interface every strategy implements.

A strategy is a policy of ordering, streaming and failure, on top of the
scheduler's stream of results (checker/scheduler/): the scheduler decides
which check starts when, on which host, and retries; the strategy decides in
what order results go out and when to stop. At most ``concurrency`` checks
are in flight and targets are read lazily, so memory follows the concurrency
and the scheduler's lookahead, not the input size. A strategy must cancel and
await its in-flight work when the consumer stops early (the async generator
is closed) or is cancelled; targets it never reports are reported as
``cancelled`` by the engine.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from typing import Protocol

from checker.models import Result, Target
from checker.scheduler import Attempt, Schedule

Check = Attempt


class Strategy(Protocol):
    def __call__(
        self,
        targets: Iterator[Target],
        check: Check,
        concurrency: int,
        schedule: Schedule | None = None,
    ) -> AsyncGenerator[Result, None]: ...
