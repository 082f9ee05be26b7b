"""Per-host policy on real servers: scoped headers, methods, accepted
statuses, timeouts and concurrency per host (hostpolicy.py). The pacing and
backoff the limiter adds are in test_hostlimit.py; the servers in hosts.py.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from checker.hostpolicy import PolicyTable
from checker.models import ErrorKind, Outcome
from checker.settings import Settings
from tests.conftest import ServerThread, run_cli
from tests.hosts import Host, Start, run, start_fixture  # noqa: F401 - the start fixture

# --- header scoping ---------------------------------------------------------


async def test_host_headers_go_only_to_their_host(start: Start) -> None:
    """Headers of a [hosts] table reach that host; the other host sees only -H."""
    a = await start()
    b = await start(address="127.0.0.2")
    results = await run(
        [a.url("/x"), b.url("/y")],
        headers=["X-Global: g"],
        hosts={"127.0.0.1": {"headers": {"X-Api-Key": "key-a", "Authorization": "Bearer a"}}},
    )
    assert all(r.outcome is Outcome.OK for r in results.values())
    assert a.saw("X-Api-Key") == ["key-a"]
    assert a.saw("Authorization") == ["Bearer a"]
    assert a.saw("X-Global") == ["g"]
    assert b.saw("X-Api-Key") == [None]
    assert b.saw("Authorization") == [None]
    assert b.saw("X-Global") == ["g"]


async def test_redirect_to_another_host_carries_no_user_header(start: Start) -> None:
    """A's scoped headers, the global ones and A's User-Agent stay behind;
    B's own scoped headers are not sent either, on a chain that began at A."""
    b = await start(address="127.0.0.2")

    async def to_b(request: web.BaseRequest) -> web.StreamResponse:
        raise web.HTTPFound(b.url("/landing"))

    a = await start(to_b)
    results = await run(
        [a.url("/go")],
        method="get",
        headers=["X-Global: g"],
        hosts={
            "127.0.0.1": {"headers": {"X-Api-Key": "key-a"}, "user_agent": "agent-a"},
            "127.0.0.2": {"headers": {"X-Api-Key": "key-b"}},
        },
    )
    result = results[a.url("/go")]
    assert result.outcome is Outcome.OK
    assert result.final_url == b.url("/landing")
    assert a.saw("X-Api-Key") == ["key-a"]
    assert a.saw("User-Agent") == ["agent-a"]
    assert b.paths == ["/landing"]
    landing = b.headers[0]
    assert "X-Api-Key" not in landing
    assert "X-Global" not in landing
    assert landing["User-Agent"].startswith("urlcheck/")


async def test_redirect_to_another_port_of_the_same_host_drops_them(start: Start) -> None:
    """The origin is scheme, host and port: the table matches both ports, yet
    what was given for the chain's first origin does not follow it to a second."""
    other = await start()

    async def to_other_port(request: web.BaseRequest) -> web.StreamResponse:
        raise web.HTTPFound(other.url("/landing"))

    a = await start(to_other_port)
    await run([a.url("/go")], method="get", hosts={"127.0.0.1": {"headers": {"X-Api-Key": "k"}}})
    assert a.saw("X-Api-Key") == ["k"]
    assert other.saw("X-Api-Key") == [None]


async def test_same_origin_redirect_keeps_the_host_headers(start: Start) -> None:
    async def hop(request: web.BaseRequest) -> web.StreamResponse:
        if request.path == "/go":
            raise web.HTTPFound("/landing")
        return web.Response(text="ok")

    a = await start(hop)
    await run([a.url("/go")], method="get", hosts={"127.0.0.1": {"headers": {"X-Api-Key": "k"}}})
    assert a.paths == ["/go", "/landing"]
    assert a.saw("X-Api-Key") == ["k", "k"]


async def test_header_for_is_scoped_like_a_table(start: Start) -> None:
    a = await start()
    b = await start(address="127.0.0.2")
    await run([a.url("/"), b.url("/")], header_for=["127.0.0.2=X-Token: for-b"])
    assert a.saw("X-Token") == [None]
    assert b.saw("X-Token") == ["for-b"]


