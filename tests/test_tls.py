"""TLS against real HTTPS servers on 127.0.0.1, with certificates from trustme."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web

from checker.models import ErrorKind, Outcome, Result, Target
from checker.probe import Probe
from checker.scheduler import Attempted
from checker.settings import Settings
from tests.conftest import probe_url

Start = Callable[..., Awaitable[str]]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def seen() -> list[str]:
    return []


@pytest.fixture
def https(aiohttp_raw_server: Any, seen: list[str]) -> Start:
    """Start an HTTPS server presenting ``cert``; returns its base URL."""

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        seen.append(request.path)
        if request.path == "/redirect":
            return web.Response(status=302, headers={"Location": "/landing"})
        return web.Response()

    async def start(cert: trustme.LeafCert) -> str:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        server = await aiohttp_raw_server(handler, ssl=context)
        return str(server.make_url("")).rstrip("/")

    return start


async def probe_trusting(ca: trustme.CA, url: str, **options: object) -> Result:
    """Probe with a session that trusts ``ca``: the one way to vouch for a local cert."""
    settings = Settings.model_validate({"retries": 0, **options})
    context = ssl.create_default_context()
    ca.configure_trust(context)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
        attempt = await Probe(session, settings)(Target(0, url, ()))  # one attempt
    return attempt.result if isinstance(attempt, Attempted) else attempt


async def test_a_self_signed_certificate_is_a_tls_error_not_retried(
    https: Start, ca: trustme.CA, seen: list[str]
) -> None:
    base = await https(ca.issue_cert("127.0.0.1"))
    assert base.startswith("https://")
    result = await probe_url(base + "/", retries=2)
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.TLS
    assert result.attempts == 1
    assert seen == [], "no request got past the handshake"


async def test_insecure_skips_certificate_checks(
    https: Start, ca: trustme.CA, seen: list[str]
) -> None:
    base = await https(ca.issue_cert("127.0.0.1"))
    result = await probe_url(base + "/redirect", insecure=True)
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert result.final_url == base + "/landing"
    assert seen == ["/redirect", "/landing"]


async def test_a_trusted_certificate_passes(https: Start, ca: trustme.CA) -> None:
    base = await https(ca.issue_cert("127.0.0.1"))
    result = await probe_trusting(ca, base + "/redirect")
    assert (result.outcome, result.status, result.redirects) == (
        Outcome.OK,
        200,
        [base + "/landing"],
    )


async def test_a_certificate_for_another_host_is_a_tls_error(https: Start, ca: trustme.CA) -> None:
    base = await https(ca.issue_cert("example.org"))
    result = await probe_trusting(ca, base + "/", retries=2)
    assert result.error is not None
    assert result.error.kind is ErrorKind.TLS
    assert result.attempts == 1


async def test_an_expired_certificate_is_a_tls_error(https: Start, ca: trustme.CA) -> None:
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    base = await https(ca.issue_cert("127.0.0.1", not_after=past))
    result = await probe_trusting(ca, base + "/")
    assert result.error is not None
    assert result.error.kind is ErrorKind.TLS


async def test_https_to_a_plain_http_server_is_a_tls_error(aiohttp_raw_server: Any) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response()

    server = await aiohttp_raw_server(handler)
    url = str(server.make_url("/")).replace("http://", "https://")
    result = await probe_url(url, retries=2)
    assert result.error is not None
    assert result.error.kind is ErrorKind.TLS
    assert result.attempts == 1
