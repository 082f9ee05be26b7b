"""The crawl scope: which pages a crawl reads and follows.

By default a page is in scope when it is under one seed: the same scheme,
host and port, and a path that starts with the seed's directory (the seed's
path up to its last ``/``). ``--crawl-scope REGEX`` replaces that: a page is
in scope when any regex matches its URL (``re.search``). Links out of scope
are still checked, never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_and_path(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a hostile URL: "http://[x" or a port out of range
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    shown = "" if port is None or port == _DEFAULT_PORTS[scheme] else f":{port}"
    return f"{scheme}://{parts.hostname}{shown}", parts.path or "/"


class Scope:
    def __init__(self, patterns: Iterable[re.Pattern[str]], seeds: Iterable[str]) -> None:
        self._patterns = tuple(patterns)
        prefixes: set[tuple[str, str]] = set()
        for seed in seeds:
            split = _origin_and_path(seed)
            if split is not None:
                origin, path = split
                prefixes.add((origin, path[: path.rfind("/") + 1]))
        self._prefixes = tuple(sorted(prefixes))

    def __call__(self, url: str) -> bool:
        if self._patterns:
            return any(pattern.search(url) for pattern in self._patterns)
        split = _origin_and_path(url)
        if split is None:
            return False
        origin, path = split
        return any(origin == o and path.startswith(p) for o, p in self._prefixes)
