"""checker/runner.py: the one run driver behind the CLI, ``check`` and ``check_sync``."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from checker import Settings, check, check_sync
from checker.models import Outcome
from checker.runner import Driver, collect
from checker.sources import Link
from checker.targets import TargetIndex
from tests.conftest import ServerThread, SlowSite


def _index(urls: list[str]) -> TargetIndex:
    index = TargetIndex()
    index.add([Link(url, "<arg>", n) for n, url in enumerate(urls, start=1)])
    return index


def test_stop_reports_every_url_once_the_unfinished_as_cancelled() -> None:
    site = SlowSite()
    with ServerThread(site.app()) as server:
        urls = [server.url("/fast"), *(server.url(f"/slow/{n}") for n in range(3))]

        async def go() -> list[tuple[str, Outcome]]:
            with _index(urls) as index:
                driver = Driver(Settings(retries=0), index)
                seen = []
                async for result in driver.results():
                    seen.append((result.url, result.outcome))
                    if result.outcome is Outcome.OK:
                        while site.in_flight < 3:
                            await asyncio.sleep(0.01)
                        driver.stop()
                assert driver.summary.total == 4
                return seen

        try:
            seen = asyncio.run(go())
        finally:
            site.released = True
    assert sorted(seen) == sorted(
        [(urls[0], Outcome.OK), *((u, Outcome.CANCELLED) for u in urls[1:])]
    )


def test_a_second_stop_while_winding_down_still_reports_everything() -> None:
    site = SlowSite()
    with ServerThread(site.app()) as server:
        urls = [server.url(f"/slow/{n}") for n in range(3)]

        async def go() -> set[Outcome]:
            with _index(urls) as index:
                driver = Driver(Settings(retries=0), index)
                task = asyncio.create_task(collect(driver))
                while site.in_flight < 3:
                    await asyncio.sleep(0.01)
                driver.stop()
                driver.stop()
                report = await task
                assert report.summary.cancelled == 3
                return {r.outcome for r in report.results}

        try:
            assert asyncio.run(go()) == {Outcome.CANCELLED}
        finally:
            site.released = True


def test_stopping_before_the_run_cancels_everything_without_a_request() -> None:
    site = SlowSite()
    with ServerThread(site.app()) as server:

        async def go() -> list[Outcome]:
            with _index([server.url("/a"), server.url("/b")]) as index:
                driver = Driver(Settings(retries=0), index)
                driver.stop()
                return [r.outcome for r in (await collect(driver)).results]

        assert asyncio.run(go()) == [Outcome.CANCELLED, Outcome.CANCELLED]
    assert site.done == []


def test_a_caller_that_is_cancelled_is_not_swallowed() -> None:
    """Only the driver's own stop becomes ``cancelled`` results; the library
    caller's cancellation goes on up."""
    site = SlowSite()
    with ServerThread(site.app()) as server:

        async def go() -> None:
            with _index([server.url("/slow/1")]) as index:
                task = asyncio.create_task(collect(Driver(Settings(retries=0), index)))
                while site.in_flight < 1:
                    await asyncio.sleep(0.01)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task

        try:
            asyncio.run(go())
        finally:
            site.released = True


def test_check_and_check_sync_apply_ignore_rules_only_when_given(tmp_path: Path) -> None:
    site = SlowSite()
    rules = [(re.compile("/page"), ".urlcheckignore:1")]
    with ServerThread(site.app()) as server:
        url = server.url("/page")
        assert check_sync([url], settings=Settings(retries=0)).results[0].outcome is Outcome.OK
        report = check_sync([url], settings=Settings(retries=0), ignore=rules)
        assert report.results[0].outcome is Outcome.EXCLUDED

        async def streamed() -> list[Outcome]:
            return [r.outcome async for r in check([url], ignore=rules)]

        assert asyncio.run(streamed()) == [Outcome.EXCLUDED]
