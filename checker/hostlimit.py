"""Per-host politeness: at most N requests in flight to one host, a minimum
gap between the starts of its requests, and an adaptive backoff.

Enforced here rather than with aiohttp's ``limit_per_host`` because a request
queued inside the connector is already under its timeout (aiohttp starts the
request's timeout before it waits for a connection): a slow host would turn
our waiting into false ``timeout`` results. A slot is
taken, and any gap waited out, *before* the attempt's clock starts.

Backoff: a 429 or 503 doubles the host's gap (starting from
``BACKOFF_START`` when it had none, and at least what ``Retry-After`` asks),
capped by ``--max-retry-wait``; the next request waits that long after the
throttled answer. Every other answer halves the gap back toward the host's
configured ``request_interval``, which it snaps to once below
``BACKOFF_START``. Tests lower ``BACKOFF_START``, as they lower retry delays.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType

from checker import retry
from checker.hoststats import HostStats

BACKOFF_START = 1.0
THROTTLE_STATUSES = retry.RETRY_AFTER_STATUSES
# Hosts are swept for stale pacing state once this many are tracked (and
# then at twice the survivors), so the sweep costs O(1) per new host.
_SWEEP_MIN = 1024


class _Host:
    __slots__ = ("floor", "interval", "last_start", "semaphore", "stats", "users")

    def __init__(self, limit: int, floor: float, stats: HostStats | None) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0
        self.floor = floor
        self.interval = floor
        self.last_start = float("-inf")
        self.stats = stats
        if stats is not None:
            stats.interval_s = floor
            stats.max_interval_s = max(stats.max_interval_s, floor)


class HostLimiter:
    """A host with no gap to keep is forgotten as soon as nobody uses it, so
    memory tracks the concurrency plus the hosts being paced, not the number
    of distinct hosts in the input. ``stats``, when given, collects
    :class:`HostStats` for every host and is the one part that does grow."""

    def __init__(
        self,
        per_host: int,
        backoff_cap: float = 60.0,
        stats: dict[str, HostStats] | None = None,
    ) -> None:
        self._limit = per_host
        self._cap = backoff_cap
        self._hosts: dict[str, _Host] = {}
        self._sweep_at = _SWEEP_MIN
        self.stats = stats

    def slot(self, host: str, limit: int | None = None, interval: float = 0.0) -> _Slot:
        """Hold one of ``limit`` (default ``per_host``) slots of ``host``,
        starting at least ``interval`` seconds after its previous request."""
        return _Slot(self, host, limit or self._limit, interval)

    def observe(self, host: str, status: int | None, retry_after: str | None, took: float) -> None:
        """Adapt the host's gap to an attempt's answer. Call while holding its slot."""
        entry = self._hosts[host]
        stats = entry.stats
        if stats is not None:
            stats.time_s += took
        if status in THROTTLE_STATUSES:
            asked = retry.retry_after(retry_after) or 0.0
            grown = max(entry.interval * 2 or BACKOFF_START, asked)
            entry.interval = max(entry.floor, min(self._cap, grown))
            entry.last_start = time.monotonic()  # the gap counts from the refusal
            if stats is not None:
                stats.throttled += 1
        elif status is not None and entry.interval > entry.floor:
            relaxed = entry.interval / 2
            entry.interval = relaxed if relaxed >= (entry.floor or BACKOFF_START) else entry.floor
        else:
            return
        if stats is not None:
            stats.interval_s = entry.interval
            stats.max_interval_s = max(stats.max_interval_s, entry.interval)

    async def _acquire(self, host: str, limit: int, floor: float) -> None:
        entry = self._hosts.get(host)
        if entry is None:
            if len(self._hosts) >= self._sweep_at:
                self._sweep()
            stats = None if self.stats is None else self.stats.setdefault(host, HostStats())
            entry = self._hosts[host] = _Host(limit, floor, stats)
        entry.users += 1
        try:
            await entry.semaphore.acquire()
        except BaseException:
            self._leave(host, entry)
            raise
        try:
            if entry.interval:
                await _pace(entry)
        except BaseException:
            self._release(host)
            raise
        if entry.stats is not None:
            entry.stats.requests += 1

    def _release(self, host: str) -> None:
        entry = self._hosts[host]
        entry.semaphore.release()
        self._leave(host, entry)

    def _leave(self, host: str, entry: _Host) -> None:
        entry.users -= 1
        if entry.users == 0 and not entry.interval:
            del self._hosts[host]

    def _sweep(self) -> None:
        """Forget idle hosts whose gap has passed: a fresh entry would act the same,
        except that a backoff above the floor is forgotten too."""
        now = time.monotonic()
        stale = [
            host
            for host, entry in self._hosts.items()
            if not entry.users and entry.last_start + entry.interval <= now
        ]
        for host in stale:
            del self._hosts[host]
        self._sweep_at = max(_SWEEP_MIN, 2 * len(self._hosts))

    def __len__(self) -> int:
        return len(self._hosts)


async def _pace(entry: _Host) -> None:
    """Wait until ``interval`` after the host's last start. Re-checked after
    each sleep: another waiter may have started first, or the gap grown."""
    began = now = time.monotonic()
    while (wait := entry.last_start + entry.interval - now) > 0:
        await asyncio.sleep(wait)
        now = time.monotonic()
    entry.last_start = now
    if entry.stats is not None:
        entry.stats.waited_s += now - began


class _Slot:
    __slots__ = ("_host", "_interval", "_limit", "_limiter")

    def __init__(self, limiter: HostLimiter, host: str, limit: int, interval: float) -> None:
        self._limiter = limiter
        self._host = host
        self._limit = limit
        self._interval = interval

    async def __aenter__(self) -> None:
        await self._limiter._acquire(self._host, self._limit, self._interval)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._limiter._release(self._host)
