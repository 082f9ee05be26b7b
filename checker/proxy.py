"""Forward proxies: ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY``.

Read as curl reads them: the lowercase name wins over the uppercase one, and
``HTTP_PROXY`` in uppercase is ignored inside a CGI script (``REQUEST_METHOD``
set: the "httpoxy" header injection), as Python's urllib does. The
``--http-proxy``/``--https-proxy``/``--no-proxy`` options and config keys
override the environment.

The proxy is chosen per request, here, and passed to aiohttp explicitly,
rather than with aiohttp's ``trust_env``: that also sends ``~/.netrc``
credentials to any host they name, and looks the environment up again, in a
thread, for every request. An ``https://`` URL goes through an ``http://``
proxy as a ``CONNECT`` tunnel (TLS is end to end, the proxy sees only the host
and port); an ``http://`` URL is sent to the proxy in absolute form. Proxy
credentials (``http://user:pass@proxy:3128``) become a ``Proxy-Authorization``
header sent to the proxy only; the password is a secret (Settings.secrets).

``NO_PROXY`` is a comma- or space-separated list: ``*`` (every host), a domain
(``example.com`` or ``.example.com``, matching it and its subdomains), an IP
address, a CIDR block (``10.0.0.0/8``), each optionally with ``:PORT``.
"""

from __future__ import annotations

import base64
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

from multidict import CIMultiDict
from yarl import URL

# Proxies aiohttp can speak to. A SOCKS proxy needs another package.
PROXY_SCHEMES = ("http", "https")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProxyError(ValueError):
    """A proxy setting that cannot be used; the message never shows credentials."""


def from_environ(names: tuple[str, ...], environ: Mapping[str, str] | None = None) -> str | None:
    """The first of ``names`` (lowercase first, as curl reads them) set and not empty."""
    env = os.environ if environ is None else environ
    for name in names:
        for key in (name.lower(), name.upper()):
            if key == "HTTP_PROXY" and "REQUEST_METHOD" in env:
                continue  # httpoxy: a CGI request's "Proxy:" header arrives as HTTP_PROXY
            value = env.get(key, "").strip()
            if value:
                return value
    return None


def env_http_proxy() -> str | None:
    return from_environ(("http_proxy", "all_proxy"))


def env_https_proxy() -> str | None:
    return from_environ(("https_proxy", "all_proxy"))


def env_no_proxy() -> str | None:
    return from_environ(("no_proxy",))


def check_proxy_url(text: str, option: str) -> str:
    """Validate a proxy URL; a bare ``host:port`` means ``http://host:port`` (curl)."""
    value = text.strip()
    if "://" not in value:
        value = "http://" + value
    try:
        url = URL(value)
        ok = url.scheme in PROXY_SCHEMES and bool(url.raw_host) and url.port is not None
    except (ValueError, TypeError, IndexError):
        ok = False
    if not ok:
        scheme = value.partition("://")[0].lower()
        if scheme.startswith("socks"):
            raise ProxyError(f"{option}: SOCKS proxies are not supported (use an http:// proxy)")
        # Not echoed: the value may hold the proxy's password.
        raise ProxyError(f"{option} is not an http:// proxy URL like http://proxy:3128 (not shown)")
    return value


def password(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return URL(text).password or None
    except (ValueError, TypeError, IndexError):
        return None


@dataclass(frozen=True, slots=True)
class _Proxy:
    url: URL  # without credentials
    headers: CIMultiDict[str] | None  # Proxy-Authorization, when the URL had credentials


class Proxies:
    """Which proxy, if any, a request to a URL goes through."""

    def __init__(self, http: str | None, https: str | None, no_proxy: str | None) -> None:
        self._by_scheme = {"http": _proxy(http), "https": _proxy(https)}
        self.active = any(self._by_scheme.values())
        self._bypass = Bypass(no_proxy or "")

    def for_url(
        self, url: URL, headers: CIMultiDict[str] | None
    ) -> tuple[URL | None, CIMultiDict[str] | None, CIMultiDict[str] | None]:
        """The proxy for ``url`` (None: go direct), the headers of a CONNECT to
        it, and the request's headers.

        aiohttp sends ``proxy_headers`` only with a CONNECT; a plain http://
        request goes to the proxy itself, so its Proxy-Authorization rides on
        the request (and the proxy removes it, as a hop-by-hop header).
        """
        if not self.active:
            return None, None, headers
        proxy = self._by_scheme.get(url.scheme)
        if proxy is None or self._bypass(url.raw_host or "", url.port):
            return None, None, headers
        if proxy.headers is None or url.scheme != "http":
            return proxy.url, proxy.headers, headers
        merged = CIMultiDict(headers or ())
        merged.update(proxy.headers)
        return proxy.url, None, merged


def _proxy(text: str | None) -> _Proxy | None:
    if text is None:
        return None
    url = URL(text)
    headers = None
    if url.user is not None:
        headers = CIMultiDict({"Proxy-Authorization": basic(url.user, url.password or "")})
    return _Proxy(url.with_user(None).with_password(None), headers)


def basic(user: str, password: str) -> str:
    """An ``Authorization: Basic`` value, UTF-8 as RFC 7617's charset asks."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class Bypass:
    """``NO_PROXY``: ``bypass(host, port)`` is True when the host goes direct."""

    def __init__(self, text: str) -> None:
        self.everything = False
        self._names: list[tuple[str, int | None]] = []
        self._networks: list[tuple[Network, int | None]] = []
        for raw in text.replace(" ", ",").split(","):
            entry = raw.strip().lower()
            if not entry:
                continue
            if entry == "*":
                self.everything = True
                continue
            host, port = _split_port(entry)
            try:
                self._networks.append((ipaddress.ip_network(host, strict=False), port))
            except ValueError:
                self._names.append((host.lstrip(".").removesuffix("."), port))

    def __call__(self, host: str, port: int | None) -> bool:
        if self.everything:
            return True
        host = host.lower().strip("[]").removesuffix(".")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None:
            return any(
                address in net and (want is None or want == port) for net, want in self._networks
            )
        return any(
            (host == name or host.endswith("." + name)) and (want is None or want == port)
            for name, want in self._names
        )


def _split_port(entry: str) -> tuple[str, int | None]:
    """``host:port``, ``[v6]:port``, or a bare host, IPv6 address or CIDR block."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None
