"""Every host the frontier knows: made on first use with its configured
limits, and forgotten once idle with nothing learnt, so that a million
distinct hosts cost the hosts in play, not a million entries."""

from __future__ import annotations

from checker.hoststats import HostStats
from checker.scheduler.hosts import Host
from checker.scheduler.records import Rules

# Hosts are swept for idle entries once this many are known (and then at
# twice the survivors), so a sweep costs O(1) per new host.
_SWEEP_MIN = 1024


class HostTable:
    def __init__(self, rules: Rules) -> None:
        self._rules = rules
        self._hosts: dict[str | None, Host] = {}
        self._sweep_at = _SWEEP_MIN

    def get(self, name: str | None) -> Host | None:
        return self._hosts.get(name)

    def __len__(self) -> int:
        return len(self._hosts)

    def __call__(self, name: str | None, now: float) -> Host:
        """The host ``name`` (None: targets with no host, never limited), made if new."""
        host = self._hosts.get(name)
        if host is None:
            if len(self._hosts) >= self._sweep_at:
                self._sweep(now)
            stats = None
            if name is None:
                cap, floor = 1 << 30, 0.0
            else:
                cap, floor = self._rules.limits(name)
                if self._rules.stats is not None:
                    stats = self._rules.stats.setdefault(name, HostStats())
            host = Host(name, cap, floor, stats, self._rules.max_retry_wait)
            self._hosts[name] = host
        return host

    def _sweep(self, now: float) -> None:
        stale = [
            name
            for name, h in self._hosts.items()
            if not (h.inflight or h.queue or h.retrying) and h.plain and h.ready_at() <= now
        ]
        for name in stale:
            del self._hosts[name]
        self._sweep_at = max(_SWEEP_MIN, 2 * len(self._hosts))
