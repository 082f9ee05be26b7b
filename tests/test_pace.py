"""Pace from the command line (issue 11 item 10): --request-interval for every
host, [hosts."*"] defaults, --retry-wait, and lychee's accept syntax. Servers on
loopback (tests/hosts.py); gaps are only ever bounded from below."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.hostpolicy import PolicyTable
from checker.models import Outcome
from checker.settings import Settings, StatusSet
from tests.conftest import ServerThread, run_cli
from tests.hosts import SLACK, Start, run, start_fixture  # noqa: F401 - the start fixture


async def test_request_interval_paces_every_host(start: Start) -> None:
    a = await start()
    b = await start(address="127.0.0.2")
    urls = [a.url(f"/{i}") for i in range(3)] + [b.url(f"/{i}") for i in range(3)]
    results = await run(urls, request_interval=0.2, method="get")
    assert all(r.outcome is Outcome.OK for r in results.values())
    for host in (a, b):
        assert len(host.gaps()) == 2
        assert min(host.gaps()) >= 0.2 - SLACK


async def test_hosts_star_table_gives_defaults_under_specific_tables(start: Start) -> None:
    async def not_found(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=404)

    a = await start(not_found)
    b = await start(not_found, address="127.0.0.2")
    results = await run(
        [a.url("/x"), b.url("/x")],
        hosts={"*": {"accept": "200..299,404"}, "127.0.0.2": {"accept": "200"}},
    )
    assert results[a.url("/x")].outcome is Outcome.OK  # from [hosts."*"]
    assert results[b.url("/x")].outcome is Outcome.BROKEN  # its own table wins


def test_hosts_star_in_a_config_file(tmp_path: Path) -> None:
    async def not_found(request: web.Request) -> web.Response:
        return web.Response(status=404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", not_found)
    config = tmp_path / "urlcheck.toml"
    config.write_text('[hosts."*"]\naccept = "200..=299, 404"\nrequest_interval = 0\n')
    with ServerThread(app) as server:
        result = run_cli(["--config", str(config), server.url("/gone")])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_star_table_layers_under_wildcards() -> None:
    table = PolicyTable(
        Settings(
            request_interval=0.5,
            hosts={"*": {"request_interval": 2, "timeout": 3}, "*.example.com": {"timeout": 7}},
        )
    )
    assert table.default.interval == 2
    assert table.for_host("a.example.com").interval == 2
    assert table.for_host("a.example.com").timeout == 7
    assert PolicyTable(Settings(request_interval=0.5)).for_host("x.org").interval == 0.5


async def test_retry_wait_is_the_backoff_base(start: Start) -> None:
    async def failing(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=500)

    a = await start(failing)
    # The suite sets retry.BACKOFF_BASE to 0: only --retry-wait makes this wait.
    await run([a.url("/")], retries=2, retry_wait=0.2, method="get")
    assert len(a.gaps()) == 2
    assert a.gaps()[0] >= 0.2 * 0.75 - SLACK
    assert a.gaps()[1] >= 0.4 * 0.75 - SLACK


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("200..=204", [200, 204], [205, 199]),
        ("..299", [100, 299], [300]),
        ("..=299", [100, 299], [300]),
        ("400..", [400, 999], [399]),
        ("200..=299, 403, 500..", [250, 403, 503], [402, 499]),
        ("200..299", [299], [300]),  # ours: both ends included
    ],
)
def test_lychee_accept_syntax(text: str, inside: list[int], outside: list[int]) -> None:
    accepted = StatusSet.parse(text)
    assert all(s in accepted.statuses for s in inside)
    assert not any(s in accepted.statuses for s in outside)


def test_lychee_accept_syntax_on_the_cli() -> None:
    async def created(request: web.Request) -> web.Response:
        return web.Response(status=204)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", created)
    with ServerThread(app) as server:
        assert run_cli(["--accept", "..=204", server.url("/")]).exit_code == 0
        assert run_cli(["--accept", "..=203", server.url("/")]).exit_code == 1
        bad = run_cli(["--accept", "..", server.url("/")])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("urlcheck: error: invalid value for --accept")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet="0123456789.=, -x", max_size=20))
def test_hostile_accept_text_fails_only_with_value_error(text: str) -> None:
    try:
        accepted = StatusSet.parse(text)
    except ValueError:
        return
    assert accepted.statuses <= frozenset(range(100, 1000))
