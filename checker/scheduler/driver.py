"""Runs a :class:`Frontier` on the event loop with ``concurrency`` workers.

A worker is a global slot. It asks the frontier for a job, runs one attempt,
hands the answer back and asks again; when nothing may start now it waits,
holding nothing, until a request ends, a host's wait is over, or a target is
added. Waking is one worker at a time, and a worker that gets a job wakes the
next if more is ready, so no slot stays idle while a ready check exists and
no finished request wakes every idle worker.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator
from typing import Any, Protocol

from checker.models import Result, Target
from checker.scheduler._cleanup import cancel_all
from checker.scheduler.feed import Feed
from checker.scheduler.frontier import Frontier
from checker.scheduler.hosts import Host
from checker.scheduler.pacing import PACER, HopPacer
from checker.scheduler.records import Attempted, Job, Rules

OUT_BOUND = 256  # results waiting for the consumer before a worker lets it run


class Attempt(Protocol):
    """One attempt at a target. ``tries`` (1-based) is passed from the second on."""

    def __call__(
        self, target: Target, tries: int = 1, /
    ) -> Coroutine[Any, Any, Result | Attempted]: ...


class Driver:
    def __init__(self, frontier: Frontier, check: Attempt) -> None:
        self.frontier = frontier
        self._check = check
        self._loop = asyncio.get_running_loop()
        self._idle: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = float("inf")
        # Results for the stream, None last. A deque and one waiter, not an
        # asyncio.Queue: a Queue's put and get cost a few µs per URL, and the
        # stream takes every result already in without suspending.
        self.out: deque[Result | None] = deque()
        self._out_waiter: asyncio.Future[None] | None = None
        self.stop: Callable[[Result], bool] | None = None

    def add(self, target: Target) -> None:
        """Grow the frontier during the run (hold it open with ``frontier.producers``)."""
        self.frontier.add(target, self._loop.time())
        self.wake()

    def grown(self) -> None:
        """The growing input has more targets to read."""
        self.frontier.grown()
        self.wake()

    def put(self, item: Result | None) -> None:
        """Hand ``item`` to the stream (None: every worker is done)."""
        self.out.append(item)
        waiter = self._out_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def delivered(self) -> None:
        """Wait until :attr:`out` holds something."""
        while not self.out:
            waiter = self._out_waiter = self._loop.create_future()
            try:
                await waiter
            finally:
                self._out_waiter = None

    def wake(self, everyone: bool = False) -> None:
        while self._idle:
            waiter = self._idle.popleft()
            if not waiter.done():
                waiter.set_result(None)
                if not everyone:
                    return

    async def worker(self) -> None:
        frontier, loop = self.frontier, self._loop
        last: Host | None = None  # the host this slot's last request went to
        while True:
            item = frontier.take(loop.time(), last)
            last = None
            if item is None:
                if frontier.finished:
                    self.wake(everyone=True)
                    return
                self._arm()
                waiter = loop.create_future()
                self._idle.append(waiter)
                await waiter
                continue
            if frontier.has_work(loop.time()):
                self.wake()  # the chain: one more slot may start something now
            if isinstance(item, Job):
                last = item.host
                item = await self._attempt(item)
                if item is None:
                    continue
            self.put(item)
            if self.stop is not None and self.stop(item):
                frontier.close()
                self.wake(everyone=True)
                return
            if len(self.out) >= OUT_BOUND:
                # Results made without a request (the store's, a dead host's)
                # never suspend this loop: let the consumer take them, or a
                # warm run would hold every result of its input at once.
                await asyncio.sleep(0)

    async def _attempt(self, job: Job) -> Result | None:
        check = self._check
        pacer = HopPacer(job.host)
        token = PACER.set(pacer)  # the probe paces the attempt's HEAD + GET and hops by it
        try:
            reply = await (check(job.target) if job.tries == 1 else check(job.target, job.tries))
        finally:
            PACER.reset(token)
        if pacer.paced:
            job.paced, job.sent_at, job.alone = pacer.paced, pacer.last, pacer.alone
        result = self.frontier.finish(job, reply, self._loop.time())
        self._arm()
        return result

    def _arm(self) -> None:
        """Keep one timer set for the earliest host wait or retry that comes due."""
        at = self.frontier.next_time()
        if at is None or at >= self._timer_at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = self._loop.call_at(at, self._ring)

    def _ring(self) -> None:
        self._timer, self._timer_at = None, float("inf")
        self.wake()
        self._arm()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


async def stream(
    targets: Iterator[Target],
    check: Attempt,
    concurrency: int,
    rules: Rules | None = None,
    host_of: Callable[[Target], str | None] | None = None,
    stop: Callable[[Result], bool] | None = None,
) -> AsyncGenerator[Result, None]:
    """Every target's final result, in the order they finish.

    ``stop``: after a result for which it is true, nothing more is started or
    reported (the caller reports the rest as cancelled). Closing the stream
    cancels the attempts in flight and waits for them.
    """
    frontier_rules = rules or Rules()
    frontier = Frontier(targets, frontier_rules, host_of or _no_host)
    driver = Driver(frontier, check)
    driver.stop = stop
    if frontier_rules.on_grow is not None:  # a crawl's index grows (checker/crawl/)
        frontier_rules.on_grow(driver.grown)
    if isinstance(targets, Feed):  # targets arrive during the run (checker/workers/)
        targets.attach(driver)
    workers = [asyncio.create_task(driver.worker()) for _ in range(concurrency)]
    everyone = asyncio.gather(*workers)
    everyone.add_done_callback(lambda _: driver.put(None))
    out = driver.out
    try:
        while True:
            if not out:
                await driver.delivered()
            result = out.popleft()
            if result is None:
                everyone.result()  # a bug in a check is raised, not swallowed
                break
            yield result
            if stop is not None and stop(result):
                break  # the first result that stopped the run: nothing after it
    finally:
        driver.close()
        await cancel_all([everyone, *workers])


def _no_host(target: Target) -> None:
    return None
