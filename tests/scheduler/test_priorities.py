"""Where the wall time goes on a skewed web, on the simulated clock of
test_frontier.py: the busiest host keeps its window full, and a black hole's
retries are not paid for once the host has shown it never answers."""

from __future__ import annotations

import pytest

from checker.models import Target
from checker.scheduler import Rules, frontier
from checker.scheduler.hosts import Cause, Host
from checker.scheduler.ready import HEAVY_S
from checker.scheduler.records import Job
from tests.scheduler.test_frontier import HostSpec, Sim


def _targets(hosts: list[int]) -> list[Target]:
    return [Target(i, f"http://h{h}/{i}", ()) for i, h in enumerate(hosts)]


def test_the_busiest_host_keeps_its_window_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """600 URLs of one host spread among 300 small hosts of 3 URLs each; 16
    slots, 4 per host. The big host is the run's critical path (600 URLs at 4
    in flight, 0.04 s on average each: 6 s; everything else fits in 3.7 s on
    16 slots). If it gave every 8th freed slot to the round-robin, it would get
    it back only after every small host queued before it (the queues are full,
    as in a long run: read four targets a start from the first): 1.33 x its
    own bound, against 1.13 when it keeps its slots."""
    monkeypatch.setattr(frontier, "_EAGER_AFTER", 0)
    hosts = [HostSpec(4, 0.0, "fast") for _ in range(301)]
    sim = Sim(hosts, 16, Rules(limits=lambda name: (4, 0.0)))
    small = iter([1 + k % 300 for k in range(900)])
    order = [h for _ in range(300) for h in (0, next(small), next(small), next(small), 0)]
    results, _ = sim.run(_targets(order))
    assert len(results) == 1500
    ideal = sum(0.01 + (i % 7) / 100 for i, h in enumerate(order) if h == 0) / 4
    assert sim.starts[0][-1] <= ideal * 1.2, (sim.starts[0][-1], ideal)


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


def test_a_host_met_late_is_tried_before_more_of_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A black hole listed after 1,000 URLs of 50 fast hosts: its first try
    goes before the known hosts' next URLs, so its 5 s timeouts and retries
    run alongside them, not in a tail after them."""
    monkeypatch.setattr(frontier, "_EAGER_AFTER", 0)
    hosts = [HostSpec(4, 0.0, "fast") for _ in range(50)] + [HostSpec(4, 0.0, "silent")]
    sim = Sim(hosts, 8, Rules(retries=1, limits=lambda name: (4, 0.0)))
    results, _ = sim.run(_targets([k % 50 for k in range(1000)] + [50]))
    assert len(results) == 1001
    # read four targets a start, it is met at ~1.2 s and tried then (2.9 s in round-robin)
    assert sim.starts[50][0] <= 1.5, sim.starts[50]


def test_a_host_with_a_long_queue_keeps_its_slot_while_new_hosts_arrive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A host with more queued than its window keeps the slot its request
    frees, even while new hosts keep arriving to be tried first: else it
    would get a slot only when no new host is left (a rate-limited host with
    52 URLs waited so until 29 s on the second simulated world, then met its
    limit with 40 URLs still queued)."""
    monkeypatch.setattr(frontier, "_EAGER_AFTER", 0)
    hosts = [HostSpec(4, 0.0, "fast") for _ in range(401)]
    sim = Sim(hosts, 8, Rules(limits=lambda name: (4, 0.0)))
    order = [0] * 40 + list(range(1, 401))
    results, end = sim.run(_targets(order))
    assert len(results) == 440
    # While more than its window is queued it keeps its slots (at 2 in flight,
    # its slow start, 0.7 s for 36 URLs); the new hosts take ~2 s. (Its last
    # few, under its window, take their turn with the rest.)
    assert sim.starts[0][-4] < end / 2, (sim.starts[0], end)


def test_a_slow_host_with_one_url_queued_is_heavy() -> None:
    """Its one URL needs a whole slow answer: it goes first, not into the
    round-robin's tail. A 5xx answer tells the time as well as a 200."""
    for cause in (Cause.ANSWERED, Cause.SERVER_ERROR):
        host = Host("h", 10, 0.0, None)
        host.started(0.0)
        host.ended(cause, 0.0, 2.5, None, False)
        assert host.backlog() == 0.0  # nothing queued
        host.queue.append(Job(Target(0, "http://h/0", ()), host))
        assert host.backlog() >= HEAVY_S
