"""--basic-auth against real servers on loopback: sent to matching URLs only,
never to another origin after a redirect, never printed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.auth import BasicAuthRule
from checker.models import Outcome
from checker.settings import Settings
from tests.conftest import ServerThread, probe_url, run_cli

PASSWORD = "s3cret-Pa55 word"
EXPECTED = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()


class Site:
    """``/private`` wants EXPECTED; ``/away`` redirects to ``elsewhere``."""

    def __init__(self, elsewhere: str = "") -> None:
        self.elsewhere = elsewhere
        self.seen: list[tuple[str, str | None]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization")
        self.seen.append((request.path, auth))
        if request.path == "/away":
            return web.Response(status=302, headers={"Location": self.elsewhere})
        if request.path == "/private" and auth != EXPECTED:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="x"'})
        return web.Response()


class Sites(NamedTuple):
    home: Site
    server: ServerThread
    other: Site
    other_server: ServerThread


@pytest.fixture
def sites() -> Iterator[Sites]:
    other = Site()
    with ServerThread(other.app(), host="127.0.0.2") as other_server:
        home = Site(elsewhere=other_server.url("/landing"))
        with ServerThread(home.app()) as home_server:
            yield Sites(home, home_server, other, other_server)


async def test_credentials_open_a_matching_url_only(sites: Sites) -> None:
    home, server, _, _ = sites
    url = server.url("/private")
    without = await probe_url(url)
    matching = await probe_url(url, basic_auth=[rf"^http://127\.0\.0\.1:\d+/priv alice:{PASSWORD}"])
    home.seen.clear()
    other = await probe_url(url, basic_auth=[f"^https://elsewhere/ alice:{PASSWORD}"])
    assert without.status == 401
    assert matching.outcome is Outcome.OK, matching
    assert other.status == 401
    assert all(auth is None for _, auth in home.seen)


async def test_credentials_never_follow_a_redirect_to_another_origin(
    sites: Sites,
) -> None:
    home, server, other, _ = sites
    # The regex matches both origins: the redirect alone must stop the credential.
    result = await probe_url(
        server.url("/away"),
        basic_auth=[rf"127\.0\.0\. alice:{PASSWORD}"],
    )
    assert result.outcome is Outcome.OK
    assert ("/away", EXPECTED) in home.seen
    assert other.seen == [("/landing", None)]


async def test_a_users_own_authorization_header_wins(sites: Sites) -> None:
    home, server, _, _ = sites
    result = await probe_url(
        server.url("/private"),
        basic_auth=[f". alice:{PASSWORD}"],
        headers=["Authorization: Bearer mine-token"],
    )
    assert result.status == 401
    assert home.seen == [("/private", "Bearer mine-token")] * 2


def test_cli_and_config_with_env_never_print_the_password(
    sites: Sites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server, _, _ = sites
    url = server.url("/private")
    result = run_cli(["-v", "--format", "json", "--basic-auth", f". alice:{PASSWORD}", url])
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    config = tmp_path / "urlcheck.toml"
    config.write_text('basic_auth = [". alice:${SITE_PASSWORD}"]\n')
    monkeypatch.setenv("SITE_PASSWORD", PASSWORD)
    result = run_cli(["--config", str(config), url])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "value",
    [f"alice:{PASSWORD}", f"{PASSWORD}", f"[unclosed alice:{PASSWORD}", f". :{PASSWORD}"],
)
def test_malformed_value_is_a_usage_error_without_the_password(value: str) -> None:
    result = run_cli(["--basic-auth", value, "http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert result.stderr.startswith("urlcheck: error: invalid value for --basic-auth")
    assert "s3cret" not in result.stderr


def test_password_is_a_secret_and_masked_in_repr() -> None:
    s = Settings(basic_auth=[f"x alice:{PASSWORD}"])
    assert PASSWORD in s.secrets
    assert EXPECTED in s.secrets
    assert PASSWORD not in repr(s)
    assert PASSWORD not in str(s.basic_auth[0])


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=40), st.text(max_size=20))
def test_hostile_values_fail_cleanly(regex: str, user: str) -> None:
    text = f"{regex} {user}:Zq9-SECRET-x"
    try:
        BasicAuthRule.parse(text)
    except ValueError as exc:
        assert "Zq9-SECRET-x" not in str(exc)  # noqa: PT017
