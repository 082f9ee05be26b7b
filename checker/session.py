"""The one ClientSession (and connector) a run uses."""

from __future__ import annotations

import contextlib

import aiohttp
from aiohttp import connector as _connector

from checker.settings import Settings

# Idle keep-alive sockets are not capped by the connector's limit
# (ENGINEERING.md): with thousands of hosts, 15 s of idling holds thousands of
# sockets. 5 s still keeps a connection warm across a list that revisits a host.
KEEPALIVE_TIMEOUT = 5.0
DNS_CACHE_TTL = 300


def open_session(settings: Settings) -> aiohttp.ClientSession:
    raise_fd_limit()
    connector = aiohttp.TCPConnector(
        limit=settings.concurrency,
        limit_per_host=0,  # per-host limits are ours: see hostlimit.py
        ttl_dns_cache=DNS_CACHE_TTL,
        keepalive_timeout=KEEPALIVE_TIMEOUT,
        # aiohttp warns when this is set on a Python that no longer needs it.
        enable_cleanup_closed=getattr(_connector, "NEEDS_CLEANUP_CLOSED", False),
        ssl=not settings.insecure,
        resolver=_resolver(),
    )
    return aiohttp.ClientSession(
        connector=connector,
        # The attempt's deadline is ours (probe.py), started after the host
        # slot is won; aiohttp only bounds the TCP and TLS handshake.
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=settings.connect_timeout),
        headers={"User-Agent": settings.user_agent},
        raise_for_status=False,
    )


def _resolver() -> aiohttp.abc.AbstractResolver:
    try:
        return aiohttp.AsyncResolver()
    except RuntimeError:  # aiodns missing: fall back to the threaded resolver
        return aiohttp.ThreadedResolver()


def raise_fd_limit() -> None:
    """Lift the soft file-descriptor limit to the hard one: each host may hold sockets."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
