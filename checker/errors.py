"""The one place where exceptions from the HTTP stack become error kinds.

The tree we map (aiohttp 3.14), most specific first::

    ClientError
    ├── ClientConnectionError ............................ disconnected
    │   ├── ClientConnectionResetError ................... disconnected
    │   ├── ClientOSError ................................ disconnected (reset mid-reply)
    │   │   └── ClientConnectorError ..................... connect
    │   │       ├── ClientConnectorDNSError .............. dns
    │   │       ├── ClientProxyConnectionError ........... connect
    │   │       ├── UnixClientConnectorError ............. connect
    │   │       └── ClientSSLError ....................... tls
    │   │           ├── ClientConnectorSSLError .......... tls
    │   │           └── ClientConnectorCertificateError .. tls
    │   └── ServerConnectionError ........................ disconnected
    │       ├── ServerDisconnectedError .................. disconnected
    │       ├── ServerTimeoutError ....................... timeout
    │       │   ├── ConnectionTimeoutError ............... timeout
    │       │   └── SocketTimeoutError ................... timeout
    │       └── ServerFingerprintMismatch ................ tls
    ├── ClientResponseError .............................. protocol (garbage, bad status line)
    │   ├── ContentTypeError, WSServerHandshakeError ..... protocol
    │   ├── ClientHttpProxyError ......................... connect
    │   └── TooManyRedirects ............................. too_many_redirects
    ├── ClientPayloadError, UploadAbortedError ........... protocol
    ├── InvalidURL, InvalidUrlClientError ................ invalid_url
    ├── NonHttpUrlClientError ............................ unsupported_scheme
    └── RedirectClientError (and both *RedirectClientError) bad_redirect

Besides that tree, only what the request itself lets through is mapped:
``TimeoutError`` (aiohttp's total timeout, and our per-attempt deadline),
and the ``ssl.SSLError`` and ``ConnectionError`` a transport can raise
unwrapped. The probe catches exactly :data:`MAPPED` around the request, so
a builtin ``ValueError``, ``OSError`` or ``KeyError`` from our own code is
never mistaken for a URL's failure: it reaches the containment (engine.py)
and becomes that URL's ``internal`` result, made by :func:`internal`. URL
parsing (yarl's ``ValueError``/``UnicodeError``) is mapped where it is
called, in urls.py and in the redirect handling of probe.py.

Lookup walks the exception's MRO, so the most specific entry wins and a class
aiohttp adds later still lands on its parent's kind. ``tests/test_errors.py``
fails when aiohttp defines a ``ClientError`` that is not listed here.
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
from aiohttp import client_exceptions as E

from checker.models import ErrorKind, Failure

K = ErrorKind

MAPPING: dict[type[BaseException], ErrorKind] = {
    # Redirect errors inherit from both a URL error and RedirectClientError: the
    # redirect is what the user needs to hear about, so they are listed exactly.
    E.InvalidUrlRedirectClientError: K.BAD_REDIRECT,
    E.NonHttpUrlRedirectClientError: K.BAD_REDIRECT,
    E.RedirectClientError: K.BAD_REDIRECT,
    E.InvalidUrlClientError: K.INVALID_URL,
    E.InvalidURL: K.INVALID_URL,
    E.NonHttpUrlClientError: K.UNSUPPORTED_SCHEME,
    E.ClientConnectorDNSError: K.DNS,
    E.ClientConnectorCertificateError: K.TLS,
    E.ClientConnectorSSLError: K.TLS,
    E.ClientSSLError: K.TLS,
    E.ServerFingerprintMismatch: K.TLS,
    E.ClientProxyConnectionError: K.CONNECT,
    E.UnixClientConnectorError: K.CONNECT,
    E.ClientConnectorError: K.CONNECT,
    E.ConnectionTimeoutError: K.TIMEOUT,
    E.SocketTimeoutError: K.TIMEOUT,
    E.ServerTimeoutError: K.TIMEOUT,
    E.ServerDisconnectedError: K.DISCONNECTED,
    E.ServerConnectionError: K.DISCONNECTED,
    E.ClientConnectionResetError: K.DISCONNECTED,
    E.ClientOSError: K.DISCONNECTED,
    E.ClientConnectionError: K.DISCONNECTED,
    E.TooManyRedirects: K.TOO_MANY_REDIRECTS,
    E.ClientHttpProxyError: K.CONNECT,
    E.ContentTypeError: K.PROTOCOL,
    E.WSServerHandshakeError: K.PROTOCOL,
    E.ClientResponseError: K.PROTOCOL,
    E.ClientPayloadError: K.PROTOCOL,
    E.UploadAbortedError: K.PROTOCOL,
    E.ClientError: K.PROTOCOL,
    # Let through the request unwrapped, or raised by our per-attempt deadline.
    TimeoutError: K.TIMEOUT,
    ssl.SSLError: K.TLS,
    ConnectionError: K.DISCONNECTED,
}
# For ``except MAPPED``: exactly what the request raises for a per-URL reason.
MAPPED: tuple[type[BaseException], ...] = tuple(MAPPING)

INTERNAL_HINT = "this is a bug in urlcheck, please report it (--debug shows the traceback)"


def classify(exc: BaseException, *, timeout: float | None = None) -> Failure:
    """Map an exception raised while checking one URL to a :class:`Failure`.

    ``CancelledError`` is never a per-URL failure: it is re-raised so that
    cancellation (fail-fast, Ctrl-C) keeps working.
    """
    if isinstance(exc, asyncio.CancelledError):
        raise exc
    for cls in type(exc).__mro__:
        kind = MAPPING.get(cls)
        if kind is not None:
            return Failure(kind, _message(exc, kind, timeout))
    raise exc


def internal(exc: BaseException) -> Failure:
    """The ``internal`` failure for an exception no mapping expected: a bug."""
    detail = _one_line(str(exc))
    name = type(exc).__name__
    return Failure(
        K.INTERNAL, f"{name}: {detail}; {INTERNAL_HINT}" if detail else f"{name}; {INTERNAL_HINT}"
    )


def _message(exc: BaseException, kind: ErrorKind, timeout: float | None) -> str:
    if kind is K.TIMEOUT and timeout is not None and not str(exc):
        return f"no complete response within {timeout:g} s"
    if isinstance(exc, aiohttp.ClientResponseError) and exc.__cause__ is not None:
        # A garbage reply surfaces as a fake 400 whose real cause is chained.
        return _one_line(f"{type(exc.__cause__).__name__}: {exc.__cause__}")
    text = str(exc) or type(exc).__name__
    return _one_line(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]
