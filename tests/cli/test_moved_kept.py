"""A run keeps the results of permanently moved links for --fix only
(checker/cli/run.py): without it, a list's every 301 stayed alive until the
end of the run (~700 B each, 35 MB at a million URLs with 5% of 301s)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from checker import reporting
from checker.models import Result, Summary
from tests.conftest import ServerThread, run_cli


def _app() -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        if request.path.startswith("/old"):
            return web.Response(status=301, headers={"Location": "/new"})
        return web.Response(status=200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


class _Spy:
    """Passes every call on; at finish, lists who else still holds each moved result."""

    def __init__(self, reporter: Any, held_elsewhere: list[int]) -> None:
        self._reporter = reporter
        self._moved: list[Result] = []
        self._held_elsewhere = held_elsewhere

    def add(self, result: Result) -> None:
        if result.moved_to is not None:
            self._moved.append(result)
        self._reporter.add(result)

    def finish(self, summary: Summary) -> None:
        gc.collect()
        for result in self._moved:
            holders = [h for h in gc.get_referrers(result) if isinstance(h, list)]
            self._held_elsewhere.append(sum(h is not self._moved for h in holders))
        self._reporter.finish(summary)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reporter, name)


@pytest.mark.parametrize(("fix", "kept"), [(False, 0), (True, 1)])
def test_moved_results_are_kept_only_for_fix(
    fix: bool, kept: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_elsewhere: list[int] = []
    real = reporting.reporters

    @contextlib.contextmanager
    def spied(*args: Any, **kwargs: Any) -> Iterator[_Spy]:
        with real(*args, **kwargs) as reporter:
            yield _Spy(reporter, held_elsewhere)

    monkeypatch.setattr(reporting, "reporters", spied)
    with ServerThread(_app()) as site:
        links = tmp_path / "links.txt"
        links.write_text("".join(site.url(f"/old/{n}") + "\n" for n in range(5)))
        args = [str(links), "--format", "json", *(["--fix", "--dry-run"] if fix else [])]
        result = run_cli(args)
    assert result.exit_code == 0, result.stderr
    assert held_elsewhere == [kept] * 5
