"""Probe: request one target that the gate (gate.py) let through, and return
the result of one attempt. HTTP only: HEAD/GET, redirects; the scheduler
(checker/scheduler/) owns retries, waits and per-host state.

What aiohttp and yarl raise is mapped to a result around the request
(errors.py); anything else is a bug and propagates to the one containment
in engine.py, which reports it as that URL's ``internal`` error. Only
cancellation propagates past that.

The HTTP rules, next to the code that keeps them:

* HEAD first (``--method auto``); when HEAD's final status is not accepted,
  confirm with GET, because many servers answer HEAD wrongly. Not after a
  429 or 503: that answer goes through the retry and backoff path. What
  each host's HEAD is worth is learnt as the run goes (headlearn.py).
* Never download or decode a body, nor wait for one once the status is
  known: a body already in keeps the connection alive, one still arriving
  is dropped with its connection (see ``replies.drain``). The one
  exception is a page whose anchors are checked (``read``, given by
  anchors/remote.py): one GET, whose final body pages.py reads, capped and
  within the same timeout.
* Redirects are followed here, not by aiohttp, so that exactly
  ``--max-redirects`` hops are followed, the chain is recorded, and the
  user's headers (``-H``, ``--header-for`` and ``[hosts]`` ones alike) are
  dropped when a redirect leaves the origin (aiohttp keeps custom headers
  such as ``X-API-Key`` across origins).
* ``--basic-auth`` credentials (auth.py) go with the user's headers: only to
  matching URLs, and never once a redirect has left the origin.
* Each hop goes through the proxy its scheme and host call for (proxy.py).
* With a GitHub token, github.com links are asked of the REST API
  (github.py), in ``_attempt``; the result keeps the github.com URL.
* A chain's leading 301/308 hops are recorded as ``moved_to`` (for --fix).
* Per-host policy (hostpolicy.py) is chosen by the host of the URL as
  listed; the whole redirect chain of an attempt runs under it.
* One attempt per call: the scheduler retries what another try may fix
  (retry.py) after its wait, and paces each host (checker/scheduler/).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import CookieJar
from multidict import CIMultiDict
from yarl import URL

from checker import replies, retry
from checker.answers import attempted
from checker.auth import Credentials
from checker.choices import Method
from checker.deadlines import Deadlines, Task
from checker.errors import MAPPED, classify
from checker.github import GitHub
from checker.headlearn import HeadHabits
from checker.hostpolicy import Policy, PolicyTable
from checker.hoststats import HostStats
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.proxy import Proxies
from checker.replies import Reply
from checker.scheduler import Attempted
from checker.scheduler.pacing import PACER
from checker.settings import Settings
from checker.urls import HTTP_SCHEMES, parse

if TYPE_CHECKING:
    from checker.pages import PageRead


class Probe:
    """One attempt at a target the gate let through, shared by every worker: an
    :class:`Attempted` says whether another try may help and what the answer
    says about the host (the scheduler owns retries, waits and pacing)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: Settings,
        host_stats: dict[str, HostStats] | None = None,
    ) -> None:
        self._session = session
        self._settings = settings
        self._policies = PolicyTable(settings)
        self._habits = HeadHabits(host_stats)
        self._deadlines = Deadlines()
        self._proxies = Proxies(settings.http_proxy, settings.https_proxy, settings.no_proxy)
        self._auth = Credentials(settings.basic_auth) if settings.basic_auth else None
        token = settings.github_token
        self._github = GitHub(token.get_secret_value(), settings.github_api_url) if token else None

    def limits(self, host: str) -> tuple[int, float]:
        """``host``'s configured concurrency and request interval, for the scheduler."""
        policy = self._policies.for_host(host)
        return policy.concurrency, policy.interval

    async def __call__(
        self,
        target: Target,
        parsed: URL | None = None,
        tries: int = 1,
        read: PageRead | None = None,
    ) -> Result | Attempted:
        """Attempt ``target`` (try number ``tries``), whose URL the gate has
        parsed into ``parsed``. With ``read``: one GET, whose final body
        ``read`` reads (anchors/remote.py).

        Without ``parsed`` (a test calling the probe alone) the URL is parsed
        here, and no exclusion rule is asked.
        """
        if parsed is None:
            checked = parse(target.url)
            if isinstance(checked, Failure):
                return Result.for_target(target, Outcome.ERROR, error=checked)
            parsed = checked
        host = parsed.raw_host or ""
        policy = self._policies.for_host(host)
        task = asyncio.current_task()  # looked up once: every request's deadline is on it
        assert task is not None
        started = time.perf_counter()
        if read is None:
            reply, sent = await self._attempt(parsed, host, policy, task)
        else:
            reply = await self._request("GET", parsed, policy, task, read=read)
            sent = replies.requests_of(reply)
        took = round((time.perf_counter() - started) * 1000, 1)
        return attempted(target, reply, tries, took, policy.accept, sent)

    async def _attempt(
        self, url: URL, host: str, policy: Policy, task: Task
    ) -> tuple[Reply | Failure, int]:
        """One attempt: the final reply, and how many requests it took (a host's
        rate limit counts requests, redirect hops and HEAD + GET included)."""
        if self._github is not None and (api := self._github.route(url)) is not None:
            answer = await self._request("GET", api.url, policy, task, api.headers)
            if not (api.fallback and isinstance(answer, Reply) and answer.status == 404):
                # The link's result, not the API's: its URL stays the github.com one.
                if isinstance(answer, Reply):
                    return Reply(answer.status, str(url), [], answer.retry_after), 1
                return answer, 1
        method = policy.method
        if method is Method.GET or (method is not Method.HEAD and self._habits.get_first(host)):
            reply = await self._request("GET", url, policy, task)
            return reply, replies.requests_of(reply)
        reply = await self._request("HEAD", url, policy, task)
        sent = replies.requests_of(reply)
        if method is Method.HEAD or not isinstance(reply, Reply):
            return reply, sent
        head = reply.status
        # A HEAD refused with 429/503 is the host asking us to slow down, not a
        # HEAD it gets wrong: it ends the attempt, so the scheduler's backoff and
        # retry honour it (Retry-After, backoff) instead of a GET right after.
        if head in policy.accept or head in retry.RETRY_AFTER_STATUSES:
            return reply, sent
        habits = self._habits
        if not habits.head_refused(host, head) and habits.believe(
            host, method is Method.AUTO_STRICT
        ):
            return reply, sent
        reply = await self._request("GET", url, policy, task)
        if isinstance(reply, Reply):
            habits.confirmed(host, head, reply.status)
        return reply, sent + replies.requests_of(reply)

    async def _request(
        self,
        method: str,
        url: URL,
        policy: Policy,
        task: Task,
        headers: CIMultiDict[str] | None = None,  # instead of the policy's (the GitHub API's)
        read: PageRead | None = None,
    ) -> Reply | Failure:
        timeout = policy.timeout
        deadlines = self._deadlines
        deadlines.start(task, timeout)
        if read is not None:  # the body's own deadline, just before the attempt's
            read.deadline = asyncio.get_running_loop().time() + timeout - 2 * Deadlines.TICK
        try:
            sent = policy.headers if headers is None else headers
            return await self._follow(method, url, sent, task, read)
        except asyncio.CancelledError:
            if deadlines.stop(task) and task.uncancel() == 0:
                return classify(TimeoutError(), timeout=timeout)
            raise  # someone else cancelled us (fail-fast, Ctrl-C)
        except MAPPED as exc:  # what aiohttp and yarl raise; anything else is a bug
            return classify(exc, timeout=timeout)
        finally:
            if deadlines.stop(task):  # expired as the reply came in: the reply stands
                task.uncancel()

    async def _follow(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str] | None,
        task: Task,
        read: PageRead | None = None,
    ) -> Reply | Failure:
        start = url
        max_redirects = self._settings.max_redirects
        redirects: list[str] = []
        # (URL, cookies sent to it): a URL repeats as a loop only in the same
        # cookie state, so a cookie wall (302 to itself with Set-Cookie, then
        # 200) is followed. Filled on the first redirect: most URLs never need it.
        seen: set[tuple[URL, str]] = set()
        jar: CookieJar | None = None  # this chain's cookies, made at the first Set-Cookie
        cookie = ""  # what the jar sends to ``url``
        auth = self._auth  # --basic-auth: only until a redirect leaves the origin
        sent = headers if auth is None else auth.headers_for(url, headers)
        moved: str | None = None  # the last URL reached by 301/308 hops only, from the start
        permanent = True
        pacer = PACER.get()
        loop = asyncio.get_running_loop()
        while True:
            # HEAD then GET, and each hop, keep the host's gap. Inline, not a
            # coroutine of its own: asked before every request, it rarely waits.
            if pacer is not None and (wait := pacer.delay(url.raw_host, loop.time())) > 0:
                self._deadlines.extend(task, wait)  # the host's gap is not the request's time
                await asyncio.sleep(wait)
            # Per hop: a redirect may change the scheme, or leave for a NO_PROXY host.
            proxy, proxy_headers, sent = self._proxies.for_url(url, sent)
            async with self._session.request(
                method,
                url,
                headers=sent,
                allow_redirects=False,
                proxy=proxy,
                proxy_headers=proxy_headers,
            ) as resp:
                status = resp.status
                location = (
                    resp.headers.get("Location") if status in replies.REDIRECT_STATUSES else None
                )
                retry_after = resp.headers.get("Retry-After")
                if location is not None and (set_cookie := resp.headers.getall("Set-Cookie", ())):
                    # unsafe: IP-address hosts get cookies too, as in a browser.
                    jar = jar or CookieJar(unsafe=True)
                    jar.update_cookies_from_headers(set_cookie, url)
                if read is not None and (location is None or not max_redirects):
                    await read(resp)
                else:
                    replies.drain(resp)
            if location is None or not max_redirects:
                # --max-redirects 0 follows none: the 3xx is the answer, judged by --accept.
                return Reply(status, str(url), redirects, retry_after, moved)
            here = url
            try:
                url = url.join(URL(location))
                text = str(url)
            except (ValueError, TypeError, IndexError) as exc:
                # yarl's errors on a hostile Location: ValueError, and
                # IndexError for e.g. "http://][@".
                return Failure(ErrorKind.BAD_REDIRECT, f"bad Location {location!r}: {exc}")
            if url.scheme not in HTTP_SCHEMES:
                return Failure(ErrorKind.BAD_REDIRECT, f"redirect to non-HTTP URL {text!r}")
            invalid = parse(text)  # e.g. http://a..b/, which would fail later as "dns"
            if isinstance(invalid, Failure):
                return Failure(ErrorKind.BAD_REDIRECT, f"redirect to {text}: {invalid.message}")
            if not seen:
                seen.add((here, cookie))
            if (headers or auth) and url.origin() != start.origin():
                # Never carry the user's headers, global or scoped to the host
                # (User-Agent included), nor credentials, to another origin;
                # nor back again.
                headers = auth = None
            sent = headers if auth is None else auth.headers_for(url, headers)
            if jar is not None:
                cookie = replies.cookie_header(jar, url)
                if cookie:
                    sent = CIMultiDict(headers or ())
                    if mine := sent.get("Cookie"):
                        cookie = f"{mine}; {cookie}"
                    sent["Cookie"] = cookie
            if (url, cookie) in seen:
                return Failure(ErrorKind.TOO_MANY_REDIRECTS, f"redirect loop back to {text}")
            if len(redirects) >= max_redirects:
                return Failure(
                    ErrorKind.TOO_MANY_REDIRECTS,
                    f"more than {max_redirects} redirects",
                )
            redirects.append(text)
            seen.add((url, cookie))
            permanent = permanent and status in (301, 308)
            if permanent:
                moved = text
            if status == 303:
                method = "GET" if method != "HEAD" else method
