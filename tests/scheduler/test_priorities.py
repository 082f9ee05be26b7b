"""Where the wall time goes on a skewed web, on the simulated clock of
test_frontier.py: the busiest host keeps its window full, and a black hole's
retries are not paid for once the host has shown it never answers."""

from __future__ import annotations

import pytest

from checker.models import Target
from checker.scheduler import Rules, frontier
from checker.scheduler.hosts import Cause, Host
from tests.scheduler.test_frontier import HostSpec, Sim


def _targets(hosts: list[int]) -> list[Target]:
    return [Target(i, f"http://h{h}/{i}", ()) for i, h in enumerate(hosts)]


def test_the_busiest_host_keeps_its_window_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """400 URLs of one host interleaved with 400 one-URL hosts, 8 slots, 4 per
    host. The big host is the run's critical path: 400 URLs at 4 in flight and
    0.04 s on average each need 4 s. Handing every 8th of its freed slots to
    the round-robin would send it behind every small host queued before it
    gets the slot back, for each of them (the queues are full, as in a long
    run: read four targets a start from the first)."""
    monkeypatch.setattr(frontier, "_EAGER_AFTER", 0)
    hosts = [HostSpec(4, 0.0, "fast")] + [HostSpec(4, 0.0, "fast") for _ in range(400)]
    rules = Rules(limits=lambda name: (4, 0.0))
    sim = Sim(hosts, 8, rules)
    order = [h for i in range(400) for h in (0, i + 1)]
    results, _ = sim.run(_targets(order))
    assert len(results) == 800
    ideal = sum(0.01 + (i % 7) / 100 for i in range(0, 800, 2)) / 4
    assert sim.starts[0][-1] <= ideal * 1.3  # 1.41 when it gave every 8th slot away


def test_a_host_that_never_answered_counts_every_timeout() -> None:
    """A black hole with two URLs and 2 retries: both URLs time out, then the
    first retry's timeout is the third failure in a row and gives the host
    up; the other retry, already running, is its URL's last attempt. Four
    attempts of 5 s, not six (a timeout on one URL counted only once)."""
    sim = Sim([HostSpec(2, 0.0, "silent")], 4, Rules(retries=2, dead_after=3))
    results, _ = sim.run(_targets([0, 0]))
    assert len(results) == 2
    assert sim.attempts[0] == 4


def test_a_host_that_answered_before_counts_a_timeout_once_per_url() -> None:
    """The same timeouts on a host that answered before: a slow URL, not a dead
    host, so its retries are all made and nothing is given up."""
    host = Host("h0", 2, 0.0, None)
    host.started(0.0)
    host.ended(Cause.ANSWERED, 0.0, 0.1, None, False)
    for first in (True, False, False):  # one URL, timed out three times
        host.started(1.0)
        host.ended(Cause.SILENT, 1.0, 6.0, None, first)
    assert host.fails == 1
    fresh = Host("h1", 2, 0.0, None)
    for first in (True, False, False):
        fresh.started(1.0)
        fresh.ended(Cause.SILENT, 1.0, 6.0, None, first)
    assert fresh.fails == 3
