"""Proxies from the environment and the options, through a real forward proxy
on 127.0.0.1 (tests/proxyserver.py): the proxy must see the requests, and
NO_PROXY must bypass it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
from typing import Any

import pytest
import trustme
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import ErrorKind, Outcome
from checker.proxy import Bypass, check_proxy_url, from_environ
from checker.settings import Settings
from tests.conftest import ServerThread, probe_url, raw_server, run_cli
from tests.proxyserver import ForwardProxy, forward_proxy


async def _upstream(aiohttp_server: Any, **kwargs: Any) -> tuple[str, int]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=200 if request.path != "/gone" else 404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    server = await aiohttp_server(app, **kwargs)
    return "127.0.0.1", server.port


async def test_http_proxy_carries_a_url_whose_host_only_the_proxy_can_reach(
    aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy(await _upstream(aiohttp_server))
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        ok = await probe_url("http://intranet.invalid/page")
        gone = await probe_url("http://intranet.invalid/gone")
    assert ok.outcome is Outcome.OK, ok.error  # direct, it would be a DNS error
    assert gone.status == 404
    assert proxy.seen[0] == "HEAD http://intranet.invalid/page"


async def test_lowercase_variable_wins_over_uppercase(
    aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy(await _upstream(aiohttp_server))
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("http_proxy", proxy_url)
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens on discard
        result = await probe_url("http://intranet.invalid/")
    assert result.outcome is Outcome.OK, result.error
    assert proxy.seen


async def test_https_url_goes_through_a_connect_tunnel(
    aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("secure.invalid").configure_cert(context)
    proxy = ForwardProxy(await _upstream(aiohttp_server, ssl=context))
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("HTTPS_PROXY", proxy_url)
        # The HTTP proxy must not be used for an https URL.
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        result = await probe_url("https://secure.invalid/x", insecure=True)
    assert result.outcome is Outcome.OK, result.error
    assert proxy.seen == ["CONNECT secure.invalid:443"]  # the path stays inside TLS


async def test_no_proxy_bypasses_the_proxy(
    aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = await _upstream(aiohttp_server)
    proxy = ForwardProxy((host, port))
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "example.org, 127.0.0.0/8")
        direct = await probe_url(f"http://{host}:{port}/")
        monkeypatch.setenv("NO_PROXY", "example.org")
        proxied = await probe_url(f"http://{host}:{port}/")
    assert direct.outcome is Outcome.OK
    assert proxied.outcome is Outcome.OK
    assert proxy.seen == [f"HEAD http://{host}:{port}/"]  # only the second one


async def test_options_override_the_environment(
    aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = await _upstream(aiohttp_server)
    proxy = ForwardProxy((host, port))
    async with forward_proxy(proxy) as proxy_url:
        monkeypatch.setenv("NO_PROXY", "*")
        result = await probe_url("http://intranet.invalid/", http_proxy=proxy_url, no_proxy="")
    assert result.outcome is Outcome.OK, result.error
    assert proxy.seen


async def test_proxy_credentials_go_to_the_proxy_only_and_are_secret(
    aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_by_site: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        seen_by_site.append(request.headers.get("Proxy-Authorization"))
        return web.Response()

    app = web.Application()
    app.router.add_get("/", handler)
    server = await aiohttp_server(app)
    expected = "Basic " + base64.b64encode(b"alice:pr0xy-s3cret").decode()
    proxy = ForwardProxy(("127.0.0.1", server.port), require=expected)
    async with forward_proxy(proxy) as proxy_url:
        port = proxy_url.rsplit(":", 1)[1]
        monkeypatch.setenv("HTTP_PROXY", f"http://alice:pr0xy-s3cret@127.0.0.1:{port}")
        good = await probe_url("http://site.invalid/")
        monkeypatch.setenv("HTTP_PROXY", f"http://alice:wrong-pass@127.0.0.1:{port}")
        bad = await probe_url("http://site.invalid/", method="get")
    assert good.outcome is Outcome.OK, good.error
    assert bad.status == 407
    assert proxy.auth[0] == expected
    assert seen_by_site == [None]  # the proxy strips it; we never send it to the site
    assert "pr0xy-s3cret" in Settings(http_proxy="http://alice:pr0xy-s3cret@p:1").secrets


def test_malformed_proxy_is_a_usage_error_without_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://bob:hunter2-secret@[bad")
    result = run_cli(["http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert "hunter2-secret" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "HTTPS_PROXY" in result.stderr
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    result = run_cli(["http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert "SOCKS" in result.stderr


def test_cli_option_routes_through_proxy() -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", ok)
    with ServerThread(app) as site:
        # The site itself stands in for the proxy: it answers the absolute-form request.
        result = run_cli(["--http-proxy", site.url(""), "http://only-via-proxy.invalid/"])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_httpoxy_uppercase_http_proxy_ignored_in_cgi() -> None:
    env = {"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"}
    assert from_environ(("http_proxy",), env) is None
    assert from_environ(("http_proxy",), {"HTTP_PROXY": "http://p:1"}) == "http://p:1"
    assert from_environ(("https_proxy", "all_proxy"), {"ALL_PROXY": "http://p:2"}) == "http://p:2"


def test_bypass_rules() -> None:
    bypass = Bypass(".corp.example, 10.0.0.0/8 ,localhost:8080,[::1]")
    assert bypass("a.corp.example", None)
    assert bypass("corp.example", 80)
    assert not bypass("notcorp.example", None)
    assert bypass("10.1.2.3", 80)
    assert not bypass("11.0.0.1", 80)
    assert bypass("localhost", 8080)
    assert not bypass("localhost", 80)
    assert bypass("[::1]", 443)
    assert Bypass("*")("anything", 1)
    assert check_proxy_url("proxy:3128", "X") == "http://proxy:3128"


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=60), st.text(max_size=30), st.integers(0, 70000) | st.none())
def test_hostile_no_proxy_and_proxy_values_never_crash(
    text: str, host: str, port: int | None
) -> None:
    assert isinstance(Bypass(text)(host, port), bool)
    message = ""
    try:
        check_proxy_url(f"http://u:Zq9-SECRET-x@{text}", "HTTP_PROXY")
    except ValueError as exc:
        message = str(exc)
    assert "Zq9-SECRET-x" not in message


@pytest.mark.parametrize(
    ("reply", "scheme"),
    [
        (b"", "https"),  # closes at once
        (b"\x00\xffgarbage\r\n\r\n", "https"),
        (b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", "https"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" + b"\x16\x03\x01garbage", "https"),
        (b"", "http"),
        (b"\x00\xffgarbage\r\n\r\n", "http"),
        (None, "https"),  # never answers
    ],
)
async def test_a_hostile_proxy_is_that_urls_error_never_a_crash(
    reply: bytes | None, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            await reader.readuntil(b"\r\n\r\n")
            if reply is None:
                await asyncio.sleep(5)
            else:
                writer.write(reply)
                await writer.drain()
        writer.close()

    async with raw_server(handler) as proxy_url:
        monkeypatch.setenv(f"{scheme.upper()}_PROXY", proxy_url)
        result = await probe_url(f"{scheme}://site.invalid/", timeout=1)
    assert result.outcome in (Outcome.ERROR, Outcome.BROKEN)
    assert result.error is None or result.error.kind is not ErrorKind.INTERNAL


async def test_a_sitemap_is_fetched_through_the_proxy_too(aiohttp_server: Any) -> None:
    """The one fetch path uses the run's proxies: a sitemap on a host only the
    proxy can reach is read, and the proxy saw the request (the urllib path
    this replaced had its own proxy rules)."""
    from checker.api import build_index

    async def sitemap(request: web.Request) -> web.Response:
        body = "<urlset><url><loc>http://intranet.invalid/page</loc></url></urlset>"
        return web.Response(text=body, content_type="application/xml")

    app = web.Application()
    app.router.add_get("/sitemap.xml", sitemap)
    server = await aiohttp_server(app)
    proxy = ForwardProxy(("127.0.0.1", server.port))
    async with forward_proxy(proxy) as proxy_url:
        options = {"sitemap": ["http://intranet.invalid/sitemap.xml"], "http_proxy": proxy_url}
        settings_ = Settings.model_validate(options)
        # The private fetcher runs its own loop in a thread; this loop serves the proxy.
        index = await asyncio.to_thread(build_index, settings=settings_)
    with index:
        assert [t.url for t in index] == ["http://intranet.invalid/page"]
    assert proxy.seen == ["GET http://intranet.invalid/sitemap.xml"]
