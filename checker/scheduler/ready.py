"""Which ready host the frontier serves next.

Three lines, served in this order (each only by hosts that can send now):

* **heavy** hosts, whose queued URLs need ``HEAVY_S`` or more at their full
  window: the busiest hosts bound the run's wall time, so each slot they go
  without adds to it (on the simulated web the busiest host otherwise ran at
  a third of its window and finished last);
* **first**: hosts never tried yet, and hosts whose wait just ended (a gap, a
  Retry-After, a retry's backoff). What a new host costs is unknown until it
  answers: a black hole met late, with its timeouts and retries, is the
  run's tail. A host that waited already does not wait for every other ready
  host as well (a paced host keeps its pace);
* the **round-robin** of the other ready hosts.

A host may be in the first line and the round-robin at once (a flag for each
keeps it from being in one twice); served from one, it is found unable to
send in the other and passed over.
"""

from __future__ import annotations

from collections import deque

from checker.scheduler.hosts import Host

HEAVY_S = 2.0  # a host whose backlog needs this long at full window is served first


class ReadyHosts:
    def __init__(self) -> None:
        self._first: deque[Host] = deque()
        self._round: deque[Host] = deque()
        self._heavy: list[Host] = []

    def __bool__(self) -> bool:
        return bool(self._first or self._round)

    def add(self, host: Host, front: bool = False) -> None:
        """``host`` can send now. ``front``: its wait is what kept it out."""
        if front or host.first_start == float("inf"):
            if not host.urgent:
                host.urgent = True
                self._first.append(host)
        elif not host.queued:
            host.queued = True
            self._round.append(host)  # behind every other ready host

    def pop_first(self) -> Host | None:
        if not self._first:
            return None
        host = self._first.popleft()
        host.urgent = False
        return host

    def pop(self) -> Host | None:
        """The next host of the first line, else of the round-robin."""
        if self._first:
            return self.pop_first()
        if not self._round:
            return None
        host = self._round.popleft()
        host.queued = False
        return host

    def weigh(self, host: Host) -> None:
        """Its queue or its cost changed: heavy now?"""
        if not host.heavy and host.backlog() >= HEAVY_S:
            host.heavy = True
            self._heavy.append(host)

    def heavy(self, now: float) -> Host | None:
        """A heavy host that can start a queued URL now. Those no longer heavy
        leave the list, at half the threshold so that a host near it does not
        come and go."""
        if not self._heavy:
            return None
        found = None
        dropped = False
        for host in self._heavy:
            if host.dead is not None or host.backlog() < HEAVY_S / 2:
                host.heavy = False
                dropped = True
            elif found is None and can_start(host, now):
                found = host
        if dropped:
            self._heavy = [host for host in self._heavy if host.heavy]
        return found


def can_start(host: Host, now: float) -> bool:
    return bool(host.queue) and host.dead is None and host.can_send(now)
