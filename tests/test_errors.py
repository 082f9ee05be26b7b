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


@pytest.mark.parametrize(
    "exc", [ValueError("ours"), OSError("ours"), UnicodeError("ours"), IndexError("yarl")]
)
def test_builtin_errors_are_not_a_urls_failure(exc: Exception) -> None:
    """Only what the request raises is mapped: a builtin error from our own code
    (or a library bug) must reach the containment as ``internal``, not pass
    for ``invalid_url`` or ``connect``."""
    assert type(exc) not in MAPPING
    with pytest.raises(type(exc)):
        classify(exc)


def test_what_the_request_lets_through_unwrapped_is_mapped() -> None:
    import ssl

    assert classify(ConnectionResetError()).kind is ErrorKind.DISCONNECTED
    assert classify(ssl.SSLError()).kind is ErrorKind.TLS
    assert classify(TimeoutError()).kind is ErrorKind.TIMEOUT


def test_an_internal_failure_names_the_type_and_asks_for_a_report() -> None:
    from checker.errors import internal

    failure = internal(LookupError("k\n  x"))
    assert failure.kind is ErrorKind.INTERNAL
    assert failure.message.startswith("LookupError: k x; ")  # one line
    assert "bug" in failure.message
    assert "report" in failure.message
    assert internal(RuntimeError()).message.startswith("RuntimeError; ")
