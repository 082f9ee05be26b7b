"""The library API: the same engine as the CLI, as an async iterator and a sync helper."""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import checker
from checker import Outcome, Report, Settings, check, check_sync
from checker.sources import SourceError
from tests.conftest import ServerThread, SlowSite


async def handler(request: web.BaseRequest) -> web.StreamResponse:
    if request.path.startswith("/missing"):
        return web.Response(status=404)
    return web.Response()


async def test_check_yields_one_result_per_unique_url(
    aiohttp_raw_server: Any, tmp_path: Path
) -> None:
    server = await aiohttp_raw_server(handler)
    ok, missing = str(server.make_url("/ok")), str(server.make_url("/missing"))
    source = tmp_path / "urls.txt"
    source.write_text(f"{ok}\n{missing}\n")
    settings = Settings(retries=0, strategy="gather")  # type: ignore[arg-type]
    results = [r async for r in check([ok], sources=[str(source)], settings=settings)]
    assert [(r.url, r.outcome, r.status) for r in results] == [
        (ok, Outcome.OK, 200),
        (missing, Outcome.BROKEN, 404),
    ]
    assert [(s.path, s.line) for s in results[0].sources] == [("<arg>", 1), (str(source), 1)]


def test_check_sync_returns_the_report(tmp_path: Path) -> None:
    site = SlowSite()
    with ServerThread(site.app()) as server:
        urls = [server.url("/a"), server.url("/fail"), "not a url", server.url("/a")]
        report = check_sync(urls, settings=Settings(retries=0))
    assert isinstance(report, Report)
    assert report.ok is False
    summary = report.summary
    assert (summary.total, summary.ok, summary.broken, summary.error) == (3, 1, 1, 1)
    assert len(report.results) == 3
    document = report.to_dict()
    assert document["summary"]["total"] == 3
    assert {r["outcome"] for r in document["results"]} == {"ok", "broken", "error"}


def test_check_sync_all_ok_is_ok() -> None:
    site = SlowSite()
    with ServerThread(site.app()) as server:
        report = check_sync([server.url("/x")])
    assert report.ok
    assert report.summary.ok == 1


def test_an_unreadable_source_raises_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        check_sync(sources=[str(tmp_path / "missing.txt")])


async def test_stopping_early_stops_the_checks(aiohttp_raw_server: Any) -> None:
    """A consumer that breaks off leaves no request running and no task behind."""
    abandoned = 0
    release = asyncio.Event()

    arrived = 0

    async def slow(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal abandoned, arrived
        if request.path == "/fast":
            return web.Response()
        arrived += 1
        try:
            await asyncio.wait_for(release.wait(), 10)
        except asyncio.CancelledError:
            abandoned += 1
            raise
        return web.Response()

    server = await aiohttp_raw_server(slow)
    urls = [str(server.make_url("/fast"))] + [str(server.make_url(f"/slow/{n}")) for n in range(3)]
    try:
        async with contextlib.aclosing(check(urls, settings=Settings(retries=0))) as results:
            async for result in results:
                assert result.url == urls[0]
                # A new host starts at 2 requests in flight, doubled every second
                # (docs/SCHEDULING.md): wait until all 3 slow ones are in.
                for _ in range(500):
                    if arrived == 3:
                        break
                    await asyncio.sleep(0.01)
                break
        assert not [t for t in asyncio.all_tasks() if _ours(t)], "checks left running"
        for _ in range(200):
            if abandoned == 3:
                break
            await asyncio.sleep(0.01)
        assert abandoned == 3
    finally:
        release.set()


def _ours(task: asyncio.Task[Any]) -> bool:
    """A task running checker code (the server's handlers share this loop)."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(str(Path(checker.__file__).parent))


def test_all_public_names_are_exported() -> None:
    for name in checker.__all__:
        assert getattr(checker, name) is not None, name
    with pytest.raises(AttributeError):
        checker.no_such_name  # noqa: B018


def test_importing_checker_does_not_import_aiohttp() -> None:
    """``import checker`` stays light; the heavy stack loads on first use."""
    code = "import sys, checker; print('aiohttp' in sys.modules, 'pydantic' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.split() == ["False", "False"], done.stderr


# Raised from CPython's default, never lowered, and left off when the caller turned it off.
@pytest.mark.parametrize(
    ("before", "expected_young"),
    [((700, 10, 10), 10_000), ((0, 10, 10), 0), ((50_000, 5, 5), 50_000)],
)
def test_run_loop_widens_the_young_gc_generation_only_while_it_runs(
    before: tuple[int, int, int], expected_young: int
) -> None:
    import gc

    from checker.api import run_loop

    async def inside() -> tuple[int, int, int]:
        return gc.get_threshold()

    saved = gc.get_threshold()
    gc.set_threshold(*before)
    try:
        during = run_loop(inside())
        after = gc.get_threshold()
    finally:
        gc.set_threshold(*saved)
    assert during == (expected_young, *before[1:])
    assert after == before


# --- .urlcheckignore: the library reads none unless it is given one (README) ------


@pytest.fixture
def page_site() -> ServerThread:
    from aiohttp import web

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/page", page)
    return ServerThread(app)


def test_library_ignores_a_urlcheckignore_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page_site: ServerThread
) -> None:
    (tmp_path / ".urlcheckignore").write_text("127\\.0\\.0\\.1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with page_site:
        report = check_sync([page_site.url("/page")], settings=Settings(retries=0))
    assert [r.outcome for r in report.results] == [Outcome.OK]


def test_run_applies_ignore_rules_it_is_given(page_site: ServerThread) -> None:
    from checker.api import run_loop
    from checker.engine import Run
    from checker.sources import Link
    from checker.targets import TargetIndex

    async def go() -> list[Outcome]:
        with TargetIndex() as index:
            index.add([Link(page_site.url("/page"), "<arg>", 1)])
            rules = [(re.compile("/page"), ".urlcheckignore:1")]
            return [r.outcome async for r in Run(Settings(retries=0), index, rules).results()]

    with page_site:
        assert run_loop(go()) == [Outcome.EXCLUDED]


def test_the_command_widens_the_young_generation_from_its_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Start-up (imports, the index) runs under the run's threshold too (issue 15).
    import gc

    from checker import cli, runner

    assert cli.YOUNG_THRESHOLD == runner.GC_YOUNG_THRESHOLD
    saved = gc.get_threshold()
    gc.set_threshold(700, *saved[1:])
    try:
        with pytest.raises(SystemExit):
            cli.main(["schema", "result"])
        assert gc.get_threshold()[0] == runner.GC_YOUNG_THRESHOLD
        gc.set_threshold(0, *saved[1:])  # turned off by the caller: left off
        with pytest.raises(SystemExit):
            cli.main(["schema", "result"])
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*saved)
    assert '"url"' in capsys.readouterr().out
