"""Which target is a page to read, reading it, and what it adds to the run.

:class:`Crawl` wraps the run's check (targetcheck.Check). A target is read as a
page when it is a seed (an ``http(s)://`` SOURCE) or was found on a page,
is inside the scope, within ``--depth`` and ``--max-pages``, allowed by
robots.txt, and its page (fragment aside) was not read under another URL;
every other target is checked as usual. The page read is the target's check:
one GET through the probe (probe.py: redirects, headers, credentials,
proxies, its timeout), whose body pages.py reads, capped by
``--max-page-size`` and HTML only; its status is the target's result, and
its answer teaches the host as any check's does. A redirect is followed
wherever it goes, but a page it ends on outside the scope is not read, nor
one read already under another URL. The links found are read by the HTML
source (checker/sources/html.py) with the page's URL as the base, and added
to the target index; the frontier reads the new ones from there (feed.py).
"""

from __future__ import annotations

import asyncio
import re
from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import aiohttp

from checker.anchors.remote import RemoteAnchors
from checker.choices import Fragments
from checker.crawl.feed import Feed, Late
from checker.crawl.robots import Robots
from checker.crawl.scope import Scope
from checker.crawl.stats import CrawlStats
from checker.errors import internal
from checker.filters import IgnoreRules
from checker.hoststats import HostStats
from checker.models import Failure, Outcome, Result, Target
from checker.pages import HTML_TYPES
from checker.probe import Probe
from checker.proxy import Proxies
from checker.scheduler import Attempted
from checker.settings import Settings
from checker.sources import ARG, html
from checker.sources._text import Locator
from checker.sources.interface import Link, Resolve, warn_on_stderr
from checker.sources.resolve import Resolver, remapped
from checker.targets import TargetIndex
from checker.urls import parse

if TYPE_CHECKING:
    from checker.targetcheck import Check

NOT_A_PAGE = 0xFFFFFFFF  # a depth: links of local files, and what is not read
_GROW_BATCH = 8192  # links added to the index at a time (a link flood stays bounded)
_SLOW = re.compile(r"[?#\\\s]")  # what urljoin may rewrite: empty queries, spaces
_THREAD_CHARS = 256 * 1024  # larger pages are parsed off the event loop


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
        host_stats: dict[str, HostStats] | None = None,
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
        self._seed_set = {i for i, _ in seeds}
        for i in self._seed_set:
            self._depth[i] = 0
        self._read: set[int] = set()  # hashes of the pages read, fragment aside
        self._started = 0  # pages read or being read, of --max-pages
        self._retrying: set[int] = set()  # pages that hold their share and are retried
        proxies = Proxies(settings.http_proxy, settings.https_proxy, settings.no_proxy)
        # Pages are read through one shared cache, so that the URLs of one page
        # met at once (page, page#a, page#b) are one GET; their fragments are
        # judged against it with --fragments all.
        self._pages = RemoteAnchors(
            Probe(session, settings, host_stats),
            settings,
            judge=settings.fragments is Fragments.ALL,
        )
        self._robots = (
            None
            if settings.ignore_robots
            else Robots(session, proxies, settings.user_agent, settings.timeout, warn_on_stderr)
        )
        # A page's "#x" links are that page's: checked as page#x (--fragments).
        self._resolver = Resolver(None, None, settings.fragments is not Fragments.OFF)
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
                answer = await self._page(target, tries)
                if answer is not None:
                    return answer
        except Exception as exc:  # the one containment, as targetcheck.Check keeps it
            if self._debug:
                check.print_traceback(target, exc)
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

    async def _page(self, target: Target, tries: int) -> Result | Attempted | None:
        """Read ``target`` as a page; None: not a page after all (robots.txt).

        Only a page whose links were read keeps its share of ``--max-pages``
        (and one waiting for a retry): a 404, an image or a redirect to a page
        read already gives it back."""
        kept = False
        try:
            admitted = await self._check.gate(target)
            if isinstance(admitted, Result):
                return admitted
            url = target.url
            if self._robots is not None and not await self._robots.allowed(url):
                self._depth[target.index] = NOT_A_PAGE
                return None
            shared, page = await self._pages.read_page(target, admitted, tries)
            answer = self._check.judged(shared)  # --warn, --redirects, as for any check
            attempted = answer if isinstance(answer, Attempted) else Attempted(answer)
            if attempted.retryable and tries <= self._settings.retries:
                self._retrying.add(target.index)  # its body was not read: 2xx only are
                kept = True
                return attempted
            self._retrying.discard(target.index)
            if page is None:
                return attempted
            html_ok = 200 <= page.status < 300 and page.content_type in HTML_TYPES
            if page.note is not None and html_ok:
                attempted.result.reason = f"page not read: {page.note}"
            final = page.url
            in_scope = target.index in self._seed_set or self.scope(final)
            if page.text is not None and in_scope and self._claim(url, final):
                kept = True
                self.stats.pages_read += 1
                await self._follow(page.text, final, self._depth[target.index] + 1)
            return attempted
        finally:
            if not kept:
                self._started -= 1

    async def _follow(self, text: str, base: str, depth: int) -> None:
        if len(text) > _THREAD_CHARS:
            links = await asyncio.to_thread(self._links, text, base)
        else:
            links = self._links(text, base)
        batch: list[Link] = []
        for link in remapped(links, self._settings.remap):
            batch.append(link)
            if len(batch) >= _GROW_BATCH:
                self._grow(batch, depth)
                batch = []
        self._grow(batch, depth)

    def _links(self, text: str, base: str) -> list[Link]:
        """The page's links as the HTML source reads a file's (sources/html.py
        ``parse``, whose text pages.py decoded already), resolved against the page."""
        resolve = _fast_root(base, self._resolver.for_stream(base))
        locator = Locator(text)
        links = []
        for url, offset, exact in html.extract(text):
            line, column = locator.position(offset)
            links.append(Link(resolve(url), base, line, column if exact else None))
        return links

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


def _fast_root(base: str, resolve: Resolve) -> Resolve:
    """``resolve``, with the commonest link of a site, ``/path`` without dot
    segments, joined as urljoin joins it but by concatenation: urljoin was
    half of a crawl's CPU on a loaded machine (benchmarks/crawl.py)."""
    parts = base.split("/", 3)
    if len(parts) < 3 or not parts[2]:
        return resolve
    origin = f"{parts[0]}//{parts[2]}"

    def joined(url: str) -> str:
        if url[:1] == "/" and url[1:2] != "/" and "/." not in url and not _SLOW.search(url):
            return origin + url
        return resolve(url)

    return joined


def _is_http(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://")) and not isinstance(
        parse(url), Failure
    )


def _key(url: str) -> int:
    """A page's identity for "read once": its URL without the fragment."""
    return hash(url.split("#", 1)[0])
