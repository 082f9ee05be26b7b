"""One host's politeness and what each answer teaches about it.

A host may start a request when three things hold: fewer than ``window``
requests are in flight to it, its gap since the previous start has passed,
and it is not blocked by a ``Retry-After``. Each answer adjusts those, by
cause (docs/SCHEDULING.md has the whole picture):

* **rate limit** (429, or 503 with ``Retry-After``): block the host for the
  wait it asked for (not a floor to double past), halve its window and set
  its gap from the rate it really admitted. Refusals of requests that had
  started before the previous step are the same burst: one step in all.
* **server error** (5xx without ``Retry-After``) on a retry: raise the gap
  additively, ``SERVER_ERROR_STEP`` per burst, up to ``SERVER_ERROR_CAP`` (lychee adds
  200 ms per 5xx up to 10 s) while the errors come in a row; a normal
  answer ends the run and the step. The URL itself is retried after its
  backoff.
* **normal answer**: recover. Before any rate limit the window grows by one
  per answer, and doubles every second, from ``INITIAL_WINDOW`` (a slow start, so
  a strict host is not met with ten requests at once); after one, every
  ``RELAX_EVERY`` answers widen the window by one and shorten the gap by a
  fifth, but not below the gap at which the host last refused (plus a margin).
* **unreachable** (dns, refused, tls, connect timeout) and **silent**
  (connected, then no answer; counted once per URL, or per attempt on a
  host that has never answered): ``fails`` in a row.
  Any answer resets it. At ``dead_after`` the host is dead and its other
  URLs are reported without an attempt.
"""

from __future__ import annotations

from collections import deque
from enum import Enum
from typing import TYPE_CHECKING

from checker.hoststats import HostStats

if TYPE_CHECKING:
    from checker.models import Failure
    from checker.scheduler.records import Job

INITIAL_WINDOW = 2
RELAX_EVERY = 4
RATE_MARGIN = 1.25  # keep this much under the rate the host admitted
MIN_RATE_GAP = 0.1  # the gap after a burst refused before anything was admitted
BURST_GROWTH = 1.1  # a refusal although the gap kept was already longer than measured
TRIP_MARGIN = 1.05  # how close to the gap the host last refused the gap may relax
SERVER_ERROR_STEP = 0.2
SERVER_ERROR_CAP = 10.0
COST_WEIGHT = 0.2  # of the newest answer in the moving average of a request's time
_RECENT = 64  # start times of requests answered normally: the admitted rate
_FORGET_BELOW = 0.02  # a gap this small is no gap


class Cause(Enum):
    """What one attempt says about its host."""

    NONE = "none"  # nothing (not sent, excluded, a URL error, a disconnect)
    ANSWERED = "answered"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    UNREACHABLE = "unreachable"
    SILENT = "silent"


_HEARD = frozenset({Cause.ANSWERED, Cause.RATE_LIMITED, Cause.SERVER_ERROR})
_TIMED = frozenset({Cause.ANSWERED, Cause.SERVER_ERROR})


