"""What each host's HEAD is worth, learnt during the run (``--method auto``).

Many servers answer HEAD wrongly (405/501, or a 403/404 that GET would not
give), and a failing HEAD is therefore confirmed with GET. Per host:

* a HEAD answered 405 or 501, or a HEAD whose status GET contradicted, makes
  the host **get-first**: its other URLs are asked with GET alone, saving the
  HEAD that would be wasted on each;
* ``TRUST_AFTER`` failing HEADs that GET confirmed (the same 4xx, not 408/429)
  make the host **trusted**: a later failing HEAD is believed without the
  confirming GET. ``--method auto-strict`` never trusts.

A host with nothing learnt has no entry; past ``_MAX_HOSTS`` entries the table
starts over rather than grow with an input of millions of hosts.
"""

from __future__ import annotations

from checker.hoststats import HostStats

TRUST_AFTER = 3
NOT_ALLOWED = frozenset({405, 501})
_TRANSIENT = frozenset({408, 429})  # say nothing about the URL: not a confirmation
_GET_FIRST = -1
_MAX_HOSTS = 65536


class HeadHabits:
    def __init__(self, stats: dict[str, HostStats] | None = None) -> None:
        self._hosts: dict[str, int] = {}  # host -> _GET_FIRST or GET confirmations
        self._stats = stats

    def get_first(self, host: str) -> bool:
        return self._hosts.get(host) == _GET_FIRST

    def believe(self, host: str, strict: bool) -> bool:
        """May a failing HEAD on ``host`` stand without a confirming GET?"""
        return not strict and self._hosts.get(host, 0) >= TRUST_AFTER

    def head_refused(self, host: str, status: int) -> bool:
        """Learn from a HEAD answered ``status``; True if it says nothing (405/501)."""
        if status in NOT_ALLOWED:
            self._set(host, _GET_FIRST, "get-first")
            return True
        return False

    def confirmed(self, host: str, head: int, get: int) -> None:
        """Learn from a failing HEAD that GET then answered ``get``."""
        seen = self._hosts.get(host, 0)
        if seen == _GET_FIRST:
            return
        if head != get:
            self._set(host, _GET_FIRST, "get-first")
        elif 400 <= head < 500 and head not in _TRANSIENT:
            self._set(host, seen + 1, "trusted" if seen + 1 >= TRUST_AFTER else "head")

    def _set(self, host: str, value: int, mode: str) -> None:
        if len(self._hosts) >= _MAX_HOSTS and host not in self._hosts:
            self._hosts.clear()
        self._hosts[host] = value
        if self._stats is not None:
            self._stats.setdefault(host, HostStats()).head = mode
