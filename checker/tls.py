"""``--min-tls`` and ``--insecure``: the TLS context of the run's session.

Without ``--min-tls`` the session keeps aiohttp's own verified context
(OpenSSL's default minimum, TLS 1.2 on current systems). With it, a context
is made here: the system's trust store (``create_default_context``, which
honours ``SSL_CERT_FILE``), its minimum version raised. A server that cannot
speak it fails the handshake: a ``tls`` error, not retried.

Kept free of heavy imports: the CLI names :class:`TlsVersion` for ``--help``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    import ssl


class TlsVersion(StrEnum):
    V1_2 = "1.2"
    V1_3 = "1.3"


def protocol(version: TlsVersion) -> ssl.TLSVersion:
    import ssl

    match version:
        case TlsVersion.V1_2:
            return ssl.TLSVersion.TLSv1_2
        case TlsVersion.V1_3:
            return ssl.TLSVersion.TLSv1_3
        case _:
            assert_never(version)


def context(min_tls: TlsVersion | None, insecure: bool) -> ssl.SSLContext | bool:
    """What the connector's ``ssl`` is given: aiohttp's default (True), no
    checks (False), or a context of our own when a minimum version is asked."""
    if min_tls is None:
        return not insecure
    import ssl

    made = ssl.create_default_context()
    made.minimum_version = protocol(min_tls)
    if insecure:
        made.check_hostname = False
        made.verify_mode = ssl.CERT_NONE
    return made
