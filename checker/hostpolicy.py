"""Which policy applies to a host: ``[hosts."..."]`` tables and ``--header-for``.

A host's policy is layered, least specific first: the top-level settings,
then the ``[hosts."*"]`` table (defaults for every host), then every
matching ``*.domain`` table from the shortest domain to the longest, then
the table for the exact host. A field a table leaves unset is inherited;
headers merge by name, the more specific table winning. A wildcard matches
subdomains at any depth but not the domain itself.

Resolved once per host and cached, because the probe asks for every URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from multidict import CIMultiDict

from checker.choices import Method
from checker.settings import HostPolicy, Settings

# Enough for the hosts of any real run; past it the cache starts over rather
# than grow with an input of millions of distinct hosts.
_CACHE_MAX = 4096


@dataclass(slots=True, frozen=True)
class Policy:
    """What the probe needs to know about one host."""

    concurrency: int
    interval: float  # the configured minimum gap between request starts
    headers: CIMultiDict[str] | None  # None, not empty: aiohttp then skips a merge
    accept: frozenset[int]  # StatusSet.statuses: asked twice per URL
    timeout: float
    method: Method
    fragments: bool = True  # a [hosts] table's ``fragments = false``: status only


class PolicyTable:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        tables: dict[str, list[HostPolicy]] = {p: [t] for p, t in settings.hosts.items()}
        for pattern, header in settings.header_for:
            tables.setdefault(pattern, []).append(HostPolicy(headers=(header,)))
        self._every = tables.pop("*", [])  # [hosts."*"]: under every other table
        self._tables = tables
        self._cache: dict[str, Policy] = {}
        self.default = self._layer(self._every)

    def for_host(self, host: str) -> Policy:
        """``host`` as yarl's ``raw_host`` gives it: lowercase, IDNA-encoded."""
        if not self._tables:
            return self.default
        policy = self._cache.get(host)
        if policy is None:
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            tables = self.matching(host)
            policy = self._cache[host] = (
                self._layer(self._every + tables) if tables else self.default
            )
        return policy

    def matching(self, host: str) -> list[HostPolicy]:
        """The tables that apply to ``host``, least specific first."""
        name = host.removesuffix(".")
        labels = name.split(".")
        found: list[HostPolicy] = []
        for i in range(len(labels) - 1, 0, -1):
            found += self._tables.get("*." + ".".join(labels[i:]), ())
        found += self._tables.get(name, ())
        return found

    def _layer(self, tables: tuple[HostPolicy, ...] | list[HostPolicy]) -> Policy:
        s = self._settings
        concurrency, interval = s.per_host, s.request_interval
        accept, timeout, method = s.accept, s.timeout, s.method
        fragments = True
        headers = CIMultiDict((h.name, h.value.get_secret_value()) for h in s.headers)
        for t in tables:
            concurrency = t.concurrency if t.concurrency is not None else concurrency
            interval = t.request_interval if t.request_interval is not None else interval
            accept = t.accept if t.accept is not None else accept
            timeout = t.timeout if t.timeout is not None else timeout
            method = t.method if t.method is not None else method
            fragments = t.fragments if t.fragments is not None else fragments
            for h in t.headers:
                headers[h.name] = h.value.get_secret_value()
            if t.user_agent is not None:
                # A header like any other: it too stays with its host.
                headers["User-Agent"] = t.user_agent
        statuses = accept.statuses
        return Policy(concurrency, interval, headers or None, statuses, timeout, method, fragments)
