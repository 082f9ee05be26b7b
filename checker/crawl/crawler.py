"""Which target is a page to read, reading it, and what it adds to the run.

:class:`Crawl` wraps the run's check (engine.Check). A target is read as a
page when it is a seed (an ``http(s)://`` SOURCE) or was found on a page,
is inside the scope, within ``--depth`` and ``--max-pages``, allowed by
robots.txt, and its page (fragment aside) was not read under another URL;
every other target is checked as usual. The page read is the target's check:
its status is the target's result, and what it answers teaches its host, as
the probe's answers do. The links found are read by the HTML source
(checker/sources/html.py) with the page's URL as the base, and added to the
target index; the frontier reads the new ones from there (feed.py).
"""

from __future__ import annotations

import asyncio
import io
import time
from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import aiohttp

from checker import retry
from checker.choices import SourceFormat
from checker.crawl.feed import Feed, Late
from checker.crawl.page import LeftScope, Page, PageReader
from checker.crawl.robots import Robots
from checker.crawl.scope import Scope
from checker.crawl.stats import CrawlStats
from checker.errors import internal
from checker.filters import IgnoreRules
from checker.hostpolicy import PolicyTable
from checker.models import Failure, Outcome, Result, Target
from checker.probe import FAILURE_CAUSES, THROTTLE_STATUSES
from checker.proxy import Proxies
from checker.scheduler import Attempted, Cause
from checker.settings import Settings
from checker.sources import ARG, formats
from checker.sources.interface import Link, ReadContext, warn_on_stderr
from checker.sources.resolve import Resolver, remapped
from checker.targets import TargetIndex
from checker.urls import parse

if TYPE_CHECKING:
    from checker.engine import Check

NOT_A_PAGE = 0xFFFFFFFF  # a depth: links of local files, and what is not read
_GROW_BATCH = 8192  # links added to the index at a time (a link flood stays bounded)
_THREAD_BYTES = 256 * 1024  # larger pages are parsed off the event loop


