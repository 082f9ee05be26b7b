"""``--basic-auth 'URL_REGEX USER:PASSWORD'``: HTTP Basic credentials for the
URLs that match, as lychee's option of the same name.

The first rule whose regex is found in a URL (``re.search``) gives its
``Authorization`` header. It is sent only to matching URLs, and never after a
redirect has left the origin the check started at, nor back again: a
redirect is the server's choice, and a credential must not follow it to
another host. A user's own ``Authorization`` header (``-H``) wins over a rule.

The password is a secret: masked in ``repr``, listed in Settings.secrets
(with the encoded header value), never quoted in an error message.
"""

from __future__ import annotations

import re

from multidict import CIMultiDict
from pydantic import BaseModel, ConfigDict, SecretStr
from yarl import URL

from checker.proxy import basic

_FORM = "write it as 'URL_REGEX USER:PASSWORD' (the text is not shown)"


class BasicAuthRule(BaseModel):
    """One ``--basic-auth`` value."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    pattern: re.Pattern[str]
    user: str
    password: SecretStr

    @classmethod
    def parse(cls, text: str) -> BasicAuthRule:
        parts = text.strip().split(None, 1)
        if len(parts) != 2:
            raise ValueError(_FORM)
        regex, credentials = parts
        user, sep, password = credentials.strip().partition(":")
        if not sep or not user:
            raise ValueError(_FORM)
        if any(c in credentials for c in "\r\n\0"):
            raise ValueError("the credentials contain a line break (not shown)")
        try:
            pattern = re.compile(regex)
        except re.error as exc:
            # exc.msg, never str(exc): that quotes the text, which may be the password.
            raise ValueError(f"URL_REGEX is not a valid regular expression: {exc.msg}") from None
        return cls(pattern=pattern, user=user, password=SecretStr(password))

    @property
    def header(self) -> str:
        return basic(self.user, self.password.get_secret_value())

    def __str__(self) -> str:
        return f"{self.pattern.pattern} {self.user}:**********"


class Credentials:
    """The rules of a run, with their headers encoded once."""

    def __init__(self, rules: tuple[BasicAuthRule, ...]) -> None:
        self._rules = [(rule.pattern, rule.header) for rule in rules]

    def headers_for(self, url: URL, headers: CIMultiDict[str] | None) -> CIMultiDict[str] | None:
        """``headers`` plus the ``Authorization`` of the first rule matching ``url``."""
        if headers is not None and "Authorization" in headers:
            return headers
        text = str(url)
        for pattern, value in self._rules:
            if pattern.search(text):
                merged = CIMultiDict(headers or ())
                merged["Authorization"] = value
                return merged
        return headers


def secrets(rules: tuple[BasicAuthRule, ...]) -> tuple[str, ...]:
    """Each password, and the header value that carries it."""
    found: list[str] = []
    for rule in rules:
        password = rule.password.get_secret_value()
        if password:
            found += (password, rule.header, rule.header.removeprefix("Basic "))
    return tuple(found)
