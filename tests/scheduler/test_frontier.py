"""The frontier's invariants, on a simulated clock (no sockets, no sleeping).

A small discrete-event simulation plays a worker pool of ``concurrency``
slots against :class:`Frontier`: each attempt lasts a time its host's kind
decides and answers with that kind's cause. Hypothesis draws the host mix,
limits, intervals, failures, retries and lookahead; every run must keep:

* no host over its limit, and no two starts on a host closer than its interval;
* no slot idle while a check could start (take() said no, and indeed no
  queued host can send and the lookahead is full or the input read);
* every target reported exactly once;
* a dead host costs at most ``dead_after`` + its in-flight attempts.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.scheduler import Attempted, Cause, Frontier, Rules
from checker.scheduler.hosts import Host
from checker.scheduler.records import Job

KINDS = ("fast", "slow", "limited", "flaky", "dead", "silent")


@dataclass
class HostSpec:
    cap: int
    floor: float
    kind: str


@dataclass
class Sim:
    hosts: list[HostSpec]
    concurrency: int
    rules: Rules
    starts: dict[int, list[float]] = field(default_factory=dict)
    attempts: Counter[int] = field(default_factory=Counter)
    served: Counter[int] = field(default_factory=Counter)  # per host: answers given

    def host_of(self, target: Target) -> str:
        return target.url.split("/")[2]

    def reply(self, job: Job, host: int) -> tuple[float, Attempted]:
        kind = self.hosts[host].kind
        target = job.target
        self.served[host] += 1
        if kind == "dead":
            fail = Failure(ErrorKind.CONNECT, "refused")
            result = Result.for_target(target, Outcome.ERROR, error=fail, attempts=job.tries)
            return 0.001, Attempted(result, Cause.UNREACHABLE)
        if kind == "silent":
            fail = Failure(ErrorKind.TIMEOUT, "no answer")
            result = Result.for_target(target, Outcome.ERROR, error=fail, attempts=job.tries)
            return 5.0, Attempted(result, Cause.SILENT, retryable=True)
        if kind == "limited" and self.served[host] % 3 == 0:
            result = Result.for_target(target, Outcome.BROKEN, status=429, attempts=job.tries)
            return 0.05, Attempted(result, Cause.RATE_LIMITED, retryable=True, wait=1.0)
        if kind == "flaky" and job.tries == 1:
            result = Result.for_target(target, Outcome.BROKEN, status=503, attempts=job.tries)
            return 0.05, Attempted(result, Cause.SERVER_ERROR, retryable=True)
        duration = 2.0 if kind == "slow" else 0.01 + (target.index % 7) / 100
        result = Result.for_target(target, Outcome.OK, status=200, attempts=job.tries)
        return duration, Attempted(result, Cause.ANSWERED)

    def run(self, targets: list[Target]) -> tuple[list[Result], float]:
        frontier = Frontier(iter(targets), self.rules, self.host_of)
        running: list[tuple[float, int, Job, Attempted]] = []
        seq = itertools.count()
        inflight: Counter[int] = Counter()
        results: list[Result] = []
        now = 0.0
        prefer = None  # the host whose request just ended: its slot may stay with it
        for _ in range(5_000):
            while len(running) < self.concurrency:
                item = frontier.take(now, prefer)
                prefer = None
                if item is None:
                    self.assert_nothing_could_start(frontier, now)
                    break
                if isinstance(item, Result):
                    results.append(item)
                    continue
                host = int(self.host_of(item.target)[1:])
                inflight[host] += 1
                assert inflight[host] <= self.hosts[host].cap, "host over its limit"
                starts = self.starts.setdefault(host, [])
                if starts:
                    assert now - starts[-1] >= self.hosts[host].floor - 1e-9, "interval broken"
                starts.append(now)
                self.attempts[host] += 1
                took, reply = self.reply(item, host)
                heapq.heappush(running, (now + took, next(seq), item, reply))
            if frontier.finished:
                assert not running
                return results, now
            due = frontier.next_time()
            full = len(running) >= self.concurrency  # a wake-up would find no free slot
            if running and (due is None or running[0][0] <= due or full):
                now, _, job, reply = heapq.heappop(running)
                inflight[int(self.host_of(job.target)[1:])] -= 1
                prefer = job.host
                if (result := frontier.finish(job, reply, now)) is not None:
                    results.append(result)
            else:
                assert due is not None, "nothing running, nothing due, and not finished"
                now = max(now, due)
        raise AssertionError("the simulation did not end")

    def assert_nothing_could_start(self, frontier: Frontier, now: float) -> None:
        for spec in range(len(self.hosts)):
            host = frontier.host(f"h{spec}")
            if host is not None and host.queue and host.dead is None:
                assert not host.can_send(now), "a ready check was left waiting"
        source_open = frontier._source is not None
        assert not source_open or frontier.buffered >= self.rules.lookahead


host_specs = st.builds(
    HostSpec,
    cap=st.integers(1, 4),
    floor=st.sampled_from([0.0, 0.0, 0.05, 0.5]),
    kind=st.sampled_from(KINDS),
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    hosts=st.lists(host_specs, min_size=1, max_size=6),
    picks=st.lists(st.integers(0, 5), max_size=60),
    concurrency=st.integers(1, 8),
    retries=st.integers(0, 2),
    dead_after=st.integers(0, 3),
    lookahead=st.integers(1, 40),
)
def test_frontier_invariants(
    hosts: list[HostSpec],
    picks: list[int],
    concurrency: int,
    retries: int,
    dead_after: int,
    lookahead: int,
) -> None:
    targets = [Target(i, f"http://h{p % len(hosts)}/{i}", ()) for i, p in enumerate(picks)]
    rules = Rules(
        retries=retries,
        max_retry_wait=3.0,
        dead_after=dead_after,
        lookahead=lookahead,
        limits=lambda name: (hosts[int(name[1:])].cap, hosts[int(name[1:])].floor),
    )
    sim = Sim(hosts, concurrency, rules)
    results, _ = sim.run(targets)
    assert sorted(r.index for r in results) == [t.index for t in targets], "each target once"
    for i, spec in enumerate(hosts):
        if spec.kind == "dead" and dead_after:
            assert sim.attempts[i] <= dead_after + spec.cap - 1
    for result in results:
        if result.error is not None and "not tried" in result.error.message:
            assert result.attempts == 0
            assert result.error.message.startswith(f"host unreachable: {dead_after} earlier")


def _targets(hosts: list[int]) -> list[Target]:
    return [Target(i, f"http://h{h}/{i}", ()) for i, h in enumerate(hosts)]


def test_a_slow_host_does_not_hold_back_a_fast_one() -> None:
    """100 slow URLs listed first, then 100 fast: the fast host finishes at its own pace."""
    hosts = [HostSpec(2, 0.0, "slow"), HostSpec(2, 0.0, "fast")]
    rules = Rules(limits=lambda name: (2, 0.0))
    sim = Sim(hosts, 8, rules)
    finished: dict[int, float] = {}
    results, end = sim.run(_targets([0] * 100 + [1] * 100))
    assert len(results) == 200
    del finished
    # The fast host (2 in flight, <= 0.07 s each) needs at most 100 / 2 * 0.07 = 3.5 s;
    # it got its two slots all along although six of eight were free for the slow host.
    assert sim.starts[1][-1] < 4.0
    assert end >= 100 / 2 * 2.0  # the slow host took its own 100 s


def test_hosts_are_served_round_robin() -> None:
    """Ready hosts take turns: the first starts alternate among them."""
    hosts = [HostSpec(10, 0.0, "fast") for _ in range(3)]
    frontier = Frontier(
        iter(_targets([0] * 5 + [1] * 5 + [2] * 5)),
        Rules(limits=lambda name: (10, 0.0)),
        lambda t: t.url.split("/")[2],
    )
    del hosts
    order = []
    while isinstance(job := frontier.take(0.0), Job):
        order.append(job.target.url.split("/")[2])
    assert order[:6] == ["h0", "h0", "h1", "h1", "h2", "h2"]  # the slow start: 2 each at once


def test_input_order_is_kept_within_a_host() -> None:
    rules = Rules(limits=lambda name: (1, 0.0))
    sim = Sim([HostSpec(1, 0.0, "fast"), HostSpec(1, 0.0, "fast")], 4, rules)
    targets = _targets([0, 1, 0, 1, 0, 0, 1])
    frontier = Frontier(iter(targets), rules, sim.host_of)
    started: list[int] = []
    now = 0.0
    while not frontier.finished:
        item = frontier.take(now)
        if isinstance(item, Job):
            started.append(item.target.index)
            _, reply = sim.reply(item, int(item.target.url.split("/")[2][1:]))
            frontier.finish(item, reply, now)
        now += 0.1
    assert [i for i in started if targets[i].url.startswith("http://h0")] == [0, 2, 4, 5]
    assert [i for i in started if targets[i].url.startswith("http://h1")] == [1, 3, 6]


def test_the_frontier_can_grow_during_the_run() -> None:
    rules = Rules(limits=lambda name: (4, 0.0))
    frontier = Frontier(iter(_targets([0, 0])), rules, lambda t: t.url.split("/")[2])
    frontier.producers += 1  # a crawl still running
    jobs = [frontier.take(0.0), frontier.take(0.0)]
    assert frontier.take(0.0) is None
    assert not frontier.finished
    for job in jobs:
        assert isinstance(job, Job)
        frontier.finish(job, Result.for_target(job.target, Outcome.OK), 0.1)
    assert not frontier.finished, "a producer is still open"
    frontier.add(Target(2, "http://h1/found", ()), 0.2)
    frontier.producers -= 1
    job = frontier.take(0.2)
    assert isinstance(job, Job)
    assert job.target.index == 2
    frontier.finish(job, Result.for_target(job.target, Outcome.OK), 0.3)
    assert frontier.finished


def test_forgotten_hosts_keep_memory_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """500 distinct hosts, each idle after its URL: the table stays near the sweep size."""
    from checker.scheduler import hosttable as module

    monkeypatch.setattr(module, "_SWEEP_MIN", 8)
    frontier = Frontier(
        iter(_targets(list(range(500)))),
        Rules(lookahead=4, limits=lambda name: (2, 0.0)),
        lambda t: t.url.split("/")[2],
    )
    done = 0
    while (item := frontier.take(0.0)) is not None:
        assert isinstance(item, Job)
        frontier.finish(item, Result.for_target(item.target, Outcome.OK), 0.0)
        done += 1
        assert len(frontier._hosts) <= 2 * 8 + 4
    assert done == 500
    assert frontier.finished


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    cap=st.integers(1, 10),
    floor=st.sampled_from([0.0, 0.25]),
    answers=st.lists(
        st.tuples(
            st.sampled_from(list(Cause)),
            st.floats(0, 5),  # how long the request took
            st.one_of(st.none(), st.floats(0, 1e308), st.just(float("inf"))),  # Retry-After
            st.integers(1, 12),  # requests the attempt sent
        ),
        max_size=60,
    ),
)
def test_a_host_stays_sane_whatever_it_answers(
    cap: int, floor: float, answers: list[tuple[Cause, float, float | None, int]]
) -> None:
    """Hostile answers (any cause, any Retry-After, huge hop counts) never push a
    host outside its configured window, below its interval, or to a gap past
    the caps; the frontier caps a Retry-After by --max-retry-wait first."""
    host = Host("h", cap, floor, None, max_gap=60.0)
    now = 0.0
    for cause, took, wait, requests in answers:
        host.started(now)
        now += took
        capped = None if wait is None else min(wait, 60.0)
        host.ended(cause, now - took, now, capped, True, requests)
        assert 1 <= host.window <= cap
        assert floor <= host.gap <= max(floor, 60.0) + 10.0  # learnt gap + 5xx penalty caps
        assert host.blocked_until <= now + (60.0 + 10.0) * 11  # finite: never for ever
        assert host.inflight == 0
