"""Remote anchors (``--fragments all``): one GET per page, however many
fragments of it are linked.

Wraps the probe (engine.py ``check_for``). A target whose ``#fragment``
needs a look at the page is checked by one GET whose body pages.py reads
(capped by ``--max-page-size``, HTML only, within the host's timeout);
``page``, ``page#a`` and ``page#b`` share that GET through a small per-run
cache keyed by the URL without its fragment: the first check to need a
page requests it, concurrent ones await it, later ones reuse it. Each is
still its own result. A fragment-less ``page`` (or ``page#top``) is read
too when the run's targets hold a fragment of it (:func:`pages_with_fragments`,
asked of the index once), or when its read is in flight or done; else it
is checked as any URL (HEAD first).

Per-host limits hold: the check that requests the page holds its host's
slot as every check does, and one awaiting it sends nothing (it reports
``requests=0`` and no cause, so its host learns from the one request only).

A retryable answer (a 503, a timeout) is not kept: each of its URLs is
retried by the scheduler, and those retries share the next GET. A page
whose anchors could not be read (too large, not HTML, dripping) keeps
its status, and its ok result says why in ``reason``. A ``[hosts]`` table
with ``fragments = false`` keeps its host's links to status checks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from yarl import URL

from checker.anchors import PREFIX, Anchors, Hints, missing, never_missing
from checker.anchors import html as html_anchors
from checker.hostpolicy import PolicyTable
from checker.https_upgrade import result_of
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.pages import Page, PageRead
from checker.probe import Probe
from checker.scheduler import Attempted, Cause
from checker.settings import Settings
from checker.urls import HTTP_SCHEMES, parse

_KEPT = 256  # pages kept after their read, for fragments met later
_GITHUB = ("github.com", "www.github.com")
_USER_CONTENT = re.compile(r"user-content-[^\s\"'\\<>&]+")


@dataclass(slots=True, frozen=True)
class _Shared:
    """One page's answer, shared by every target of that page."""

    answer: Attempted
    page: Page | None
    anchors: Anchors | None  # parsed once, when the page was read


_Read = Callable[[], Awaitable[_Shared]]


