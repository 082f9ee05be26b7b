"""--min-tls and --require-https against real servers on loopback (trustme
certificates; a forward proxy from tests/proxyserver.py stands in for one host
answering both http and https)."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web

from checker.models import ErrorKind, Outcome
from checker.tls import TlsVersion, context, protocol
from tests.conftest import probe_url
from tests.proxyserver import ForwardProxy, forward_proxy


async def _https_server(
    aiohttp_raw_server: Any, ca: trustme.CA, maximum: ssl.TLSVersion | None = None
) -> str:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(status=404 if request.path == "/only-http" else 200)

    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "site.invalid").configure_cert(server_context)
    if maximum is not None:
        server_context.maximum_version = maximum
    server = await aiohttp_raw_server(handler, ssl=server_context)
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def trusted_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A CA the run trusts through SSL_CERT_FILE, as a user would point at a corporate CA."""
    ca = trustme.CA()
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    return ca


async def test_min_tls_refuses_a_server_limited_to_tls_1_2(
    aiohttp_raw_server: Any, trusted_ca: trustme.CA
) -> None:
    base = await _https_server(aiohttp_raw_server, trusted_ca, ssl.TLSVersion.TLSv1_2)
    allowed = await probe_url(base + "/", min_tls="1.2")
    refused = await probe_url(base + "/", min_tls="1.3", retries=2)
    assert allowed.outcome is Outcome.OK, allowed.error
    assert refused.outcome is Outcome.ERROR
    assert refused.error is not None
    # A server that sends the protocol_version alert (nginx, OpenSSL's s_server)
    # gives "tls"; asyncio's TLS server just drops the connection: "connect".
    assert refused.error.kind in (ErrorKind.TLS, ErrorKind.CONNECT)
    assert refused.attempts == 1  # neither is retried: another try would not change the server


async def test_min_tls_with_insecure_still_skips_certificate_checks(
    aiohttp_raw_server: Any,
) -> None:
    base = await _https_server(aiohttp_raw_server, trustme.CA())  # trusted by nobody
    result = await probe_url(base + "/", min_tls="1.3", insecure=True)
    assert result.outcome is Outcome.OK, result.error
    strict = await probe_url(base + "/", min_tls="1.3")
    assert strict.error is not None
    assert strict.error.kind is ErrorKind.TLS


def test_every_tls_version_has_a_protocol() -> None:
    for version in TlsVersion:
        made = context(version, insecure=False)
        assert isinstance(made, ssl.SSLContext)
        assert made.minimum_version == protocol(version)
    assert context(None, insecure=True) is False
    assert context(None, insecure=False) is True


async def test_require_https_notes_an_http_link_whose_host_answers_over_https(
    aiohttp_raw_server: Any, aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def plain(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", plain)
    http_site = await aiohttp_server(app)
    https_base = await _https_server(aiohttp_raw_server, trustme.CA())
    https_port = int(https_base.rsplit(":", 1)[1])
    # One host name, http and https: each scheme's proxy reaches its own server.
    plain_proxy = ForwardProxy(("127.0.0.1", http_site.port))
    tls_proxy = ForwardProxy(("127.0.0.1", https_port))
    async with forward_proxy(plain_proxy) as http_proxy, forward_proxy(tls_proxy) as https_proxy:
        monkeypatch.setenv("HTTP_PROXY", http_proxy)
        monkeypatch.setenv("HTTPS_PROXY", https_proxy)
        flagged = await probe_url("http://site.invalid/page", require_https=True, insecure=True)
        only_http = await probe_url(
            "http://site.invalid/only-http", require_https=True, insecure=True
        )
        tls_proxy.seen.clear()
        unasked = await probe_url("http://site.invalid/page", insecure=True)
    assert flagged.outcome is Outcome.OK
    assert flagged.reason == "also answers over https: use https://site.invalid/page"
    assert only_http.outcome is Outcome.OK
    assert only_http.reason is None  # https answers 404 there: http is right
    assert unasked.reason is None
    assert tls_proxy.seen == []  # without the option, no https request at all


async def test_require_https_leaves_a_host_without_tls_alone(aiohttp_server: Any) -> None:
    async def plain(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", plain)
    server = await aiohttp_server(app)
    # https to a plain-http port: a TLS error on the https side, not on the link.
    result = await probe_url(f"http://127.0.0.1:{server.port}/", require_https=True)
    assert result.outcome is Outcome.OK
    assert result.reason is None