class Host:
    """Pacing state and queued jobs of one host (``None``: URLs with no host to spare)."""

    __slots__ = (
        "blocked_until",
        "cap",
        "cost",
        "dead",
        "fails",
        "first_start",
        "floor",
        "gap",
        "heard",
        "heavy",
        "inflight",
        "interval",
        "last_start",
        "max_gap",
        "name",
        "penalty",
        "penalty_at",
        "queue",
        "queued",
        "recent",
        "retrying",
        "since_step",
        "stats",
        "step_at",
        "timer_at",
        "trip_gap",
        "urgent",
        "window",
    )

    def __init__(
        self,
        name: str | None,
        cap: int,
        floor: float,
        stats: HostStats | None,
        max_gap: float = 60.0,
    ) -> None:
        self.name = name
        self.max_gap = max_gap  # --max-retry-wait: no learnt gap goes past it
        self.queue: deque[Job] = deque()
        self.queued = False  # in the frontier's round-robin of ready hosts
        self.heavy = False  # in the frontier's list of hosts served first
        self.urgent = False  # in the frontier's queue served before the round-robin
        self.timer_at = float("inf")  # a wake-up is set for then
        self.retrying = 0  # its jobs waiting out a retry's backoff
        self.inflight = 0
        self.cap = cap  # the configured --per-host (or [hosts] concurrency)
        self.window = cap if name is None else min(cap, INITIAL_WINDOW)
        self.floor = floor  # the configured request_interval
        self.interval = 0.0  # learnt from rate limits
        self.penalty = 0.0  # added by server errors
        self.gap = floor  # max(floor, interval) + penalty, kept up to date by _regap()
        self.penalty_at = float("-inf")
        self.last_start = float("-inf")
        self.first_start = float("inf")
        self.blocked_until = float("-inf")
        self.step_at: float | None = None  # the last rate-limit step; None: never limited
        self.since_step = 0
        self.trip_gap = 0.0  # the gap at which the host last refused: never relax below it
        self.recent: deque[float] = deque(maxlen=_RECENT)
        self.cost = 0.0  # seconds per request answered (a moving average; 0: none yet)
        self.fails = 0
        self.heard = False  # it has answered something (any status) at least once
        self.dead: Failure | None = None
        self.stats = stats

    def backlog(self) -> float:
        """Seconds its queued URLs need at best: at its full window, or at its gap
        if that is slower, and at least one request's time. The hosts with the
        longest backlog bound the run's wall time: a busy one, a paced one, or
        a slow one (a 3 s answer read late is the run's last)."""
        queued = len(self.queue)
        if not queued:
            return 0.0
        return max(queued * self.cost / self.cap, queued * self.gap, self.cost)

    def _regap(self) -> None:
        self.gap = max(self.floor, self.interval) + self.penalty

    def ready_at(self) -> float:
        """When the next request may start, window permitting."""
        return max(self.last_start + self.gap, self.blocked_until)

    def limit(self, now: float) -> int:
        """The requests that may be in flight now. In the slow start the window
        also doubles every second since the host's first request, so that slow
        first answers (or ones that never come) do not hold its other URLs back
        for long: 2, 4, 8, 16 … up to the cap."""
        if self.step_at is None and self.window < self.cap and now > self.first_start:
            return min(self.cap, self.window << min(30, int(now - self.first_start)))
        return self.window

    def can_send(self, now: float) -> bool:
        inflight = self.inflight
        if inflight >= self.window and (
            self.step_at is not None or inflight >= self.cap or inflight >= self.limit(now)
        ):
            return False
        return self.last_start + self.gap <= now and self.blocked_until <= now

    def next_send(self, now: float) -> float | None:
        """When :meth:`can_send` turns true with no request ending first, if it will."""
        at = self.ready_at()
        if self.inflight < self.limit(now):
            return at
        if self.step_at is None and self.window < self.cap and self.inflight < self.cap:
            doublings = (self.inflight // self.window).bit_length()  # window << d > inflight
            return max(at, self.first_start + doublings)
        return None  # a request in flight must end first

    @property
    def plain(self) -> bool:
        """Nothing learnt that a fresh entry would not have: safe to forget when idle."""
        return (
            self.step_at is None
            and not self.penalty
            and not self.fails
            and self.dead is None
            and self.blocked_until < self.last_start + self.gap + 1
        )

    def started(self, now: float) -> None:
        self.inflight += 1
        self.last_start = now
        self.first_start = min(self.first_start, now)
        if self.stats is not None:
            self.stats.requests += 1

    def ended(
        self,
        cause: Cause,
        started: float,
        now: float,
        wait: float | None,
        first_silence: bool,
        requests: int = 1,
        retried: bool = False,
        alone: bool = False,
    ) -> None:
        """Learn from one attempt's answer. ``wait``: the Retry-After asked, in
        seconds; ``requests``: how many the attempt sent (HEAD + GET, hops);
        ``retried``: the URL had failed before; ``alone``: nothing else was in
        flight to the host when its last request was sent."""
        self.inflight -= 1
        if cause in _TIMED:  # what a request costs: any answer, or waiting for none
            per = (now - started) / max(1, requests)
            self.cost = per if not self.cost else self.cost + COST_WEIGHT * (per - self.cost)
        if requests > 1 and self.gap:  # the gap is per request: charge the extra ones
            self.blocked_until = max(self.blocked_until, now + self.gap * (requests - 1))
        match cause:
            case Cause.ANSWERED:
                self._answered(started, requests)
            case Cause.RATE_LIMITED:
                self._rate_limited(started, now, wait, alone)
            case Cause.SERVER_ERROR:
                self.fails = 0
                # Only when a retry fails again: a 5xx that the retry fixes (a
                # cold cache, a deploy) says nothing about the host's load.
                if retried and started >= self.penalty_at:  # one step per burst
                    self.penalty = min(SERVER_ERROR_CAP, self.penalty + SERVER_ERROR_STEP)
                    self.penalty_at = now
                    self._regap()
                if self.stats is not None:
                    self.stats.server_errors += 1
            case Cause.UNREACHABLE:
                self.fails += 1
            case Cause.SILENT:
                # A host that has answered before may be slow on one URL: only
                # a timeout on another URL counts. One that never answered is
                # a black hole as far as we know: a retry's timeout counts too.
                self.fails += first_silence or not self.heard
            case Cause.NONE:
                pass
        if cause in _HEARD:
            self.heard = True
        if self.stats is not None:
            self.stats.interval_s = self.gap
            self.stats.max_interval_s = max(self.stats.max_interval_s, self.gap)
            self.stats.concurrency = self.window

    def _answered(self, started: float, requests: int) -> None:
        self.fails = 0
        self.recent.extend([started] * min(requests, _RECENT))
        if self.penalty:  # an answer ends a run of server errors
            self.penalty = 0.0
            self._regap()
        if self.step_at is None:  # slow start
            self.window = min(self.cap, self.window + 1)
            return
        self.since_step += 1
        if self.since_step >= RELAX_EVERY:
            self.since_step = 0
            self.window = min(self.cap, self.window + 1)
            relaxed = max(self.interval * 0.8, self.trip_gap * TRIP_MARGIN)
            self.interval = relaxed if relaxed >= _FORGET_BELOW else 0.0
            self._regap()

    def _rate_limited(self, started: float, now: float, wait: float | None, alone: bool) -> None:
        self.fails = 0
        if self.stats is not None:
            self.stats.throttled += 1
        window_s = wait if wait is not None and wait > 0 else 1.0
        self.blocked_until = max(self.blocked_until, now + (wait or 0.0))
        if self.step_at is not None and started < self.step_at:
            return  # the same burst: already stepped for it
        self.window = max(1, self.limit(now) // 2)  # before step_at ends the slow start
        self.step_at = now
        self.since_step = 0
        # Admitted in the host's window before the refused request was sent.
        admitted = sum(1 for t in self.recent if started - window_s <= t < started)
        self.trip_gap = max(self.floor, self.interval)
        if alone and admitted:
            # Refused with nothing else in flight: its rate, not its concurrency,
            # was over. It admits fewer than admitted + 1 a window, so the gap
            # never relaxes below window / admitted again; relaxing toward it
            # from below trips it once per step of the relaxation.
            self.trip_gap = max(self.trip_gap, window_s / admitted)
        # The rate the host let through before refusing, less a margin. If the
        # gap kept was already longer, the refusal came from a burst within an
        # attempt (redirect hops, HEAD then GET): lengthen the gap only a little.
        measured = RATE_MARGIN * window_s / admitted if admitted else MIN_RATE_GAP
        self.interval = min(self.max_gap, max(measured, BURST_GROWTH * self.interval))
        self._regap()
        if self.stats is not None:
            self.stats.rate_limit_steps += 1
