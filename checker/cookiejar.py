"""The session's cookie jar for ``--cookie-jar FILE`` (the file is read by
cookies.py): apart from it because it subclasses aiohttp's, which a
``--dump`` never loads (~0.3 s of start-up)."""

from __future__ import annotations

import http.cookiejar
from http.cookies import SimpleCookie
from typing import Any

import aiohttp
from yarl import URL

_NO_URL = URL()


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
