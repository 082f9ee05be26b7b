"""Replay the simulated web against the scheduler, on a simulated clock.

    python benchmarks/world_replay.py /tmp/urlcheck-bench/world/W-20000-h2000-s1 [--seed N]

``../shared/peer-bench/world/run_world.py`` measures a whole urlcheck run on
a shared machine, where CPU contention moves the wall time by 10-20 s from
one run to the next. This replays only the scheduling: the corpus
(``urls.txt``), the hosts (``world.json``) and their rules, the way
``world_server.py`` applies them, against :class:`checker.scheduler.Frontier`
with 128 slots, 10 per host, 2 retries, dead hosts after 3, and the pacing of
hops (``checker/scheduler/pacing.py``). No sockets, no sleeping: a run takes a
few seconds and gives the same figures every time for a given ``--seed``
(latency jitter and retry backoff). It leaves out CPU time, so it
under-estimates a real run by a few seconds; compare scheduling changes with
it, then confirm with run_world.py.

The probe's behaviour is modelled, not run: HEAD first, GET after a HEAD
liar's answer (and the host is get-first from then on), GET to confirm a
404/410 until 3 confirmations, one request per redirect hop, a loop seen
after two, a 503 on a flaky host's first request of each final path, and a
rate-limited host's 429 (2 in flight, 4 a second, Retry-After 1).
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from checker.models import Outcome, Result, Target
from checker.scheduler import Attempted, Cause, Frontier, Rules
from checker.scheduler.pacing import HopPacer
from checker.scheduler.records import Job

SLOTS, PER_HOST, RETRIES, DEAD_AFTER, TIMEOUT, LOOKAHEAD = 128, 10, 2, 3, 5.0, 8192


@dataclass
class Server:
    """What one host's server remembers, and counts."""

    inflight: int = 0
    admitted: deque[float] = field(default_factory=deque)
    seen_final: set[str] = field(default_factory=set)
    get_first: bool = False  # the client learnt that HEAD lies
    confirms: int = 0  # failing HEADs the client confirmed with GET
    requests: int = 0
    sent_429: int = 0
    last: float = 0.0


@dataclass
class Attempt:
    job: Job
    addr: str
    path: str
    hops: int
    pacer: HopPacer
    method: str = "HEAD"
    hop: int = 0
    sent: int = 0


