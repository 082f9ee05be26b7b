"""--github-token: github.com links through a fake GitHub REST API on loopback.

github.com itself is never reached: where a test needs to see a request go to
github.com (no token, a fallback), HTTPS_PROXY points at a forward proxy on
loopback that records the CONNECT and has nowhere to send it.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from checker.github import GitHub
from checker.models import Outcome
from checker.settings import Settings
from tests.conftest import ServerThread, probe_url, run_cli
from tests.proxyserver import ForwardProxy, forward_proxy

TOKEN = "ghp_fake-token-1234567890"


class FakeApi:
    """Repos octo/hello (issue 1, PR 2, blob main/README.md) exist; the rest is 404."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.path_qs, request.headers.get("Authorization")))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"message": "Bad credentials"}, status=401)
        if request.path == "/repos/octo/moved":  # a renamed repository
            raise web.HTTPMovedPermanently("/repositories/42")
        known = {
            "/repos/octo/hello",
            "/repos/octo/hello/issues/1",
            "/repos/octo/hello/pulls/2",
            "/repos/octo/hello/contents/README.md",
            "/repos/octo/hello/commits/main",
            "/repositories/42",
        }
        if request.path in known and request.query.get("ref", "main") == "main":
            return web.json_response({"ok": True})
        return web.json_response({"message": "Not Found"}, status=404)


@pytest.fixture
async def api(aiohttp_server: Any) -> tuple[FakeApi, str]:
    fake = FakeApi()
    server = await aiohttp_server(fake.app())
    return fake, str(server.make_url("")).rstrip("/")


@pytest.mark.parametrize(
    ("link", "status"),
    [
        ("https://github.com/octo/hello", 200),
        ("https://github.com/octo/hello/", 200),
        ("https://github.com/octo/hello/issues/1", 200),
        ("https://github.com/octo/hello/pull/2/files", 200),
        ("https://github.com/octo/hello/blob/main/README.md#L3", 200),
        ("https://github.com/octo/hello/tree/main", 200),
        ("https://github.com/octo/moved", 200),
        ("https://github.com/octo/gone", 404),
        ("https://github.com/octo/hello/issues/999", 404),
    ],
)
async def test_links_are_checked_through_the_api(
    api: tuple[FakeApi, str], link: str, status: int
) -> None:
    fake, base = api
    result = await probe_url(link, github_token=TOKEN, github_api_url=base)
    assert result.status == status
    assert result.outcome is (Outcome.OK if status == 200 else Outcome.BROKEN)
    assert result.url == link
    assert result.final_url == link  # the link, not the API URL
    assert fake.seen
    assert all(auth == f"Bearer {TOKEN}" for _, auth in fake.seen)


async def test_without_a_token_github_com_is_asked_as_before(
    api: tuple[FakeApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, base = api
    proxy = ForwardProxy(("127.0.0.1", 9))  # records the CONNECT, then fails
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("HTTPS_PROXY", proxy_url)
        result = await probe_url("https://github.com/octo/hello", github_api_url=base)
    assert result.outcome is Outcome.ERROR
    assert set(proxy.seen) == {"CONNECT github.com:443"}
    assert fake.seen == []


async def test_a_blob_the_api_does_not_find_falls_back_to_github_com(
    api: tuple[FakeApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, base = api
    proxy = ForwardProxy(("127.0.0.1", 9))
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("HTTPS_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the fake API is reached directly
        await probe_url(
            "https://github.com/octo/hello/blob/feature/x/README.md",
            github_token=TOKEN,
            github_api_url=base,
        )
    assert fake.seen[0][0] == "/repos/octo/hello/contents/x/README.md?ref=feature"
    assert set(proxy.seen) == {"CONNECT github.com:443"}  # a ref with a slash: ask the page


async def test_other_github_pages_and_hosts_do_not_use_the_api(
    api: tuple[FakeApi, str], aiohttp_server: Any
) -> None:
    fake, base = api

    async def ok(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_get("/{tail:.*}", ok)
    other = await aiohttp_server(app)
    result = await probe_url(
        f"http://127.0.0.1:{other.port}/octo/hello", github_token=TOKEN, github_api_url=base
    )
    assert result.outcome is Outcome.OK
    assert fake.seen == []


def test_token_from_the_environment_is_a_secret_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeApi()
    with ServerThread(fake.app()) as server:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        result = run_cli(
            [
                "-v",
                "--format",
                "json",
                "--github-api-url",
                server.url(""),
                "https://github.com/octo/hello",
            ]
        )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert TOKEN in Settings().secrets
    assert TOKEN not in repr(Settings())
    assert fake.seen == [("/repos/octo/hello", f"Bearer {TOKEN}")]


def test_bad_api_url_is_a_usage_error() -> None:
    result = run_cli(["--github-api-url", "ftp://x", "https://github.com/a/b"])
    assert result.exit_code == 2
    assert "--github-api-url" in result.stderr


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=6))
def test_hostile_paths_never_leave_the_repository_in_the_api(segments: list[str]) -> None:
    github = GitHub(TOKEN, "https://api.example/v3")
    try:
        link = URL("https://github.com/").with_path("/" + "/".join(segments))
    except ValueError:
        return
    api = github.route(link)
    if api is None:
        return
    assert api.url.host == "api.example"
    parts = api.url.raw_parts
    assert parts[1:3] == ("v3", "repos")
    assert "." not in parts
    assert ".." not in parts


async def test_the_token_never_follows_an_api_redirect_to_another_origin(
    aiohttp_server: Any,
) -> None:
    seen: list[str | None] = []

    async def elsewhere(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response()

    other_app = web.Application()
    other_app.router.add_get("/{tail:.*}", elsewhere)
    other = await aiohttp_server(other_app, host="127.0.0.2")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"http://127.0.0.2:{other.port}/repos/x/y")

    api_app = web.Application()
    api_app.router.add_get("/{tail:.*}", redirect)
    api = await aiohttp_server(api_app)
    result = await probe_url(
        "https://github.com/octo/hello",
        github_token=TOKEN,
        github_api_url=str(api.make_url("")).rstrip("/"),
    )
    assert result.outcome is Outcome.OK
    assert seen == [None]
