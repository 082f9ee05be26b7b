"""``--require-https``: flag ``http://`` links whose host also answers over https.

Asked only of an ``http://`` link that came back ok: the same URL with the
``https`` scheme is checked by the same probe (same headers, proxies, host
limits and policy). When that answers ok too, the http result stays ok and
its ``reason`` says so, with the URL to use; "ok with a reason" is the
closest the result model has to a warning until warning levels exist. An
https answer that fails (no TLS on the host, a bad certificate) adds
nothing: the link is then right to use http.
"""

from __future__ import annotations

from typing import Protocol

from yarl import URL

from checker.models import Failure, Outcome, Result, Target
from checker.urls import parse

PREFIX = "also answers over https: use "


class ProbeLike(Protocol):
    async def __call__(self, target: Target, parsed: URL | None = None) -> Result: ...


class RequireHttps:
    """Wraps the probe: ``await RequireHttps(probe)(target, parsed)``."""

    def __init__(self, probe: ProbeLike) -> None:
        self._probe = probe

    async def __call__(self, target: Target, parsed: URL | None = None) -> Result:
        result = await self._probe(target, parsed)
        if result.outcome is not Outcome.OK:
            return result
        url = parsed if parsed is not None else parse(target.url)
        if isinstance(url, Failure) or url.scheme != "http":
            return result
        secure = url.with_scheme("https")
        answer = await self._probe(Target(target.index, str(secure), ()), secure)
        if answer.outcome is Outcome.OK:
            result.reason = PREFIX + str(secure)
        return result
