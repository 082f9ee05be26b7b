"""The frontier: which check may start now, on which host, and what happens after.

Targets wait in per-host queues; :meth:`Frontier.take` hands out a job only
when its host can send now (hosts.py), serving the ready hosts in the order of ready.py,
and a job holds a global slot only while its request runs. A retry is
re-queued with a not-before time, at the front of its host's queue, never
slept on by a worker. Input order is kept within a host.

Pure and synchronous, with the clock passed in: driver.py runs it on the
event loop, and the property tests run it on a simulated clock.

Memory: targets are read from the input one ahead of each start, and more
only when no ready host has work; at most ``lookahead`` of them wait in the
queues (docs/SCHEDULING.md measures why that bound, not an on-disk queue, is
enough). Idle hosts with nothing learnt are forgotten (hosttable.py), so a
million distinct hosts cost the lookahead, not a million entries.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterator

from checker import retry
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.scheduler.hosts import Cause, Host
from checker.scheduler.hosttable import HostTable
from checker.scheduler.ready import ReadyHosts, can_start
from checker.scheduler.records import Attempted, Job, Rules

_EAGER_AFTER = 1024  # takes before reading ahead four at a time
_SHARE = 8


class Frontier:
    def __init__(
        self,
        targets: Iterator[Target],
        rules: Rules,
        host_of: Callable[[Target], str | None],
    ) -> None:
        self._source: Iterator[Target] | None = targets
        # A growing input, read again when it says it has more (grown()).
        self._feed = targets if rules.on_grow is not None else None
        self._rules = rules
        self._host_of = host_of
        self._hosts = HostTable(rules)
        self._ready = ReadyHosts()  # hosts that may send now, in serving order
        self._timers: list[tuple[float, int, Host | Job]] = []
        self._seq = itertools.count()
        self._settled: deque[Result] = deque()  # reported without an attempt
        self.buffered = 0  # jobs queued, retries waiting included
        self.inflight = 0
        self._takes = 0
        self.producers = 0  # open add() callers: the run is not over while > 0
        self.closed = False

    # --- the run's state ------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.closed or (
            self._source is None
            and not self.producers
            and not self.buffered
            and not self.inflight
            and not self._settled
        )

    def has_work(self, now: float) -> bool:
        """True if :meth:`take` might return something now."""
        if self.closed:
            return False
        if self._settled or self._ready:
            return True
        if self._timers and self._timers[0][0] <= now:
            return True
        return self._source is not None and self.buffered < self._rules.lookahead

    def next_time(self) -> float | None:
        """When a waiting host or retry becomes due, if any is."""
        return self._timers[0][0] if self._timers else None

    def host(self, name: str | None) -> Host | None:
        return self._hosts.get(name)

    # --- growing --------------------------------------------------------------------

    def add(self, target: Target, now: float) -> None:
        """A target found during the run (a crawl): queued like one read from the input."""
        self._admit(target, now)

    def grown(self) -> None:
        """The growing input has more: read it again (a dry read had let it go)."""
        if self._feed is not None and not self.closed:
            self._source = self._feed

    def end_input(self) -> None:
        self._source = None

    def close(self) -> None:
        """Start nothing more (fail-fast); what is in flight is the caller's to cancel."""
        self.closed = True

    # --- taking and finishing -------------------------------------------------------

    def take(self, now: float, prefer: Host | None = None) -> Job | Result | None:
        """The next job to attempt, or a result to report without one, or None.

        ``prefer``: the host whose request just ended in this slot. A heavy
        host keeps it (ready.py); else the heavy hosts, then hosts never tried
        or whose wait just ended, go first. Then the slot mostly stays with
        ``prefer`` if it can send again (a busy host keeps its window full,
        never more), and every ``_SHARE``-th goes to the round-robin, so that
        hosts met later are not starved.
        """
        if self.closed:
            return None
        self._fire(now)
        self._read_ahead(now)
        if self._settled:
            return self._settled.popleft()
        if (
            prefer is not None
            and (prefer.heavy or len(prefer.queue) >= prefer.cap)
            and can_start(prefer, now)
        ):
            return self._start(prefer, now)
        if (host := self._ready.heavy(now)) is not None:
            return self._start(host, now)
        while (host := self._ready.pop_first()) is not None:
            if can_start(host, now):
                return self._start(host, now)
            self._park(host, now)
        if prefer is not None and self._takes % _SHARE and can_start(prefer, now):
            return self._start(prefer, now)
        while True:
            if self._settled:
                return self._settled.popleft()
            while (host := self._ready.pop()) is not None:
                if can_start(host, now):
                    return self._start(host, now)
                self._park(host, now)
            if not self._pull(now):
                return None

    def finish(self, job: Job, reply: Result | Attempted, now: float) -> Result | None:
        """Record an attempt's end; the result to report, or None if it is retried."""
        host = job.host
        self.inflight -= 1
        if host.stats is not None:
            host.stats.time_s += now - job.started
        if isinstance(reply, Result):
            reply = Attempted(reply)
        silent = reply.cause is Cause.SILENT
        wait = None if reply.wait is None else min(reply.wait, self._rules.max_retry_wait)
        first_silence = silent and not job.silent
        started, requests = job.started, reply.requests
        if job.paced:  # its later requests kept the gap already (pacing.py)
            requests = max(1, requests - job.paced)
            if reply.cause is Cause.RATE_LIMITED:
                started = job.sent_at  # the refused one: the rate is measured before it
        host.ended(
            reply.cause, started, now, wait, first_silence, requests, job.tries > 1, job.alone
        )
        job.silent = job.silent or silent
        if host.dead is None and self._rules.dead_after and host.fails >= self._rules.dead_after:
            error = reply.result.error
            host.dead = Failure(
                error.kind if error is not None else ErrorKind.CONNECT,
                f"host unreachable: {host.fails} earlier attempts failed; not tried",
            )
            self._bury(host)
        result: Result | None = reply.result
        if reply.retryable and job.tries <= self._rules.retries and host.dead is None:
            job.last, job.tries = reply.result, job.tries + 1
            host.retrying += 1
            self._later(self._retry_wait(job.tries - 1, reply), job, now)
            result = None
        else:
            self.buffered -= 1
            self._count(host, reply.result)
        self._ready.weigh(host)
        self._wake(host, now)
        return result

    # --- inside ---------------------------------------------------------------------

    def _retry_wait(self, attempt: int, reply: Attempted) -> float:
        cap = self._rules.max_retry_wait
        if reply.cause is Cause.RATE_LIMITED and reply.wait is not None:
            return min(cap, reply.wait)  # what the host asked for, not a floor to double
        return retry.backoff(attempt, cap, self._rules.retry_wait)

    def _start(self, host: Host, now: float) -> Job:
        job = host.queue.popleft()
        job.started = now
        job.alone = not host.inflight
        host.started(now)
        if host.stats is not None:
            host.stats.waited_s += now - job.queued_at
        self.inflight += 1
        if not host.queue:
            pass
        elif host.can_send(now):
            self._ready.add(host)  # behind every other ready host, unless never tried
        else:
            self._park(host, now)
        return job

    def _park(self, host: Host, now: float) -> None:
        """A host that cannot send now: wake it by time, or when a request ends."""
        if not host.queue or host.dead is not None:
            return
        at = host.next_send(now)
        if at is not None and now < at < host.timer_at:
            host.timer_at = at
            heapq.heappush(self._timers, (at, next(self._seq), host))
        # else a request in flight must end first, and finish() wakes the host

    def _wake(self, host: Host, now: float, front: bool = False) -> None:
        """Ready ``host`` if it can send, else park it. ``front``: its wait is
        what kept it out (a gap, a Retry-After, a retry's backoff)."""
        if not host.queue:
            return
        if host.can_send(now):
            self._ready.add(host, front)
        else:
            self._park(host, now)

    def _later(self, at_delay: float, job: Job, now: float) -> None:
        heapq.heappush(self._timers, (now + at_delay, next(self._seq), job))

    def _fire(self, now: float) -> None:
        timers = self._timers
        while timers and timers[0][0] <= now:
            _, _, item = heapq.heappop(timers)
            if isinstance(item, Host):
                item.timer_at = float("inf")
                self._wake(item, now, front=True)
            else:  # a retry come due: first in its host's queue
                host = item.host
                host.retrying -= 1
                if host.dead is not None:
                    self._settle(item)
                else:
                    item.queued_at = now
                    host.queue.appendleft(item)
                    self._wake(host, now, front=True)

    def _read_ahead(self, now: float) -> None:
        """Read beyond need: the queues fill toward the lookahead as checks
        start, so hosts further down the input (a dead one, a slow one) are met
        early, not only once the hosts before them run dry. One target a start
        at first (the first results come before much is read), then four."""
        self._takes += 1
        if self._settled:  # results made without an attempt first: they are held, not queued
            return
        ahead = 1 if self._takes < _EAGER_AFTER else 4
        while ahead and self._source is not None and self.buffered < self._rules.lookahead:
            ahead -= 1
            target = next(self._source, None)
            if target is None:
                self._source = None
            else:
                self._admit(target, now)

    def _pull(self, now: float) -> bool:
        """Read the input until a host can send, the lookahead is full, or it ends."""
        source = self._source
        if source is None:
            return False
        while self.buffered < self._rules.lookahead:
            target = next(source, None)
            if target is None:
                self._source = None
                return bool(self._ready or self._settled)
            self._admit(target, now)
            if self._ready or self._settled:
                return True
        return False

    def _admit(self, target: Target, now: float) -> None:
        """Queue a target for its host, unless its result is known without
        an attempt (the store's, ``Rules.answer``): that one takes no slot,
        waits for no gap, and counts as no request."""
        answer = self._rules.answer
        if answer is not None and (result := answer(target)) is not None:
            self._settled.append(result)
            return
        self._enqueue(Job(target, self._hosts(self._host_of(target), now)), now)

    def _enqueue(self, job: Job, now: float) -> None:
        self.buffered += 1
        host = job.host
        if host.dead is not None:
            self._settle(job)
            return
        job.queued_at = now
        host.queue.append(job)
        self._ready.weigh(host)
        self._wake(host, now)

    def _bury(self, host: Host) -> None:
        while host.queue:
            self._settle(host.queue.popleft())

    def _settle(self, job: Job) -> None:
        """Report a job of a dead host: its own last failure if it had one, else not tried."""
        host = job.host
        assert host.dead is not None
        self.buffered -= 1
        if job.last is not None:
            result = job.last
        else:
            result = Result.for_target(job.target, Outcome.ERROR, error=host.dead, attempts=0)
            if host.stats is not None:
                host.stats.not_tried += 1
            if self._rules.judge is not None:  # before a stop rule (first-exception) sees it
                result = self._rules.judge(result)
        self._count(host, result)
        self._settled.append(result)

    def _count(self, host: Host, result: Result) -> None:
        if host.stats is not None:
            host.stats.count(result.outcome)
