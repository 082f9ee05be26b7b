"""Per-host politeness: at most N requests in flight to one host.

Enforced here rather than with aiohttp's ``limit_per_host`` because a request
queued inside the connector is already under its timeout (ENGINEERING.md): a
slow host would turn our waiting into false ``timeout`` results. A slot is
taken *before* the attempt's clock starts.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class _Host:
    __slots__ = ("semaphore", "users")

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0


class HostLimiter:
    """Hosts are forgotten as soon as nobody uses them, so memory tracks the
    concurrency, not the number of distinct hosts in the input."""

    def __init__(self, per_host: int) -> None:
        self._limit = per_host
        self._hosts: dict[str, _Host] = {}

    def slot(self, host: str) -> _Slot:
        return _Slot(self, host)

    async def _acquire(self, host: str) -> None:
        entry = self._hosts.get(host)
        if entry is None:
            entry = self._hosts[host] = _Host(self._limit)
        entry.users += 1
        try:
            await entry.semaphore.acquire()
        except BaseException:
            self._leave(host, entry)
            raise

    def _release(self, host: str) -> None:
        entry = self._hosts[host]
        entry.semaphore.release()
        self._leave(host, entry)

    def _leave(self, host: str, entry: _Host) -> None:
        entry.users -= 1
        if entry.users == 0:
            del self._hosts[host]

    def __len__(self) -> int:
        return len(self._hosts)


class _Slot:
    __slots__ = ("_host", "_limiter")

    def __init__(self, limiter: HostLimiter, host: str) -> None:
        self._limiter = limiter
        self._host = host

    async def __aenter__(self) -> None:
        await self._limiter._acquire(self._host)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._limiter._release(self._host)