class Replay:
    def __init__(self, data: str, seed: int) -> None:
        with open(f"{data}/world.json") as f:
            self.hosts = {h["addr"]: h for h in json.load(f)["hosts"]}
        with open(f"{data}/truth.json") as f:
            self.truth = json.load(f)["urls"]
        with open(f"{data}/urls.txt") as f:
            self.urls = [line.strip() for line in f if line.strip()]
        self.rnd = random.Random(seed)
        random.seed(seed + 1)  # retry.backoff's jitter
        self.servers: dict[str, Server] = {a: Server() for a in self.hosts}
        self.events: list[tuple[float, int, str, Any]] = []
        self.seq = itertools.count()
        self.now = 0.0
        self.frontier = Frontier(
            (Target(i, u, ()) for i, u in enumerate(self.urls)),
            Rules(
                retries=RETRIES,
                dead_after=DEAD_AFTER,
                lookahead=LOOKAHEAD,
                limits=lambda host: (PER_HOST, 0.0),
            ),
            lambda t: _addr(t.url),
        )
        self.reported = 0
        self.busy_s = 0.0
        self.last_by_kind: Counter[str] = Counter()

    def _at(self, delay: float, kind: str, payload: Any) -> None:
        heapq.heappush(self.events, (self.now + delay, next(self.seq), kind, payload))

    def _latency(self, addr: str) -> float:
        return float(self.hosts[addr]["latency"]) * self.rnd.uniform(0.9, 1.1)

    def start(self, job: Job) -> None:
        addr = _addr(job.target.url)
        kind, server = self.hosts[addr]["kind"], self.servers[addr]
        path = self.truth[job.target.url]["path_kind"]
        hops = int(job.target.url.split("/redir/")[1].split("/")[0]) if path == "redir" else 0
        attempt = Attempt(job, addr, path, hops, HopPacer(job.host))
        attempt.pacer.delay(addr, self.now)  # the first: paced by the frontier
        if kind == "dead":
            self._at(0.001, "done", (attempt, Cause.UNREACHABLE, None, True))
        elif kind == "blackhole":
            server.requests += 1
            self._at(TIMEOUT, "done", (attempt, Cause.SILENT, None, True))
        else:
            attempt.method = "GET" if server.get_first else "HEAD"
            self.send(attempt)

    def send(self, attempt: Attempt) -> None:
        """A request arrives now: the server decides on a 429 as world_server.py does."""
        addr = attempt.addr
        server = self.servers[addr]
        server.requests += 1
        attempt.sent += 1
        refused = False
        if self.hosts[addr]["kind"] == "rate_limited":
            while server.admitted and server.admitted[0] <= self.now - 1.0:
                server.admitted.popleft()
            refused = server.inflight >= 2 or len(server.admitted) >= 4
            if refused:
                server.sent_429 += 1
            else:
                server.admitted.append(self.now)
        server.inflight += 1
        self._at(self._latency(addr), "reply", (attempt, refused))

    def next_request(self, attempt: Attempt) -> None:
        """The attempt's next request, after the host's gap (pacing.py)."""
        self._at(attempt.pacer.delay(attempt.addr, self.now), "send", attempt)

    def reply(self, attempt: Attempt, refused: bool) -> None:
        addr, path = attempt.addr, attempt.path
        kind, server = self.hosts[addr]["kind"], self.servers[addr]
        server.inflight -= 1
        if refused:
            return self.done(attempt, Cause.RATE_LIMITED, 1.0, True)
        if kind == "head_liar" and attempt.method == "HEAD":
            server.get_first = True  # 405 refused, or GET disagreed: get-first either way
            attempt.method, attempt.hop = "GET", 0
            return self.next_request(attempt)
        if (path == "redir" and attempt.hop < attempt.hops) or (path == "loop" and attempt.hop < 1):
            attempt.hop += 1
            return self.next_request(attempt)
        if path == "loop":
            return self.done(attempt, Cause.NONE, None, False)
        final = attempt.job.target.url
        if kind == "flaky" and final not in server.seen_final:
            server.seen_final.add(final)
            return self.done(attempt, Cause.SERVER_ERROR, None, True)
        if path in ("missing", "gone") and attempt.method == "HEAD" and server.confirms < 3:
            server.confirms += 1
            attempt.method, attempt.hop = "GET", 0
            return self.next_request(attempt)
        return self.done(attempt, Cause.ANSWERED, None, False)

    def done(self, attempt: Attempt, cause: Cause, wait: float | None, retry: bool) -> None:
        self._at(0.0, "done", (attempt, cause, wait, retry))

    def finish(self, attempt: Attempt, cause: Cause, wait: float | None, retry: bool) -> None:
        job, pacer = attempt.job, attempt.pacer
        if pacer.paced:  # as driver.py hands them on
            job.paced, job.sent_at, job.alone = pacer.paced, pacer.last, pacer.alone
        result = Result.for_target(job.target, Outcome.OK, status=200, attempts=job.tries)
        reply = Attempted(result, cause, retry, wait, max(1, attempt.sent))
        if self.frontier.finish(job, reply, self.now) is not None:
            self.reported += 1
        self.last_by_kind[self.hosts[attempt.addr]["kind"]] = round(self.now, 1)
        self.servers[attempt.addr].last = self.now

    def run(self) -> float:
        free, freed = SLOTS, deque[Any]()  # the hosts whose request just ended, one a slot
        while True:
            while free:
                item = self.frontier.take(self.now, freed.popleft() if freed else None)
                if item is None:
                    break
                if isinstance(item, Result):
                    self.reported += 1
                    continue
                free -= 1
                self.start(item)
            freed.clear()
            if self.frontier.finished and not self.events:
                return self.now
            due = self.frontier.next_time()
            if self.events and (due is None or self.events[0][0] <= due or not free):
                at, _, kind, payload = heapq.heappop(self.events)
            elif due is not None:
                at, kind, payload = max(self.now, due), "", None
            else:
                return self.now
            self.busy_s += (SLOTS - free) * (at - self.now)
            self.now = at
            if kind == "reply":
                self.reply(*payload)
            elif kind == "send":
                self.send(payload)
            elif kind == "done":
                self.finish(*payload)
                free += 1
                freed.append(payload[0].job.host)


def _addr(url: str) -> str:
    return url.split("/")[2].split(":", maxsplit=1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="a world's directory (urls.txt, world.json, truth.json)")
    parser.add_argument("--seed", type=int, default=1, help="latency jitter and retry backoff")
    parser.add_argument("--tail", type=int, default=5, help="hosts listed, last to finish first")
    args = parser.parse_args()
    replay = Replay(args.data, args.seed)
    end = replay.run()
    servers = replay.servers.values()
    print(
        f"end {end:.1f} s, reported {replay.reported}/{len(replay.urls)}, "
        f"requests {sum(s.requests for s in servers)}, 429s {sum(s.sent_429 for s in servers)}, "
        f"mean slots busy {replay.busy_s / end:.1f} of {SLOTS}"
    )
    print("last answer by host kind (s):", dict(sorted(replay.last_by_kind.items())))
    tail = sorted(replay.hosts, key=lambda a: -replay.servers[a].last)[: args.tail]
    for addr in tail:
        h, s = replay.hosts[addr], replay.servers[addr]
        print(
            f"  {addr} {h['kind']}: {h['urls']} URLs, latency {h['latency']} s, "
            f"{s.requests} requests, {s.sent_429} 429s, last at {s.last:.1f} s"
        )


if __name__ == "__main__":
    main()
