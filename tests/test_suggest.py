"""--suggest against a fake Wayback Machine availability API on loopback,
including hostile answers (wrong JSON, huge, slow, error statuses)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import Outcome
from checker.wayback import _closest
from tests.conftest import ServerThread, probe_url, run_cli

SNAPSHOT = "http://web.archive.org/web/20200101000000/http://dead.example/page"


def _available(url: str) -> dict[str, Any]:
    return {
        "url": url,
        "archived_snapshots": {
            "closest": {"available": True, "url": SNAPSHOT, "timestamp": "20200101000000"}
        },
    }


class FakeWayback:
    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.asked: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/wayback/available", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.asked.append(request.query.get("url", ""))
        match self.mode:
            case "ok":
                return web.json_response(_available(request.query["url"]))
            case "none":
                return web.json_response({"archived_snapshots": {}})
            case "garbage":
                return web.Response(body=b"\xff\xfe{not json")
            case "wrong-types":
                return web.json_response({"archived_snapshots": {"closest": ["x"]}})
            case "javascript":
                body = _available("x")
                body["archived_snapshots"]["closest"]["url"] = "javascript:alert(1)"
                return web.json_response(body)
            case "huge":
                padding = b" " * (2 * 1024 * 1024)  # valid JSON, but no API answer is 2 MB
                return web.Response(body=padding + json.dumps(_available("x")).encode())
            case "slow":
                await asyncio.sleep(3)  # past the timeout of 1 s
                return web.json_response(_available("x"))
            case _:
                return web.Response(status=503)


def _site() -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        return web.Response(status=404 if request.path == "/dead" else 200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@pytest.fixture
def site() -> Any:
    with ServerThread(_site()) as server:
        yield server


async def test_a_dead_link_gets_an_archived_copy_and_a_live_one_asks_nothing(
    site: ServerThread,
) -> None:
    fake = FakeWayback()
    with ServerThread(fake.app(), host="127.0.0.2") as wayback:
        dead = await probe_url(site.url("/dead"), suggest=True, wayback_url=wayback.url(""))
        live = await probe_url(site.url("/live"), suggest=True, wayback_url=wayback.url(""))
        unasked = await probe_url(site.url("/dead"), wayback_url=wayback.url(""))
    assert dead.outcome is Outcome.BROKEN
    assert dead.suggestion == SNAPSHOT
    assert dead.to_dict()["suggestion"] == SNAPSHOT
    assert live.suggestion is None
    assert "suggestion" not in live.to_dict()
    assert unasked.suggestion is None
    assert fake.asked == [site.url("/dead")]


@pytest.mark.parametrize(
    "mode", ["none", "garbage", "wrong-types", "javascript", "huge", "slow", "error"]
)
async def test_a_hostile_or_empty_answer_is_no_suggestion(site: ServerThread, mode: str) -> None:
    fake = FakeWayback(mode)
    with ServerThread(fake.app(), host="127.0.0.2") as wayback:
        result = await probe_url(
            site.url("/dead"), suggest=True, wayback_url=wayback.url(""), timeout=1
        )
    assert result.outcome is Outcome.BROKEN  # the link's own verdict stands
    assert result.status == 404
    assert result.suggestion is None
    assert fake.asked


def test_cli_json_report_carries_the_suggestion(site: ServerThread) -> None:
    fake = FakeWayback()
    with ServerThread(fake.app(), host="127.0.0.2") as wayback:
        result = run_cli(
            ["--suggest", "--wayback-url", wayback.url(""), "--format", "json", site.url("/dead")]
        )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["results"][0]["suggestion"] == SNAPSHOT


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(["archived_snapshots", "closest", "available", "url"]),
                children,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_any_json_shape_gives_a_url_or_none(data: Any) -> None:
    found = _closest(data)
    assert found is None or found.startswith(("http://", "https://"))
