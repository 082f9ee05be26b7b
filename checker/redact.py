"""Header values never reach a report, even when a server echoes one back.

A server can put what it received into a Location (recorded as a redirect,
or quoted in a ``bad_redirect`` message) or into a garbage status line
(quoted in a ``protocol`` message). Those are the fields a server writes;
``url`` and ``sources`` are the user's own text and are left alone.
"""

from __future__ import annotations

from urllib.parse import quote, quote_plus

from checker.models import Failure, Result

MASK = "***"
# Shorter values ("1", "no-cache") are not secrets, and masking them would
# mangle every URL that happens to contain them.
MIN_LENGTH = 6


def forms(secrets: tuple[str, ...]) -> tuple[str, ...]:
    """Each secret as written and as it would appear percent-encoded in a URL,
    longest first so that no shorter secret splits a longer one."""
    found = {form for s in secrets if len(s) >= MIN_LENGTH for form in _encodings(s)}
    return tuple(sorted(found, key=len, reverse=True))


def _encodings(secret: str) -> tuple[str, ...]:
    # yarl writes a space as %20 in a path and as + in a query.
    return (
        secret,
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret, safe="/"),
        quote_plus(secret, safe=""),
    )


def redact(result: Result, secrets: tuple[str, ...]) -> Result:
    """Mask every one of ``secrets`` (see :func:`forms`) in the server-written
    fields of ``result``, in place."""
    if not secrets:
        return result
    if result.final_url is not None:
        result.final_url = _mask(result.final_url, secrets)
    result.redirects = [_mask(url, secrets) for url in result.redirects]
    if result.moved_to is not None:
        result.moved_to = _mask(result.moved_to, secrets)
    if result.suggestion is not None:
        result.suggestion = _mask(result.suggestion, secrets)
    if result.error is not None:
        result.error = Failure(result.error.kind, _mask(result.error.message, secrets))
    return result


def _mask(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text
