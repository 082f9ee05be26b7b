"""Pacing the requests inside one attempt: HEAD then GET, and redirect hops.

The frontier paces an attempt's first request (hosts.py: window, gap,
Retry-After). An attempt may send more to the same host: the GET after a
HEAD, each hop of a redirect chain. A host's rate limit counts every one of
them, so they keep the host's gap too: sent back to back, a chain of three
hops to a host that admits 4 requests a second is refused on its last hop,
and so is every retry of it.

The driver sets :data:`PACER` for the attempt it runs (a context variable: it
reaches the probe through the check's calls, in the same task); the probe
asks it before each request. It waits only for the attempt's own host, and
only when that host has a gap; the wait is not under the request's timeout
(the probe extends the deadline by it).
"""

from __future__ import annotations

from contextvars import ContextVar

from checker.scheduler.hosts import Host

HOP_WAIT_CAP = 2.0


class HopPacer:
    """The pacing of one attempt's requests to its host."""

    __slots__ = ("alone", "host", "last", "paced", "sent")

    def __init__(self, host: Host) -> None:
        self.host = host
        self.sent = 0  # requests the attempt asked about
        self.paced = 0  # of those, later requests to its own host
        self.last = 0.0  # when the last of those was sent (0: none was)
        self.alone = False  # nothing else was in flight to the host then

    def delay(self, name: str | None, now: float) -> float:
        """Seconds to wait before the attempt's next request, to host ``name``.

        The time is claimed at once, as the host's last start: the frontier
        starts nothing else on the host until a gap after it, so a hop and a
        new attempt never both go at the end of the same gap."""
        self.sent += 1
        host = self.host
        if self.sent == 1 or name != host.name:
            return 0.0  # the first was paced by the frontier; another host is not this one's
        # A longer block (a Retry-After another attempt met) is the frontier's to
        # keep: this attempt, already under way, does not hold its slot for it.
        wait = min(HOP_WAIT_CAP, max(0.0, host.ready_at() - now))
        at = now + wait
        host.last_start = max(host.last_start, at)
        host.recent.append(at)  # the host let the request before it through
        self.paced += 1
        self.last = at
        self.alone = host.inflight <= 1  # this attempt's own
        return wait


PACER: ContextVar[HopPacer | None] = ContextVar("urlcheck_hop_pacer", default=None)
