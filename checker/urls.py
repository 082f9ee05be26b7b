"""Validate a URL before any request is made.

aiohttp accepts some malformed hosts (``http://exa mple.com/``, ``http://a..b/``)
and sends them to the resolver, so they would fail later as a misleading
``dns`` error; the checks that can be made offline are made here, once, and
give ``invalid_url`` or ``unsupported_scheme``.
"""

from __future__ import annotations

import functools
import ipaddress
import re

from yarl import URL

from checker.models import ErrorKind, Failure

HTTP_SCHEMES = frozenset({"http", "https"})
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)\Z")
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# Only strings that could be an IP address pay for ipaddress's exception path.
_IP_LIKE = re.compile(r"[0-9.]+\Z|.*:")


def parse(url: str) -> URL | Failure:
    """Parse ``url`` for requesting, or return why it cannot be requested."""
    if _BAD_CHARS.search(url):
        return Failure(ErrorKind.INVALID_URL, "URL contains whitespace or control characters")
    if not _SCHEME.match(url):
        return Failure(ErrorKind.INVALID_URL, "URL has no scheme (expected http:// or https://)")
    try:
        parsed = URL(url)
        scheme = parsed.scheme
        if scheme not in HTTP_SCHEMES:
            return Failure(ErrorKind.UNSUPPORTED_SCHEME, f"scheme {scheme!r} is not http or https")
        host = parsed.raw_host
        parsed.port  # noqa: B018 - yarl validates the port lazily
    # What yarl raises on a malformed URL: ValueError (UnicodeError is one, from
    # IDNA), and IndexError on some hosts, e.g. "http://][@".
    except (ValueError, IndexError) as exc:
        return Failure(ErrorKind.INVALID_URL, f"cannot parse URL: {exc or type(exc).__name__}")
    if not host:
        return Failure(ErrorKind.INVALID_URL, "URL has no host")
    if not valid_host(host):
        return Failure(ErrorKind.INVALID_URL, f"invalid host name {host!r}")
    return parsed


# A list names the same hosts over and over; validating each once saves ~3 µs a URL.
@functools.lru_cache(maxsize=4096)
def valid_host(host: str) -> bool:
    if _IP_LIKE.match(host):
        try:
            ipaddress.ip_address(host)
            return True
        except ValueError:
            if ":" not in host:
                return False  # all digits and dots, yet not an address: 999.1.1.1
    name = host.lower().removesuffix(".")
    if not name or len(name) > 253:
        return False
    return all(_LABEL.match(label) for label in name.split("."))
