"""The library reads no .urlcheckignore unless it is given one (README: no
configuration is read unless asked)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import Settings, check_sync
from checker.models import Outcome
from tests.conftest import ServerThread


@pytest.fixture
def site() -> ServerThread:
    from aiohttp import web

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/page", page)
    return ServerThread(app)


def test_library_ignores_a_urlcheckignore_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: ServerThread
) -> None:
    (tmp_path / ".urlcheckignore").write_text("127\\.0\\.0\\.1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with site:
        report = check_sync([site.url("/page")], settings=Settings(retries=0))
    assert [r.outcome for r in report.results] == [Outcome.OK]


def test_run_applies_ignore_rules_it_is_given(site: ServerThread) -> None:
    from checker.api import run_loop
    from checker.engine import Run
    from checker.sources import Link
    from checker.targets import TargetIndex

    async def go() -> list[Outcome]:
        with TargetIndex() as index:
            index.add([Link(site.url("/page"), "<arg>", 1)])
            rules = [(re.compile("/page"), ".urlcheckignore:1")]
            return [r.outcome async for r in Run(Settings(retries=0), index, rules).results()]

    with site:
        assert run_loop(go()) == [Outcome.EXCLUDED]
