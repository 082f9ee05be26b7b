"""The run's side of ``--workers``: spawn, feed, collect, stop.

Memory stays bounded by the window, not the input: each worker has at most
:data:`checker.engine.LOOKAHEAD` (or 4 times its slots) targets given and not yet
taken back as results. The strategy's contract is kept here: ``gather``
reorders by input position, ``first-exception`` stops every worker at the
first failing result, and whatever has no result when the run stops is
reported ``cancelled`` by :meth:`Pool.unfinished`. A worker that dies has
each URL it held reported ``error``/``internal`` (the exit code is then 3),
and so has every later URL of its hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Iterator

from checker.choices import StrategyName
from checker.crawl.stats import CrawlStats
from checker.engine import LOOKAHEAD
from checker.filters import IgnoreRules
from checker.hoststats import HostStats
from checker.models import ErrorKind, Failure, LateSources, Outcome, Result, Summary, Target
from checker.scheduler.hostkey import host_bucket, host_of
from checker.settings import Settings
from checker.targets import TargetIndex
from checker.workers import shares
from checker.workers.process import Handle, start
from checker.workers.wire import Start, encode, receive, unpack

BATCH = 256  # targets per message to a worker
HOSTS_REMEMBERED = 4096  # the feeder's cache of which worker a host is
GRACE_S = 10.0  # how long stopped workers may take to wind down before they are killed
_Batch = tuple["Worker", list[Result]]


class Worker:
    """One worker process, and the targets it holds (given, no result back yet)."""

    def __init__(self, number: int, process: Handle) -> None:
        self.number = number
        self.process = process
        self.held: dict[int, Target] = {}
        self.unconsumed = 0  # given and not yet taken by the consumer: the window
        self.batch: list[tuple[int, str, tuple[object, ...]]] = []
        self.dead = False

    def send(self, message: object) -> None:
        if not self.dead:
            self.process.send(encode(message))

    def flush(self) -> None:
        if self.batch:
            self.send(("targets", self.batch))
            self.batch = []

    def lost(self, target: Target) -> Result:
        code = self.process.returncode
        how = "" if code is None else f" (exit status {code})"
        message = f"worker process {self.number + 1} stopped{how} before checking this URL"
        return Result.for_target(target, Outcome.ERROR, error=Failure(ErrorKind.INTERNAL, message))


class Pool:
    """Checks every target of an index over ``count`` worker processes; the
    same face as :class:`checker.engine.Run` (``results``, ``unfinished``,
    ``summary``, ``host_stats``, and a crawl's figures, always empty here:
    a crawl runs in one process, checker/workers/__init__.py)."""

    def __init__(
        self, settings: Settings, targets: TargetIndex, ignore: IgnoreRules, count: int
    ) -> None:
        self.settings = settings
        self._targets = targets
        self._ignore = ignore
        self._count_of = count
        self.summary = Summary(strategy=settings.strategy.value)
        self.host_stats: dict[str, HostStats] | None = {} if settings.host_stats else None
        self._reported = bytearray(len(targets))
        self._started = time.perf_counter()
        self._queue: asyncio.Queue[_Batch | None] = asyncio.Queue()
        self._credit = asyncio.Event()
        self._stopping = False
        self.crawl_stats = CrawlStats()

    def late_sources(self) -> Iterator[LateSources]:
        return iter(())

    async def results(self) -> AsyncGenerator[Result, None]:
        self._started = time.perf_counter()
        workers: list[Worker] = []
        tasks: list[asyncio.Task[None]] = []
        try:
            await self._spawn(workers)
            tasks.append(asyncio.create_task(self._feed(workers)))
            tasks.extend(asyncio.create_task(self._read(w)) for w in workers)
            ordered = self._ordered(self._collect(len(tasks)))
            async with contextlib.aclosing(ordered):
                async for result in ordered:
                    self._count(result)
                    yield result
                    if self.settings.strategy is StrategyName.FIRST_EXCEPTION and result.fails_run:
                        return
        finally:
            self._stopping = True
            if tasks:
                tasks[0].cancel()  # the feeder; the readers read on, so no worker blocks writing
            try:
                await self._reap(workers)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _collect(self, open_tasks: int) -> AsyncGenerator[Result, None]:
        while open_tasks:
            item = await self._queue.get()
            if item is None:
                open_tasks -= 1
                continue
            worker, batch = item
            worker.unconsumed -= len(batch)
            self._credit.set()
            for result in batch:
                yield result

    def _ordered(self, results: AsyncGenerator[Result, None]) -> AsyncGenerator[Result, None]:
        """In the strategy's order: gather's is the input's, the others' as they come
        (handed on as they are: one generator less for each result to pass)."""
        if self.settings.strategy is not StrategyName.GATHER:
            return results
        return self._reordered(results)

    @staticmethod
    async def _reordered(results: AsyncGenerator[Result, None]) -> AsyncGenerator[Result, None]:
        ready: dict[int, Result] = {}  # gather's reorder buffer, as strategies/gather.py
        following = 0
        async with contextlib.aclosing(results):
            async for result in results:
                ready[result.index] = result
                while following in ready:
                    yield ready.pop(following)
                    following += 1

    async def _spawn(self, workers: list[Worker]) -> None:
        settings = self.settings
        strategy = settings.strategy
        if strategy is not StrategyName.FIRST_EXCEPTION:
            strategy = StrategyName.AS_COMPLETED  # the order is made here
        inherited: list[int] = []
        for number, slots in enumerate(shares(settings.concurrency, self._count_of)):
            process = await start(number, inherited)
            inherited += process.descriptors
            worker = Worker(number, process)
            workers.append(worker)
            own = settings.model_copy(
                update={"concurrency": slots, "workers": 1, "strategy": strategy}
            )
            worker.send(Start(own, self._ignore, number))

    async def _feed(self, workers: list[Worker]) -> None:
        count = len(workers)
        window = max(LOOKAHEAD, 4 * self.settings.concurrency // count)
        # Each host's worker, remembered: its hash costs more than the lookup.
        # Bounded, since a list may hold a million hosts.
        buckets: dict[str | None, Worker] = {}
        try:
            for target in self._targets:
                host = host_of(target)
                worker = buckets.get(host)
                if worker is None:
                    if len(buckets) >= HOSTS_REMEMBERED:
                        buckets.clear()
                    worker = buckets[host] = workers[host_bucket(host, count)]
                worker.unconsumed += 1
                if worker.dead:  # its hosts' URLs are lost too, and count in the window
                    self._queue.put_nowait((worker, [worker.lost(target)]))
                else:
                    worker.held[target.index] = target
                    worker.batch.append((target.index, target.url, tuple(target.sources)))
                    if len(worker.batch) >= BATCH:
                        worker.flush()
                        await worker.process.drain()
                while worker.unconsumed >= window:
                    for other in workers:  # none waits for its batch while this one is full
                        other.flush()
                    self._credit.clear()
                    await self._credit.wait()
            for worker in workers:
                worker.flush()
                worker.send(("end",))
        finally:
            self._queue.put_nowait(None)

    async def _read(self, worker: Worker) -> None:
        try:
            while (message := await receive(worker.process.reader)) is not None:
                if message[0] == "results":
                    batch = [unpack(fields) for fields in message[1]]
                    held = worker.held
                    for result in batch:
                        given = held.pop(result.index).sources
                        if not result.sources:  # else they were masked (child.py)
                            result.sources = given
                    self._queue.put_nowait((worker, batch))
                elif message[0] == "done":
                    if message[1] and self.host_stats is not None:
                        self.host_stats.update(message[1])
                    return
        except Exception:  # a corrupt stream, or a result it was not given: not to be trusted
            worker.process.kill()
        finally:
            await self._lose(worker)

    async def _lose(self, worker: Worker) -> None:
        """The worker's stream ended: whatever it still held is lost, unless the run stopped it."""
        worker.dead = True
        if worker.held and not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(worker.process.wait(), GRACE_S)
            lost = [worker.lost(target) for target in worker.held.values()]
            worker.held.clear()
            self._queue.put_nowait((worker, lost))
        self._queue.put_nowait(None)

    async def _reap(self, workers: list[Worker]) -> None:
        """Stop every worker and wait for it; a second stop kills them at once."""
        for worker in workers:
            worker.send(("stop",))
            worker.process.close_input()
        try:
            waits = [w.process.wait() for w in workers]
            await asyncio.wait_for(asyncio.gather(*waits), GRACE_S)
        except TimeoutError:
            _kill(workers)
        except asyncio.CancelledError:
            _kill(workers)
            raise

    def unfinished(self) -> Iterator[Result]:
        """Report as ``cancelled`` every target no result was given for."""
        for target in self._targets:
            if not self._reported[target.index]:
                result = Result.for_target(target, Outcome.CANCELLED)
                self._count(result)
                yield result

    def _count(self, result: Result) -> None:
        self._reported[result.index] = 1
        self.summary.add(result)
        self.summary.duration_s = time.perf_counter() - self._started


def _kill(workers: list[Worker]) -> None:
    for worker in workers:
        worker.process.kill()
