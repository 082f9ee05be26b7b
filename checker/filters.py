"""Which URLs are excluded, and why: every exclusion rule in one place.

The gate (gate.py) asks :class:`LinkFilter` before anything else, and
``--dump`` asks the same object, so what a dump shows as excluded is what a
run excludes. The rules, in the order they are asked:

1. ``#fragment`` links, and ``mailto:``, ``tel:``, ``javascript:``,
   ``data:`` links: nothing to request.
2. ``--scheme``: only the schemes listed are kept.
3. ``--exclude`` / ``--include`` (Settings.exclusion), then the regexes of
   ``.urlcheckignore``; ``--include`` wins over both.
4. ``--exclude-private``: a host written as a loopback, private,
   link-local or unique-local address (or ``localhost``). Names that
   *resolve* to one are caught by :class:`PrivateHosts` in the gate,
   since that takes a DNS lookup.

The host is judged as the connection will use it, not as written: yarl's
form of it (IDNA/UTS-46, which NFKC-folds fullwidth letters and digits and
the ideographic and fullwidth dots: fullwidth ``http://127。0。0。1/`` is
127.0.0.1), lower-cased, trailing dots dropped (``LOCALHOST.``). A host
that the system resolver reads as a number (inet_aton's forms: ``0x7f.1``,
``0177.0.0.1``, ``2130706433``) is judged as that address; most of those
forms are already ``invalid_url`` (urls.py), the rest would connect to it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Sequence
from pathlib import Path

from yarl import URL

from checker.settings import Settings
from checker.sources.interface import SourceError

IGNORE_FILE = ".urlcheckignore"
_NOT_CHECKED = frozenset({"mailto", "tel", "javascript", "data"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Hosts the C resolver may read as an IPv4 address (inet_aton: 1 to 4 parts,
# each decimal, octal or 0x-hex).
_NUMERIC_HOST = re.compile(r"[0-9][0-9a-fx.]*\Z")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# The regexes of a .urlcheckignore file, each with where it was read ("file:line").
IgnoreRules = Sequence[tuple[re.Pattern[str], str]]


class LinkFilter:
    """``filter(url)`` is the reason ``url`` is excluded, or None to check it."""

    def __init__(self, settings: Settings, ignore: IgnoreRules = ()) -> None:
        self._settings = settings
        self._schemes = frozenset(settings.scheme)
        # An explicit input, read by the caller that wants it (the CLI does; the
        # library reads no file unless asked, as the README promises).
        self._ignore = ignore

    def __call__(self, url: str) -> str | None:
        if url.startswith("#"):
            # Resolved to its document by the sources unless --fragments off, or
            # there is no document to name (stdin without --base-url).
            return "a fragment of the same page (not resolved to a document)"
        match = _SCHEME.match(url)
        scheme = match[1].lower() if match else None
        if scheme in _NOT_CHECKED:
            return f"a {scheme}: link (nothing to request)"
        if self._schemes and scheme is not None and scheme not in self._schemes:
            return f"scheme {scheme!r} is not one of --scheme {', '.join(sorted(self._schemes))}"
        settings = self._settings
        # The one include-wins rule, over --exclude and the ignore file alike.
        if (settings.exclude or self._ignore) and not any(p.search(url) for p in settings.include):
            for pattern in settings.exclude:
                if pattern.search(url):
                    return f"matches --exclude {pattern.pattern!r}"
            for pattern, where in self._ignore:
                if pattern.search(url):
                    return f"matches {pattern.pattern!r} in {where}"
        if settings.exclude_private and scheme in ("http", "https"):
            return _literal_private(url)
        return None


def read_ignore_file(start: Path | None = None) -> list[tuple[re.Pattern[str], str]]:
    """The regexes of ``.urlcheckignore`` in the current directory, else at the
    repository root (the nearest ancestor holding ``.git``). Blank lines and
    ``#`` comments are skipped. A bad regex is a :class:`SourceError` (exit 2)."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, _repository_root(here)):
        if directory is None:
            continue
        path = directory / IGNORE_FILE
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (FileNotFoundError, NotADirectoryError):
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"cannot read {str(path)!r}: {exc}") from None
        patterns = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()  # noqa: PLW2901
            if not line or line.startswith("#"):
                continue
            try:
                patterns.append((re.compile(line), f"{path.name}:{number}"))
            except re.error as exc:
                raise SourceError(
                    f"{path}:{number}: {line!r} is not a valid regex: {exc}"
                ) from None
        return patterns
    return []


def _repository_root(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def is_private(address: IPAddress) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_private or address.is_loopback or address.is_link_local


def _literal_private(url: str) -> str | None:
    try:
        host = URL(url).raw_host  # IDNA/NFKC-normalised, as aiohttp will connect
    except (ValueError, IndexError):  # what yarl raises (UnicodeError is a ValueError;
        # IndexError for e.g. "http://][@")
        return None  # the gate reports the URL as invalid
    if not host:
        return None
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is a loopback name (--exclude-private)"
    address = _address(host)
    if address is None or not is_private(address):
        return None
    return f"{host} is a private address (--exclude-private)"


def _address(host: str) -> IPAddress | None:
    """The address the connection would use for ``host`` without a lookup."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


class PrivateHosts:
    """The DNS half of ``--exclude-private``: a name that resolves to any
    private address is excluded. One lookup per host per run, shared by
    concurrent checks; a name that does not resolve is left to the request
    to report as ``dns``. (A redirect to a private host is not re-checked.)
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._verdicts: dict[str, asyncio.Future[str | None]] = {}

    async def reason(self, host: str) -> str | None:
        if not host:
            return None
        try:
            ipaddress.ip_address(host.strip("[]"))
            return None  # a literal address: LinkFilter has decided already
        except ValueError:
            pass
        verdict = self._verdicts.get(host)
        if verdict is None:
            verdict = self._verdicts[host] = asyncio.ensure_future(self._lookup(host))
        return await asyncio.shield(verdict)

    async def _lookup(self, host: str) -> str | None:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._timeout):
                infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError, UnicodeError):
            return None
        for *_, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            if is_private(address):
                return f"{host} resolves to private address {address} (--exclude-private)"
        return None
