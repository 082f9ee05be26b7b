"""The per-run page cache of anchors/remote.py, alone: who reads, who waits,
and what happens when the reader is cancelled (fail-fast, Ctrl-C).

A stand-in probe, not a server: this is the cache's decision logic; the
requests themselves are tested on loopback in test_remote.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from yarl import URL

from checker.anchors.remote import RemoteAnchors
from checker.models import Outcome, Result, Target
from checker.pages import Page
from checker.scheduler import Attempted, Cause
from checker.settings import Settings


class Probe:
    """Answers every read with one HTML page, after ``gate`` opens."""

    def __init__(self) -> None:
        self.reads: list[str] = []
        self.gate = asyncio.Event()

    def limits(self, host: str) -> tuple[int, float]:
        return 10, 0.0

    async def __call__(
        self, target: Target, parsed: URL | None = None, tries: int = 1, read: Any = None
    ) -> Attempted:
        assert read is not None
        self.reads.append(str(parsed))
        await self.gate.wait()
        read.page = Page(str(parsed), 200, "text/html", '<p id="a">', None)
        result = Result.for_target(target, Outcome.OK, status=200, attempts=tries)
        return Attempted(result, Cause.ANSWERED, requests=1)


def _target(index: int, url: str) -> Target:
    return Target(index, url, ())


async def test_waiters_share_one_read_and_get_their_own_results() -> None:
    probe = Probe()
    anchors = RemoteAnchors(probe, Settings(fragments="all"))  # type: ignore[arg-type]
    urls = ["http://h.example/p#a", "http://h.example/p#b", "http://h.example/p#a"]
    tasks = [asyncio.create_task(anchors(_target(i, u), URL(u))) for i, u in enumerate(urls)]
    await asyncio.sleep(0.01)
    probe.gate.set()
    answers = await asyncio.gather(*tasks)
    assert probe.reads == ["http://h.example/p"]
    results = [a.result if isinstance(a, Attempted) else a for a in answers]
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.BROKEN, Outcome.OK]
    assert [r.index for r in results] == [0, 1, 2]
    assert [r.url for r in results] == urls
    # Only the reader's answer teaches the host; the others sent nothing.
    assert [a.requests for a in answers if isinstance(a, Attempted)] == [1, 0, 0]


async def test_a_cancelled_reader_hands_the_read_to_a_waiter() -> None:
    probe = Probe()
    anchors = RemoteAnchors(probe, Settings(fragments="all"))  # type: ignore[arg-type]
    first = asyncio.create_task(
        anchors(_target(0, "http://h.example/p#a"), URL("http://h.example/p#a"))
    )
    await asyncio.sleep(0.01)
    second = asyncio.create_task(
        anchors(_target(1, "http://h.example/p#a"), URL("http://h.example/p#a"))
    )
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.sleep(0.01)
    probe.gate.set()
    answer = await asyncio.wait_for(second, 5)
    assert first.cancelled()
    assert isinstance(answer, Attempted)
    assert answer.result.outcome is Outcome.OK
    assert probe.reads == ["http://h.example/p", "http://h.example/p"]
