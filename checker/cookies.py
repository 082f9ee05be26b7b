"""``--cookie-jar FILE``: cookies a user brings, for login walls.

The file is Netscape's cookie format, as curl (``-c``) and lychee write it.
Its cookies are sent wherever their domain and path match, on every URL, and
nothing a server sets ever joins them: a server's cookies live only in one
URL's redirect chain (probe.py), so no result depends on the order of checking.
"""

from __future__ import annotations

import http.cookiejar
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
from yarl import URL

_NO_URL = URL()


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


class FileCookieJar(aiohttp.CookieJar):
    """The session's jar: the file's cookies, read once; ``Set-Cookie`` ignored."""

    def __init__(self, cookies: list[http.cookiejar.Cookie]) -> None:
        super().__init__(unsafe=True)  # IP-address hosts too, as curl does
        for cookie in cookies:
            if cookie.value is None:
                continue
            morsel = SimpleCookie()
            morsel[cookie.name] = cookie.value
            morsel[cookie.name]["path"] = cookie.path or "/"
            host = cookie.domain.lstrip(".")
            if cookie.domain.startswith("."):  # "include subdomains" in the file
                morsel[cookie.name]["domain"] = host
            if cookie.secure:
                morsel[cookie.name]["secure"] = True
            super().update_cookies(morsel, URL.build(scheme="http", host=host))

    def update_cookies(self, cookies: Any, response_url: URL = _NO_URL) -> None:
        """Servers' cookies stay in their redirect chain, never in the run's jar."""

    def update_cookies_from_headers(self, headers: Any, response_url: URL) -> None:
        """See :meth:`update_cookies`."""


def values(path: Path | None) -> tuple[str, ...]:
    """The file's cookie values: secrets, masked in every output."""
    if path is None:
        return ()
    try:
        return tuple(c.value for c in read(path) if c.value)
    except CookieFileError:
        return ()
