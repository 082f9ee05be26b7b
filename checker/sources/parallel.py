"""Documents parsed across CPU cores, in file order, with bounded memory.

A directory walk yields documents one by one. The first are parsed here, in
this process; once a walk has shown enough work to repay starting worker
processes (:data:`_START_FILES` documents or :data:`_START_BYTES` bytes),
the rest go to a pool of ``--jobs`` processes. Results come back in the
walk's order whatever order the workers finish in, and at most
:data:`_AHEAD` documents per worker are in flight (sent :data:`_BATCH` per
task), so memory is bounded by a window of documents, not by the tree.

Only the formats that read nothing but their file run in workers (Markdown,
HTML, reStructuredText, CSS); a sitemap fetches what it names, and a URL list is
cheaper to read than to send, so both stay here, in order.

A worker returns ``(url, line, column)`` triples, its URLs already resolved
(the resolver travels with each task: resolving in this process cost as much
as the whole index), which go on to the index as they are (no Link per link
in this process, the one that cannot be parallelised), or the one-line
message of a :class:`SourceError` for a file that cannot be read or parsed;
the error is raised here when the walk reaches that file, as if read in place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from checker.choices import SourceFormat
from checker.sources import formats
from checker.sources.interface import SourceError
from checker.sources.resolve import Resolver
from checker.sources.walk import Document

PARALLEL = frozenset({SourceFormat.MARKDOWN, SourceFormat.HTML, SourceFormat.RST, SourceFormat.CSS})
_START_FILES = 64
_START_BYTES = 4 * 1024 * 1024
_BATCH = 8
_AHEAD = 4 * _BATCH  # documents in flight per worker
_PRELOAD = ["checker.sources.markdown", "checker.sources.html"]

_Triple = tuple[str, int, "int | None"]
_Parsed = list[_Triple] | str  # the links, or a SourceError's message
Parsed = tuple[Document, SourceFormat, "list[_Triple] | None"]


def default_jobs() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


class _Batch:
    """Documents parsed by one task: a task's round trip costs more than
    parsing a small page, so documents travel :data:`_BATCH` at a time."""

    __slots__ = ("future", "items", "resolver", "results")

    def __init__(self, resolver: Resolver | None) -> None:
        self.resolver = resolver
        self.items: list[tuple[Document, SourceFormat]] = []
        self.future: Future[list[_Parsed]] | None = None
        self.results: list[_Parsed] | None = None

    def parsed(self, pool: ProcessPoolExecutor, index: int) -> _Parsed:
        if self.results is None:
            if self.future is None:
                self.future = _submit(pool, self.items, self.resolver)
            self.results = self.future.result()
        return self.results[index]


_Entry = tuple[Document, SourceFormat, "_Batch | None", int]


def parse_documents(
    docs: Iterable[Document],
    format_of: Callable[[str], SourceFormat],
    jobs: int,
    resolver: Resolver | None = None,
) -> Iterator[Parsed]:
    """``(document, format, links)`` for each document, in order, each link
    ``(url, line, column)`` (a :data:`~checker.sources.interface.Batch`'s).
    ``links`` is None for the formats left to the caller (sitemaps, URL lists); they
    are resolved by ``resolver`` if given, else as written.
    Raises :class:`SourceError` at the document that cannot be read."""
    pending: deque[_Entry] = deque()
    pool: ProcessPoolExecutor | None = None
    batch: _Batch | None = None  # being filled
    files = size = 0
    try:
        for doc in docs:
            fmt = format_of(doc.path)
            if fmt in PARALLEL and pool is None and jobs > 1:
                files += 1
                size += _size(doc.path)
                if files > _START_FILES or size > _START_BYTES:
                    pool = _pool(jobs)
            if fmt not in PARALLEL or pool is None:
                pending.append((doc, fmt, None, 0))
            else:
                if batch is None or batch.future is not None:
                    batch = _Batch(resolver)
                pending.append((doc, fmt, batch, len(batch.items)))
                batch.items.append((doc, fmt))
                if len(batch.items) == _BATCH:
                    batch.future = _submit(pool, batch.items, resolver)
            while pending and (pending[0][2] is None or len(pending) > jobs * _AHEAD):
                yield _result(pool, resolver, *pending.popleft())
        while pending:
            yield _result(pool, resolver, *pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(
    pool: ProcessPoolExecutor | None,
    resolver: Resolver | None,
    doc: Document,
    fmt: SourceFormat,
    batch: _Batch | None,
    index: int,
) -> Parsed:
    if batch is None or pool is None:
        if fmt not in PARALLEL:
            return doc, fmt, None
        parsed = _parse(doc, fmt, resolver)
    else:
        try:
            parsed = batch.parsed(pool, index)
        except BrokenProcessPool:
            rest = len(batch.items) - index - 1
            which = f"{doc.path!r} or one of the {rest} files after it" if rest else repr(doc.path)
            raise SourceError(f"cannot parse {which}: a parser process died") from None
    if isinstance(parsed, str):
        raise SourceError(parsed)
    return doc, fmt, parsed


def parse_batch(
    items: list[tuple[Document, SourceFormat]], resolver: Resolver | None
) -> list[_Parsed]:
    return [_parse(doc, fmt, resolver) for doc, fmt in items]


def _parse(doc: Document, fmt: SourceFormat, resolver: Resolver | None) -> _Parsed:
    parsed = parse_file(doc.path, fmt)
    if resolver is None or isinstance(parsed, str):
        return parsed
    resolve = resolver.for_file(doc)
    return [(resolve(url), line, column) for url, line, column in parsed]


def parse_file(path: str, fmt: SourceFormat) -> _Parsed:
    """Read and parse one file; runs in a worker (or here). Never raises:
    a failure is returned as the message of the SourceError it becomes."""
    try:
        with open(path, "rb") as stream:
            links = formats.parser(fmt)(stream, path)
            return [(link.url, link.line, link.column) for link in links]
    except OSError as exc:  # e.g. a directory, or an I/O error mid-read
        return f"cannot read {path!r}: {exc.strerror or exc}"
    except SourceError as exc:
        return str(exc)
    except Exception as exc:  # a parser's own failure must still end in one line, exit 2
        return f"cannot parse {path!r}: {type(exc).__name__}: {exc}"


def _submit(
    pool: ProcessPoolExecutor, items: list[tuple[Document, SourceFormat]], resolver: Resolver | None
) -> Future[list[_Parsed]]:
    """A task for the pool, with SIGINT and SIGTERM held while it may fork a
    worker: one landing in the fork's own hooks was lost (Python ignores what
    is raised there; the run went on and exited 0), and a worker must not be
    interrupted before :func:`_quiet` runs. A signal held is raised here just
    after, and the worker keeps the signals blocked."""
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        return pool.submit(parse_batch, items, resolver)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT, signal.SIGTERM))
    try:
        return pool.submit(parse_batch, items, resolver)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_quiet)


def _quiet() -> None:
    """Workers leave Ctrl-C and SIGTERM to the run, which stops the pool and
    writes its report; a worker killed by them would turn a cancelled run
    into a "parser process died" error. (A worker whose run dies exits at
    once: its queue closes.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe, as it is immediate: on Linux, with no other
    thread running (a forked child would inherit a lock held mid-call).
    Otherwise forkserver, which imports the parsers once and forks each
    worker from there (~0.5 s to start, under load); spawn where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")
