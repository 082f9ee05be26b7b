"""Secrets never reach any output, in any form, in any field.

Two kinds of secret are masked:

* the values the user gave urlcheck to send (``Settings.secrets``: header
  values today; a new source of secrets is one more value there), as written,
  percent-encoded, as an auth scheme's credentials alone (``Bearer <token>``:
  a server that redirects to ``/login?token=<token>`` echoes only the token),
  matched without regard to case, since hosts and percent-escapes are
  case-folded on the way;
* the password of any URL's userinfo (``https://user:pass@host/`` prints as
  ``https://user:***@host/``), wherever a URL is written, and its value
  elsewhere in the same result.

Every text field of a result is masked (``url`` and ``sources`` included:
the password is in the user's own URL), so each format prints only masked
text and its own escaping cannot produce an unmasked form.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote, urlsplit

from checker.models import Failure, Result

MASK = "***"
# Shorter values ("1", "no-cache") are not secrets, and masking them would
# mangle every URL that happens to contain them. A short password is still
# masked where it sits, in its URL's userinfo.
MIN_LENGTH = 6

# The userinfo of a URL: "//user:password@". The password runs to the last "@"
# before the path, as urlsplit reads it. Each class stops at "/", so no two
# matches overlap and the scan stays linear.
_USERINFO = re.compile(r"(//[^\s/?#@:]*:)[^\s/?#]*@")
_AUTH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*\s+(\S+)\s*")


def forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each secret in every form a report could show it, longest first so
    that no shorter secret splits a longer one."""
    found = {form for s in secrets for part in _parts(s) for form in _encodings(part)}
    return tuple(sorted((f for f in found if len(f) >= MIN_LENGTH), key=len, reverse=True))


def _parts(secret: str) -> Iterable[str]:
    """The value, and what a server could echo of it on its own."""
    yield secret
    scheme = _AUTH_SCHEME.fullmatch(secret)
    if scheme is None:
        return
    credentials = scheme.group(1)
    yield credentials
    try:  # Basic: base64 of "user:password"
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return
    yield decoded
    yield decoded.partition(":")[2]


def _encodings(secret: str) -> tuple[str, ...]:
    # yarl writes a space as %20 in a path and as + in a query; a status line
    # is quoted as a bytes repr.
    return (
        secret,
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret, safe="/"),
        quote_plus(secret, safe=""),
        repr(secret.encode("utf-8", "replace"))[2:-1],
    )


class Masker:
    """Masks one run's secrets (:func:`forms`) and every userinfo password."""

    def __init__(self, secret_forms: tuple[str, ...] = ()) -> None:
        self.forms = secret_forms
        self._pattern = _pattern(secret_forms)
        # For the quick check: ASCII text matches ASCII forms, case aside, exactly
        # when its lower-case holds theirs (a substring search, not a regex).
        ascii_forms = all(f.isascii() for f in secret_forms)
        self._lower = tuple(f.lower() for f in secret_forms) if ascii_forms else None
        self._last: Result | None = None  # the result masked last, for :meth:`again`

    @classmethod
    def of(cls, secrets: Iterable[str]) -> Masker:
        return cls(forms(secrets))

    def text(self, text: str, extra: re.Pattern[str] | None = None) -> str:
        """``text`` with every secret, and ``extra``, replaced by the mask."""
        if "@" in text:
            text = _USERINFO.sub(rf"\g<1>{MASK}@", text)
        for pattern in (self._pattern, extra):
            if pattern is not None:
                text = pattern.sub(MASK, text)
        return text

    def again(self, result: Result) -> Result:
        """:meth:`result`, unless ``result`` is the one this masker masked last.

        The engine masks each result as it leaves the run (engine.py), and
        the reporters' layer (reporting.py) gets it next, unchanged: with the
        same masker, that second pass is skipped. A result the engine did not
        mask (a cancelled one, a worker's) is masked here as before.
        """
        return result if result is self._last else self.result(result)

    def result(self, result: Result) -> Result:
        """Mask every text field of ``result``, in place."""
        if self._may_hold_secrets(result):
            self._mask(result)
        self._last = result
        return result

    def _mask(self, result: Result) -> None:
        passwords = tuple(_passwords(result))
        extra = _pattern(forms(passwords)) if passwords else None
        mask = self.text
        result.url = mask(result.url, extra)
        if result.final_url is not None:
            result.final_url = mask(result.final_url, extra)
        result.redirects = [mask(url, extra) for url in result.redirects]
        if result.moved_to is not None:
            result.moved_to = mask(result.moved_to, extra)
        if result.suggestion is not None:
            result.suggestion = mask(result.suggestion, extra)
        if result.error is not None:
            result.error = Failure(result.error.kind, mask(result.error.message, extra))
        if result.reason is not None:
            result.reason = mask(result.reason, extra)
        result.sources = tuple(
            s if (path := mask(s.path, extra)) == s.path else dataclasses.replace(s, path=path)
            for s in result.sources
        )

    def _may_hold_secrets(self, result: Result) -> bool:
        error = result.error
        text = "\n".join(
            (
                result.url,
                result.final_url or "",
                *result.redirects,
                result.moved_to or "",
                result.suggestion or "",
                "" if error is None else error.message,
                result.reason or "",
                *(s.path for s in result.sources),
            )
        )
        # A userinfo password needs an "@"; anything else is one of the forms.
        if "@" in text:
            return True
        if self._pattern is None:
            return False
        if self._lower is not None and text.isascii():
            low = text.lower()
            return any(form in low for form in self._lower)
        return self._pattern.search(text) is not None


def _pattern(found: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive alternation; ``found`` is longest first, so the
    longest secret at a position wins."""
    if not found:
        return None
    return re.compile("|".join(re.escape(f) for f in found), re.IGNORECASE)


def _passwords(result: Result) -> Iterable[str]:
    """The userinfo passwords of the URLs in ``result``, as written and decoded."""
    for url in (result.url, result.final_url, *result.redirects):
        if url is None or "@" not in url:
            continue
        try:
            password = urlsplit(url).password
        except ValueError:
            continue
        if password:
            yield password
            yield unquote(password)


@functools.lru_cache(maxsize=8)
def shared(secret_forms: tuple[str, ...]) -> Masker:
    """The one masker of ``secret_forms`` (from :func:`forms`) in this process:
    the engine's and the reporters' are the same, so :meth:`Masker.again` can
    tell a result already masked."""
    return Masker(secret_forms)


def redact(result: Result, secret_forms: tuple[str, ...]) -> Result:
    """Mask ``secret_forms`` (from :func:`forms`) and every userinfo password
    in every text field of ``result``, in place."""
    return shared(secret_forms).result(result)
