"""Probe: check one target and return its one :class:`Result`. Never raises
for a per-URL problem; only cancellation propagates.

The HTTP rules, next to the code that keeps them:

* HEAD first (``--method auto``); when HEAD's final status is not accepted,
  confirm with GET, because many servers answer HEAD wrongly; what each
  host's HEAD is worth is learnt as the run goes (headlearn.py).
* Never download a body: a small one is read so the connection stays alive
  (ENGINEERING.md: an unread body forces a reconnect), anything larger is
  dropped with the connection.
* Redirects are followed here, not by aiohttp, so that exactly
  ``--max-redirects`` hops are followed, the chain is recorded, and the
  user's headers (``-H``, ``--header-for`` and ``[hosts]`` ones alike) are
  dropped when a redirect leaves the origin (aiohttp keeps custom headers
  such as ``X-API-Key`` across origins).
* Per-host policy (hostpolicy.py) is chosen by the host of the URL as
  listed; the whole redirect chain of an attempt runs under it.
* One attempt per call: the scheduler retries what another try may fix
  (retry.py) after its wait, and paces each host (checker/scheduler/).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from checker import localfile, retry
from checker.choices import Method
from checker.deadlines import Deadlines, Task
from checker.errors import classify
from checker.filters import IgnoreRules, LinkFilter, PrivateHosts
from checker.headlearn import HeadHabits
from checker.hostpolicy import Policy, PolicyTable
from checker.hoststats import HostStats
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.scheduler import Attempted, Cause
from checker.settings import Settings
from checker.urls import HTTP_SCHEMES, parse

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAY_ASK_TO_WAIT = retry.RETRY_AFTER_STATUSES  # a 503 with Retry-After is a rate limit
# Connect-class failures count toward giving a host up (scheduler/hosts.py);
# a timeout counts once per URL (it may be a black hole or a slow answer).
_FAILURE_CAUSES = {
    ErrorKind.DNS: Cause.UNREACHABLE,
    ErrorKind.CONNECT: Cause.UNREACHABLE,
    ErrorKind.TLS: Cause.UNREACHABLE,
    ErrorKind.TIMEOUT: Cause.SILENT,
}
BODY_READ_CAP = 64 * 1024


@dataclass(slots=True)
class _Reply:
    status: int
    final_url: str
    redirects: list[str] = field(default_factory=list)
    retry_after: str | None = None


class Probe:
    """Callable that makes one attempt at a target; shared by every worker of a run.

    The scheduler (checker/scheduler/) owns retries, waits and per-host pacing:
    an attempt returns :class:`Attempted`, saying whether another try may help
    and what the answer says about the host. Checks that need no request
    (excluded, local files, bad URLs) return their final :class:`Result`.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: Settings,
        host_stats: dict[str, HostStats] | None = None,
        ignore: IgnoreRules = (),
    ) -> None:
        self._session = session
        self._settings = settings
        self._policies = PolicyTable(settings)
        self._habits = HeadHabits(host_stats)
        self._deadlines = Deadlines()
        self._filter = LinkFilter(settings, ignore)
        self._private = PrivateHosts(settings.connect_timeout) if settings.exclude_private else None

    def limits(self, host: str) -> tuple[int, float]:
        """``host``'s configured concurrency and request interval, for the scheduler."""
        policy = self._policies.for_host(host)
        return policy.concurrency, policy.interval

    async def __call__(self, target: Target, tries: int = 1, /) -> Result | Attempted:
        url = target.url
        reason = self._filter(url)
        if reason is not None:
            return Result.for_target(target, Outcome.EXCLUDED, reason=reason)
        local = localfile.check(target)  # file: links are checked on disk, not requested
        if local is not None:
            return local
        parsed = parse(url)
        if isinstance(parsed, Failure):
            return Result.for_target(target, Outcome.ERROR, error=parsed)
        host = parsed.raw_host or ""
        if self._private is not None and (reason := await self._private.reason(host)):
            return Result.for_target(target, Outcome.EXCLUDED, reason=reason)
        policy = self._policies.for_host(host)
        task = asyncio.current_task()  # looked up once: every request's deadline is on it
        assert task is not None
        started = time.perf_counter()
        reply, sent = await self._attempt(parsed, host, policy, task)
        took = round((time.perf_counter() - started) * 1000, 1)
        result = self._result(target, reply, tries, took, policy)
        if isinstance(reply, Failure):
            cause = _FAILURE_CAUSES.get(reply.kind, Cause.NONE)
            return Attempted(result, cause, retry.should_retry(None, reply), requests=sent)
        status = reply.status
        wait = retry.retry_after(reply.retry_after) if status in _MAY_ASK_TO_WAIT else None
        if status == 429 or wait is not None:
            cause = Cause.RATE_LIMITED
        elif status >= 500:
            cause = Cause.SERVER_ERROR
        else:
            cause = Cause.ANSWERED
        return Attempted(result, cause, retry.should_retry(status, None), wait, sent)

    def _result(
        self,
        target: Target,
        reply: _Reply | Failure,
        attempts: int,
        elapsed: float,
        policy: Policy,
    ) -> Result:
        if isinstance(reply, Failure):
            return Result.for_target(
                target, Outcome.ERROR, error=reply, attempts=attempts, elapsed_ms=elapsed
            )
        # Built directly, not through for_target(**fields): this is once per URL.
        return Result(
            url=target.url,
            outcome=Outcome.OK if reply.status in policy.accept else Outcome.BROKEN,
            sources=target.sources,
            status=reply.status,
            final_url=reply.final_url,
            redirects=reply.redirects,
            elapsed_ms=elapsed,
            attempts=attempts,
            index=target.index,
        )

    async def _attempt(
        self, url: URL, host: str, policy: Policy, task: Task
    ) -> tuple[_Reply | Failure, int]:
        """One attempt: the final reply, and how many requests it took (the
        host's budget is counted in requests, redirect hops included)."""
        method = policy.method
        if method is Method.GET or (method is not Method.HEAD and self._habits.get_first(host)):
            reply = await self._request("GET", url, policy, task)
            return reply, _requests(reply)
        reply = await self._request("HEAD", url, policy, task)
        sent = _requests(reply)
        if method is Method.HEAD or not isinstance(reply, _Reply):
            return reply, sent
        head = reply.status
        if head in policy.accept or head == 429:  # a 429 speaks of the rate, not the URL
            return reply, sent
        habits = self._habits
        if not habits.head_refused(host, head) and habits.believe(
            host, method is Method.AUTO_STRICT
        ):
            return reply, sent
        reply = await self._request("GET", url, policy, task)
        if isinstance(reply, _Reply):
            habits.confirmed(host, head, reply.status)
        return reply, sent + _requests(reply)

    async def _request(self, method: str, url: URL, policy: Policy, task: Task) -> _Reply | Failure:
        timeout = policy.timeout
        deadlines = self._deadlines
        deadlines.start(task, timeout)
        try:
            return await self._follow(method, url, policy.headers)
        except asyncio.CancelledError:
            if deadlines.stop(task) and task.uncancel() == 0:
                return classify(TimeoutError(), timeout=timeout)
            raise  # someone else cancelled us (fail-fast, Ctrl-C)
        except Exception as exc:  # classify() re-raises what is not a per-URL failure
            return classify(exc, timeout=timeout)
        finally:
            if deadlines.stop(task):  # expired as the reply came in: the reply stands
                task.uncancel()

    async def _follow(
        self, method: str, url: URL, headers: CIMultiDict[str] | None
    ) -> _Reply | Failure:
        start = url
        redirects: list[str] = []
        seen: set[URL] = set()  # filled on the first redirect: most URLs never need it
        while True:
            async with self._session.request(
                method, url, headers=headers, allow_redirects=False
            ) as resp:
                status = resp.status
                location = resp.headers.get("Location") if status in REDIRECT_STATUSES else None
                retry_after = resp.headers.get("Retry-After")
                if method != "HEAD":
                    await _drain(resp)
            if location is None:
                return _Reply(status, str(url), redirects, retry_after)
            try:
                url = url.join(URL(location))
            except (ValueError, TypeError) as exc:
                return Failure(ErrorKind.BAD_REDIRECT, f"bad Location {location!r}: {exc}")
            if url.scheme not in HTTP_SCHEMES:
                return Failure(ErrorKind.BAD_REDIRECT, f"redirect to non-HTTP URL {str(url)!r}")
            invalid = parse(str(url))  # e.g. http://a..b/, which would fail later as "dns"
            if isinstance(invalid, Failure):
                return Failure(ErrorKind.BAD_REDIRECT, f"redirect to {url}: {invalid.message}")
            if not seen:
                seen.add(start)
            if url in seen:
                return Failure(ErrorKind.TOO_MANY_REDIRECTS, f"redirect loop back to {url}")
            if len(redirects) >= self._settings.max_redirects:
                return Failure(
                    ErrorKind.TOO_MANY_REDIRECTS,
                    f"more than {self._settings.max_redirects} redirects",
                )
            redirects.append(str(url))
            seen.add(url)
            if status == 303:
                method = "GET" if method != "HEAD" else method
            if headers and url.origin() != start.origin():
                # Never carry the user's headers, global or scoped to the host
                # (User-Agent included), to another origin; nor back again.
                headers = None


async def _drain(resp: aiohttp.ClientResponse) -> None:
    """Read a small body so the connection can be reused; drop a large one."""
    length = resp.content_length
    if length is not None and length <= BODY_READ_CAP:
        try:
            await resp.read()
        except aiohttp.ClientPayloadError:
            resp.close()  # the status is what we came for; a bad body does not change it
        return
    read = 0
    while read <= BODY_READ_CAP:
        try:
            chunk = await resp.content.readany()
        except aiohttp.ClientPayloadError:
            break
        if not chunk:
            return
        read += len(chunk)
    resp.close()


def _requests(reply: _Reply | Failure) -> int:
    return len(reply.redirects) + 1 if isinstance(reply, _Reply) else 1
