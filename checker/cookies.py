"""``--cookie-jar FILE``: cookies a user brings, for login walls.

The file is Netscape's cookie format, as curl (``-c``) and lychee write it.
Its cookies are sent wherever their domain and path match, on every URL, and
nothing a server sets ever joins them: a server's cookies live only in one
URL's redirect chain (probe.py), so no result depends on the order of checking.
The session's jar is in cookiejar.py: it subclasses aiohttp's, and reading a
file's values (to mask them, as a --dump does) must not import aiohttp.
"""

from __future__ import annotations

import http.cookiejar
import time
from pathlib import Path


class CookieFileError(ValueError):
    """The cookie file cannot be read or is not in Netscape format."""


def read(path: Path) -> list[http.cookiejar.Cookie]:
    """The unexpired cookies of ``path``; CookieFileError names what is wrong,
    never a cookie's value."""
    jar = http.cookiejar.MozillaCookieJar()
    try:
        # curl writes 0 as the expiry of a session cookie: keep those.
        jar.load(str(path), ignore_discard=True, ignore_expires=True)
    except OSError as exc:
        raise CookieFileError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    except (http.cookiejar.LoadError, ValueError, UnicodeError):
        raise CookieFileError(f"{str(path)!r} is not a Netscape cookie file") from None
    now = time.time()
    return [c for c in jar if not c.expires or c.expires > now]


def values(path: Path | None) -> tuple[str, ...]:
    """The file's cookie values: secrets, masked in every output."""
    if path is None:
        return ()
    try:
        return tuple(c.value for c in read(path) if c.value)
    except CookieFileError:
        return ()