class Crawl:
    """One run's crawl over ``index``; call it as the run's check."""

    def __init__(
        self,
        settings: Settings,
        index: TargetIndex,
        check: Check,
        session: aiohttp.ClientSession,
        reported: Callable[[int], bool],
        stats: CrawlStats,
        ignore: IgnoreRules = (),
    ) -> None:
        self._settings = settings
        self._index = index
        self._check = check
        self._reported = reported
        self.stats = stats
        seeds = [(i, url) for i, url in index.read_from(ARG) if _is_http(url)]
        self._seeds = [url for _, url in seeds]
        self._session, self._ignore = session, ignore
        self.scope = Scope(settings.crawl_scope, self._seeds)
        self._depth = array("I", [NOT_A_PAGE]) * len(index)
        for i, _ in seeds:
            self._depth[i] = 0
        self._read: set[int] = set()  # hashes of the pages read, fragment aside
        self._started = 0  # pages taken from --max-pages
        self._retrying: set[int] = set()  # pages that hold their share and are retried
        self._policies = PolicyTable(settings)
        proxies = Proxies(settings.http_proxy, settings.https_proxy, settings.no_proxy)
        self._reader = PageReader(session, proxies, settings.max_redirects, self.scope)
        self._robots = (
            None
            if settings.ignore_robots
            else Robots(session, proxies, settings.user_agent, settings.timeout, warn_on_stderr)
        )
        self._resolver = Resolver(None, None)
        self.feed = Feed(index)
        self.late = Late(index)
        self._grown: Callable[[], None] = lambda: None
        self._debug = settings.debug

    async def start(self) -> None:
        """Before the first check: the seeds' sitemaps (``--crawl-sitemap``)."""
        if self._settings.crawl_sitemap and self._seeds:
            from checker.crawl.sitemap import sitemap_pages

            settings = self._settings
            pages = await sitemap_pages(
                self._seeds, settings, self._session, self._ignore, self.scope, warn_on_stderr
            )
            self._grow(pages, 1)  # as if the seed linked to them

    def attach(self, grown: Callable[[], None]) -> None:
        """The scheduler's hook (Rules.on_grow): call ``grown`` when URLs were added."""
        self._grown = grown

    def limits(self, host: str) -> tuple[int, float]:
        return self._check.limits(host)

    async def __call__(self, target: Target, tries: int = 1) -> Result | Attempted:
        check = self._check
        try:
            if self._is_page(target, tries):
                return await self._page(target, tries)
        except LeftScope:
            pass  # a redirect left the scope: the URL is checked as a link
        except Exception as exc:  # the one containment, as engine.Check keeps it
            if self._debug:
                raise
            return Result.for_target(target, Outcome.ERROR, error=internal(exc))
        return await (check(target) if tries == 1 else check(target, tries))

    # --- which target is a page -----------------------------------------------------

    def _is_page(self, target: Target, tries: int) -> bool:
        index = target.index
        depth = self._depth[index] if index < len(self._depth) else NOT_A_PAGE
        if depth == NOT_A_PAGE:
            return False
        max_depth = self._settings.depth
        if max_depth is not None and depth > max_depth:
            return False
        if tries > 1:
            return index in self._retrying
        url = target.url
        in_scope = depth == 0 or self.scope(url)  # a seed is read whatever --crawl-scope says
        if not _is_http(url) or not in_scope or _key(url) in self._read:
            return False
        if self._started >= self._settings.max_pages:
            return False
        self._started += 1
        return True

    def _claim(self, url: str, final: str) -> bool:
        """Whether to read the page ``url`` led to, ``final``: not if it was
        read already, under another URL."""
        key = _key(final)
        if key in self._read:
            return False
        self._read.add(key)
        self._read.add(_key(url))
        return True

    # --- reading a page -------------------------------------------------------------

    async def _page(self, target: Target, tries: int) -> Result | Attempted:
        admitted = await self._check.gate(target)
        if isinstance(admitted, Result):
            return admitted
        url = target.url
        if self._robots is not None and not await self._robots.allowed(url):
            self._depth[target.index] = NOT_A_PAGE
            raise LeftScope(url)  # not read: checked as a link
        policy = self._policies.for_host(admitted.raw_host or "")
        started = time.perf_counter()
        page = await self._reader(
            url, policy.headers, policy.timeout, lambda final: self._claim(url, final)
        )
        took = round((time.perf_counter() - started) * 1000, 1)
        attempted = _attempted(target, page, tries, took, policy.accept)
        if attempted.retryable and tries <= self._settings.retries:
            self._retrying.add(target.index)  # its body was not read: 2xx only are
        else:
            self._retrying.discard(target.index)
        if isinstance(page, Page) and page.body is not None:
            self.stats.pages_read += 1
            await self._follow(page, self._depth[target.index] + 1)
        return attempted

    async def _follow(self, page: Page, depth: int) -> None:
        assert page.body is not None
        body, base = page.body, page.final_url
        page.body = None
        if len(body) > _THREAD_BYTES:
            links = await asyncio.to_thread(self._links, body, base)
        else:
            links = self._links(body, base)
        batch: list[Link] = []
        for link in remapped(links, self._settings.remap):
            batch.append(link)
            if len(batch) >= _GROW_BATCH:
                self._grow(batch, depth)
                batch = []
        self._grow(batch, depth)

    def _links(self, body: bytes, base: str) -> list[Link]:
        context = ReadContext(self._resolver.for_stream(base), None, warn_on_stderr)
        read = formats.reader(SourceFormat.HTML)
        return list(read(io.BytesIO(body), base, context))

    def _grow(self, links: list[Link], depth: int) -> None:
        if not links:
            return
        new, again = self._index.grow(links)
        self.stats.links_found += len(links)
        if new:
            self._depth.extend(array("I", [min(depth, NOT_A_PAGE - 1)]) * new)
        for index in again:
            if self._reported(index):
                self.late.found_again(index)
        if new:
            self._grown()

    def late_records(self) -> Iterator[object]:
        return self.late.records()


def _attempted(
    target: Target, page: Page | Failure, tries: int, took: float, accept: frozenset[int]
) -> Attempted:
    """A page read's answer as the probe would give it (probe.Probe.__call__)."""
    if isinstance(page, Failure):
        result = Result.for_target(
            target, Outcome.ERROR, error=page, attempts=tries, elapsed_ms=took
        )
        cause = FAILURE_CAUSES.get(page.kind, Cause.NONE)
        return Attempted(result, cause, retry.should_retry(None, page))
    status = page.status
    result = Result(
        url=target.url,
        outcome=Outcome.OK if status in accept else Outcome.BROKEN,
        sources=target.sources,
        status=status,
        final_url=page.final_url,
        redirects=page.redirects,
        elapsed_ms=took,
        attempts=tries,
        index=target.index,
        reason=page.unread,
    )
    wait = retry.retry_after(page.retry_after) if status in THROTTLE_STATUSES else None
    if status == 429 or wait is not None:
        cause = Cause.RATE_LIMITED
    elif status >= 500:
        cause = Cause.SERVER_ERROR
    else:
        cause = Cause.ANSWERED
    requests = len(page.redirects) + 1
    return Attempted(result, cause, retry.should_retry(status, None), wait, requests)


def _is_http(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://")) and not isinstance(
        parse(url), Failure
    )


def _key(url: str) -> int:
    """A page's identity for "read once": its URL without the fragment."""
    return hash(url.split("#", 1)[0])
