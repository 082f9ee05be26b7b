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
from checker.scheduler import Attempted
from checker.urls import parse

PREFIX = "also answers over https: use "


class ProbeLike(Protocol):
    """The probe's shape (probe.py), which the wrappers here and in wayback.py keep."""

    def limits(self, host: str) -> tuple[int, float]: ...

    async def __call__(
        self, target: Target, parsed: URL | None = None, tries: int = 1
    ) -> Result | Attempted: ...


def result_of(answer: Result | Attempted) -> Result:
    return answer.result if isinstance(answer, Attempted) else answer


class RequireHttps:
    """Wraps the probe: ``await RequireHttps(probe)(target, parsed)``."""

    def __init__(self, probe: ProbeLike) -> None:
        self._probe = probe

    def limits(self, host: str) -> tuple[int, float]:
        return self._probe.limits(host)

    async def __call__(
        self, target: Target, parsed: URL | None = None, tries: int = 1
    ) -> Result | Attempted:
        answer = await self._probe(target, parsed, tries)
        result = result_of(answer)
        if result.outcome is not Outcome.OK:  # an ok answer is final: never retried
            return answer
        url = parsed if parsed is not None else parse(target.url)
        if isinstance(url, Failure) or url.scheme != "http":
            return answer
        secure = url.with_scheme("https")
        twin = await self._probe(Target(target.index, str(secure), ()), secure)
        if result_of(twin).outcome is Outcome.OK:
            result.reason = PREFIX + str(secure)
        return answer
