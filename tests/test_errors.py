"""The exception mapping is the one place aiohttp errors become error kinds."""

from __future__ import annotations

import asyncio
import inspect

import aiohttp
import pytest
from aiohttp import client_exceptions

from checker.errors import MAPPING, classify
from checker.models import ErrorKind


def _client_errors() -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for module in (aiohttp, client_exceptions):
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, aiohttp.ClientError):
                found.add(obj)
    stack = [aiohttp.ClientError]
    while stack:
        cls = stack.pop()
        found.add(cls)
        stack.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("cls", sorted(_client_errors(), key=lambda c: c.__name__))
def test_every_aiohttp_client_error_is_mapped(cls: type[BaseException]) -> None:
    """A ClientError that aiohttp adds must be given a kind here, explicitly."""
    assert cls in MAPPING, f"{cls.__module__}.{cls.__name__} has no error kind"


def test_most_specific_class_wins() -> None:
    dns = client_exceptions.ClientConnectorDNSError.__new__(
        client_exceptions.ClientConnectorDNSError
    )
    assert MAPPING[type(dns)] is ErrorKind.DNS
    assert classify(aiohttp.ServerDisconnectedError()).kind is ErrorKind.DISCONNECTED
    assert classify(aiohttp.ConnectionTimeoutError()).kind is ErrorKind.TIMEOUT
    assert classify(TimeoutError(), timeout=3).message == "no complete response within 3 s"


def test_redirect_errors_are_bad_redirects_not_url_errors() -> None:
    from yarl import URL

    exc = aiohttp.NonHttpUrlRedirectClientError(URL("ftp://example.com/"))
    assert classify(exc).kind is ErrorKind.BAD_REDIRECT


def test_cancellation_is_never_a_result() -> None:
    with pytest.raises(asyncio.CancelledError):
        classify(asyncio.CancelledError())


def test_unknown_exceptions_propagate() -> None:
    """A bug in our code must surface, not turn into a per-URL error."""
    with pytest.raises(KeyError):
        classify(KeyError("bug"))
