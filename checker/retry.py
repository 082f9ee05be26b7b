"""When to try a URL again, and how long to wait first.

Retried: timeouts, disconnects, 408, 429 and 5xx. Not retried: DNS, TLS and
URL errors, which another try would not change. The wait doubles from
``BACKOFF_BASE`` with jitter, and a server's ``Retry-After`` (seconds or an
HTTP date) is honoured on 429 and 503; every wait is capped by
``--max-retry-wait``. Tests set ``BACKOFF_BASE`` to 0, as Sphinx's linkcheck
tests patch its delays.
"""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

from checker.models import ErrorKind, Failure

BACKOFF_BASE = 1.0
RETRY_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))
RETRY_AFTER_STATUSES = frozenset({429, 503})
RETRY_KINDS = frozenset({ErrorKind.TIMEOUT, ErrorKind.DISCONNECTED})


def should_retry(status: int | None, failure: Failure | None) -> bool:
    if failure is not None:
        return failure.kind in RETRY_KINDS
    return status in RETRY_STATUSES


def backoff(attempt: int, cap: float, base: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): 1, 2, 4 … ±25 %,
    from ``base`` (``--retry-wait``) or else ``BACKOFF_BASE``."""
    delay = (BACKOFF_BASE if base is None else base) * 2.0 ** (attempt - 1)
    return min(cap, delay * random.uniform(0.75, 1.25))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` as delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit() also passes "²", which float() rejects
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # all raised on odd dates
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def wait_before_retry(
    attempt: int,
    status: int | None,
    retry_after_header: str | None,
    cap: float,
    base: float | None = None,
) -> float:
    if status in RETRY_AFTER_STATUSES:
        asked = retry_after(retry_after_header)
        if asked is not None:
            return min(cap, asked)
    return backoff(attempt, cap, base)