def test_header_for_on_the_cli_with_a_redirect_between_hosts(tmp_path: Any) -> None:
    """Through the CLI: --header-for reaches its host only, not after a redirect,
    and its value appears nowhere in the report or on stderr."""
    seen: dict[str, list[dict[str, str]]] = {"a": [], "b": []}

    def app(name: str, target: list[str]) -> web.Application:
        async def handle(request: web.Request) -> web.StreamResponse:
            seen[name].append(dict(request.headers))
            if request.path == "/go" and target:
                raise web.HTTPFound(target[0])
            return web.Response(text="ok")

        application = web.Application()
        application.router.add_route("*", "/{tail:.*}", handle)
        return application

    target: list[str] = []
    with ServerThread(app("b", []), host="127.0.0.2") as b, ServerThread(app("a", target)) as a:
        target.append(b.url("/landing"))
        result = run_cli(
            [
                a.url("/go"),
                a.url("/page"),
                "--method",
                "get",
                "--no-config",
                "--format",
                "json",
                "--header-for",
                "127.0.0.1=X-Secret: s3cret-a",
                "--retries",
                "0",
            ]
        )
    assert result.exit_code == 0, result.stderr
    assert [h.get("X-Secret") for h in seen["a"]] == ["s3cret-a", "s3cret-a"]
    assert [h.get("X-Secret") for h in seen["b"]] == [None]
    assert "s3cret-a" not in result.stdout + result.stderr


def test_header_for_errors_never_echo_the_value() -> None:
    result = run_cli(["http://127.0.0.1:1/", "--no-config", "--header-for", "X-Secret: hunter2=="])
    assert result.exit_code == 2
    assert "--header-for" in result.stderr
    assert "hunter2" not in result.stderr
    assert result.stderr.count("\n") == 1


# --- the other per-host settings --------------------------------------------


async def test_method_accept_and_user_agent_per_host(start: Start) -> None:
    async def missing(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=404)

    a = await start(missing)
    b = await start(missing, address="127.0.0.2")
    results = await run(
        [a.url("/gone"), b.url("/gone")],
        method="head",
        hosts={"127.0.0.1": {"method": "get", "accept": "200..299,404", "user_agent": "bot-a"}},
    )
    assert results[a.url("/gone")].outcome is Outcome.OK
    assert results[b.url("/gone")].outcome is Outcome.BROKEN
    assert a.methods == ["GET"]
    assert b.methods == ["HEAD"]
    assert a.saw("User-Agent") == ["bot-a"]
    assert b.saw("User-Agent")[0] != "bot-a"