class RemoteAnchors:
    """``await RemoteAnchors(probe, settings)(target, parsed, tries)``, as the probe."""

    def __init__(
        self,
        probe: Probe,
        settings: Settings,
        pages: set[str] | None = None,
        judge: bool = True,  # False: pages shared, fragments not checked (a crawl's reads)
    ) -> None:
        self._probe = probe
        self._judges = judge
        self._pages = pages or set()  # pages some target links with a fragment
        self._cap = settings.max_page_size
        self._policies = PolicyTable(settings)
        self._inflight: dict[str, asyncio.Future[_Shared]] = {}
        self._done: OrderedDict[str, _Shared] = OrderedDict()
        self._hints = Hints()

    def limits(self, host: str) -> tuple[int, float]:
        return self._probe.limits(host)

    async def __call__(
        self, target: Target, parsed: URL | None = None, tries: int = 1
    ) -> Result | Attempted:
        if parsed is None:
            checked = parse(target.url)
            if isinstance(checked, Failure):
                return await self._probe(target, None, tries)
            parsed = checked
        fragment = parsed.raw_fragment
        if not self._policies.for_host(parsed.raw_host or "").fragments:
            return await self._probe(target, parsed, tries)
        page = parsed.with_fragment(None)
        key = str(page)
        if never_missing(fragment.split(":~:", 1)[0]) and not self._known(key):
            return await self._probe(target, parsed, tries)  # no need to read the page
        shared, mine = await self._shared(key, lambda: self._read(target, page, tries))
        return self._answer(target, shared, mine, fragment, tries)

    async def read_page(
        self, target: Target, parsed: URL, tries: int
    ) -> tuple[Attempted, Page | None]:
        """``target`` read as a page (a crawl's read, checker/crawl/): the GET
        shared with every other target of that page, so ``page``, ``page#a``
        and ``page#b`` met at once are one read; its fragment judged as
        :meth:`__call__` judges it; and the page read."""
        page = parsed.with_fragment(None)
        shared, mine = await self._shared(str(page), lambda: self._read(target, page, tries))
        judged = self._judges and self._policies.for_host(parsed.raw_host or "").fragments
        fragment = parsed.raw_fragment if judged else ""  # "": never missing
        return self._answer(target, shared, mine, fragment, tries), shared.page

    def _known(self, key: str) -> bool:
        return key in self._pages or key in self._inflight or key in self._done

    async def _shared(self, key: str, read: _Read) -> tuple[_Shared, bool]:
        """The page's answer, and whether this check requested it."""
        while True:
            if (done := self._done.get(key)) is not None:
                self._done.move_to_end(key)
                return done, False
            waiting = self._inflight.get(key)
            if waiting is None:
                break
            try:
                return await asyncio.shield(waiting), False
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not waiting.cancelled() or (task is not None and task.cancelling()):
                    raise  # this check was cancelled, not the one reading
                # The reader went away (cancelled): this check reads instead.
        future: asyncio.Future[_Shared] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            shared = await read()
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._inflight[key]
        if not shared.answer.retryable:
            # Kept for the fragments met later: the anchors, not the text (up
            # to --max-page-size each); the reader has it, and a crawl reads a
            # page's links once (checker/crawl/crawler.py).
            page = shared.page
            kept = (
                shared
                if page is None
                else dataclasses.replace(shared, page=dataclasses.replace(page, text=None))
            )
            self._done[key] = kept
            if len(self._done) > _KEPT:
                self._done.popitem(last=False)
        future.set_result(shared)
        return shared, True

    async def _read(self, target: Target, page: URL, tries: int) -> _Shared:
        read = PageRead(self._cap)
        answer = await self._probe(target, page, tries, read=read)
        if not isinstance(answer, Attempted):
            answer = Attempted(answer)
        body = read.page
        text = None if body is None else body.text
        # Parsed once for every fragment of the page.
        anchors = None if text is None else frozenset(_page_anchors(text))
        return _Shared(answer, body, anchors)

    def _answer(
        self, target: Target, shared: _Shared, mine: bool, fragment: str, tries: int
    ) -> Attempted:
        answer = shared.answer
        template = result_of(answer)
        result = dataclasses.replace(
            template,
            url=target.url,
            sources=target.sources,
            index=target.index,
            attempts=tries,
            redirects=list(template.redirects),
        )
        if result.outcome is Outcome.OK:
            _judge(result, shared, fragment, self._hints)
        if mine:
            return dataclasses.replace(answer, result=result)
        # Awaited, not sent: the host learns from the one request that was.
        return Attempted(result, Cause.NONE, answer.retryable, answer.wait, requests=0)


def _page_anchors(text: str) -> set[str]:
    """A page's anchors, and the ``user-content-`` ids written anywhere in
    it: github.com's file views carry their rendered Markdown inside a
    script's JSON, where no parser sees an element."""
    found = html_anchors.anchors(text)
    if PREFIX in text:
        found.update(match[0] for match in _USER_CONTENT.finditer(text))
    return found


def pages_with_fragments(urls: Iterable[str]) -> set[str]:
    """The pages (URLs without fragment, as the probe's key spells them) that
    ``urls`` link to with a fragment needing a read."""
    pages = set()
    for url in urls:
        parsed = parse(url)
        if isinstance(parsed, Failure) or parsed.scheme not in HTTP_SCHEMES:
            continue
        if not never_missing(parsed.raw_fragment.split(":~:", 1)[0]):
            pages.add(str(parsed.with_fragment(None)))
    return pages


def _judge(result: Result, shared: _Shared, fragment: str, hints: Hints) -> None:
    """Turn an ok page result into this fragment's: broken when the anchor is missing."""
    own = fragment.split(":~:", 1)[0]
    if never_missing(own):
        return
    page = shared.page
    if shared.anchors is None:
        note = page.note if page is not None else None
        if note is not None and result.reason is None:
            result.reason = f"anchors not verified: {note}"
        return
    host = URL(page.url).raw_host if page is not None else None
    github = -1 if host in _GITHUB else None  # line anchors: the file is not read
    message = missing(fragment, shared.anchors, lines=github, hint=hints.left > 0)
    if message is not None:
        hints.take()
        result.outcome = Outcome.BROKEN
        result.error = Failure(ErrorKind.MISSING_FRAGMENT, message)