async def test_timeout_per_host(start: Start) -> None:
    async def slow(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(0.4)
        return web.Response(text="ok")

    a = await start(slow)
    b = await start(slow, address="127.0.0.2")
    results = await run([a.url("/"), b.url("/")], timeout=3, hosts={"127.0.0.1": {"timeout": 0.1}})
    error = results[a.url("/")].error
    assert error is not None
    assert error.kind is ErrorKind.TIMEOUT
    assert results[b.url("/")].outcome is Outcome.OK


async def test_concurrency_per_host(start: Start) -> None:
    async def slow(request: web.BaseRequest) -> web.StreamResponse:
        await asyncio.sleep(0.1)
        return web.Response(text="ok")

    a = await start(slow)
    b = await start(slow, address="127.0.0.2")
    await run(
        [a.url(f"/{i}") for i in range(4)] + [b.url(f"/{i}") for i in range(4)],
        method="get",
        per_host=10,
        hosts={"127.0.0.1": {"concurrency": 1}},
    )
    assert a.max_in_flight == 1
    assert len(a.paths) == 4
    assert b.max_in_flight > 1  # the global --per-host still applies elsewhere


# --- wildcard matching and layering (pure decision logic) -------------------


def _table(**options: Any) -> PolicyTable:
    return PolicyTable(Settings(**options))


def test_wildcard_matches_subdomains_at_any_depth_but_not_the_domain() -> None:
    table = _table(hosts={"*.example.com": {"request_interval": 2}})
    assert table.for_host("docs.example.com").interval == 2
    assert table.for_host("a.b.example.com").interval == 2
    assert table.for_host("example.com").interval == 0
    assert table.for_host("badexample.com").interval == 0
    assert table.for_host("example.com.evil.org").interval == 0


def test_exact_host_layers_over_wildcards_field_by_field() -> None:
    table = _table(
        per_host=7,
        timeout=9,
        headers=["X-Global: g", "X-Shared: global"],
        hosts={
            "*.com": {"timeout": 1},
            "*.example.com": {"request_interval": 2, "headers": {"X-Shared": "wild"}},
            "API.Example.com.": {"concurrency": 3, "headers": {"X-Key": "k"}},
        },
    )
    policy = table.for_host("api.example.com")
    assert (policy.concurrency, policy.interval, policy.timeout) == (3, 2, 1)
    assert policy.headers is not None
    assert dict(policy.headers) == {"X-Global": "g", "X-Shared": "wild", "X-Key": "k"}
    other = table.for_host("www.example.com")
    assert (other.concurrency, other.interval) == (7, 2)
    assert other.headers is not None
    assert "X-Key" not in other.headers
    assert table.for_host("example.org") is table.default


def test_header_for_adds_to_the_table_of_its_host() -> None:
    table = _table(
        hosts={"docs.example.com": {"request_interval": 1}},
        header_for=["DOCS.example.com=Authorization: Bearer t", "*.example.org=X-A: 1"],
    )
    docs = table.for_host("docs.example.com")
    assert docs.interval == 1
    assert docs.headers is not None
    assert docs.headers["Authorization"] == "Bearer t"
    sub = table.for_host("a.example.org")
    assert sub.headers is not None
    assert sub.headers["X-A"] == "1"


def test_international_host_names_match_their_encoded_form() -> None:
    table = _table(hosts={"bücher.example": {"request_interval": 1}})
    assert table.for_host("xn--bcher-kva.example").interval == 1


def test_no_headers_means_none_not_an_empty_dict() -> None:
    """aiohttp skips a per-request merge when headers is None (probe.py)."""
    assert _table().default.headers is None
    assert _table(hosts={"a.com": {"timeout": 1}}).for_host("a.com").headers is None


def test_secrets_include_scoped_header_values() -> None:
    settings = Settings(
        hosts={"a.com": {"headers": ["X-Key: table-secret"]}},
        header_for=["b.com=X-Key: cli-secret"],
    )
    assert {"table-secret", "cli-secret"} <= set(settings.secrets)
    assert "table-secret" not in repr(settings)


# --- --host-stats through the CLI --------------------------------------------


def test_host_stats_follow_the_summary_in_json_and_go_to_stderr_otherwise() -> None:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(status=404 if request.path == "/gone" else 200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    with ServerThread(app) as server:
        urls = [server.url("/a"), server.url("/gone"), "--method", "get", "--no-config"]
        args = [*urls, "--retries", "0", "--header-for", "127.0.0.1=X-K: stat-secret"]
        plain = run_cli([*args, "--format", "json"])
        stats = run_cli([*args, "--format", "json", "--host-stats"])
        text = run_cli([*args, "--host-stats"])
    assert "hosts" not in json.loads(plain.stdout)
    report = json.loads(stats.stdout)
    assert list(report) == ["results", "summary", "hosts"]
    host = report["hosts"]["127.0.0.1"]
    assert (host["requests"], host["ok"], host["broken"], host["error"]) == (2, 1, 1, 0)
    assert stats.stderr == ""
    assert text.exit_code == 1
    header, row = text.stderr.splitlines()
    assert header.split()[:4] == ["host", "requests", "ok", "broken"]
    assert row.split()[:4] == ["127.0.0.1", "2", "1", "1"]
    assert "requests" not in text.stdout
    assert "stat-secret" not in stats.stdout + stats.stderr + text.stdout + text.stderr
