"""Sources: turn command-line SOURCES into a stream of :class:`Link`.

A SOURCE is a literal ``http(s)://`` URL, ``-`` for standard input, a file,
a directory (walked) or a glob. A file's extension picks its format
(``formats.EXTENSIONS``); stdin uses ``--default-format`` (a URL list unless
told otherwise), and a file with an unknown extension is plain text (every
URL in it), unless ``--default-format`` names a document format. The format's
reader (``formats.wiring``, the one table) resolves relative links
(``resolve``), takes a URL list verbatim, or follows a sitemap index; then
``--remap`` rewrites, and the links go to the target index. ``--sitemap
URL`` sources are read last.

Remote documents are fetched by one :class:`~checker.sources.interface.Fetch`
(checker/sources/fetch.py). Pass ``fetch=`` to use the run's session; by
default a private one is opened on first need and closed when reading ends.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit
from urllib.request import url2pathname

from checker.choices import Fragments, SourceFormat
from checker.sources import formats
from checker.sources.interface import (
    Batch,
    Fetch,
    Link,
    ReadContext,
    SourceError,
    Warn,
    batched,
    unbatched,
    warn_on_stderr,
)
from checker.sources.parallel import default_jobs, parse_documents
from checker.sources.resolve import Resolver, remapped_batches
from checker.sources.walk import Document, WalkOptions, expand

if TYPE_CHECKING:
    from checker.filters import IgnoreRules
    from checker.settings import Settings
    from checker.sources.fetch import Fetcher
    from checker.sources.sitemap import Budget

__all__ = [
    "ARG",
    "STDIN",
    "Batch",
    "Fetch",
    "Link",
    "SourceError",
    "empty_input_message",
    "is_literal_url",
    "read_batches",
    "read_sources",
]

STDIN = "-"
ARG = "<arg>"
_LITERAL_PREFIXES = ("http://", "https://")


def is_literal_url(spec: str) -> bool:
    return spec.lower().startswith(_LITERAL_PREFIXES)


def read_sources(
    specs: Iterable[str],
    stdin: BinaryIO | None = None,
    settings: Settings | None = None,
    *,
    fetch: Fetch | None = None,
    warn: Warn = warn_on_stderr,
    ignore: IgnoreRules = (),
) -> Iterator[Link]:
    """Yield every link of every source, in order, lazily. Raises :class:`SourceError`.

    ``warn`` is told of what loses links without ending the run (a sitemap an
    index names that cannot be read, a cap reached). ``ignore`` (the
    .urlcheckignore rules) is asked before any fetch, as the run asks it.
    """
    return unbatched(read_batches(specs, stdin, settings, fetch=fetch, warn=warn, ignore=ignore))


def read_batches(
    specs: Iterable[str],
    stdin: BinaryIO | None = None,
    settings: Settings | None = None,
    *,
    fetch: Fetch | None = None,
    warn: Warn = warn_on_stderr,
    ignore: IgnoreRules = (),
) -> Iterator[Batch]:
    """:func:`read_sources` a document at a time (what the index takes in
    bulk): each batch is one path's consecutive links."""
    if settings is None:
        from checker.settings import Settings

        settings = Settings()
    reading = _Reading(settings, fetch, warn, ignore)
    try:
        yield from remapped_batches(reading.batches(specs, stdin), settings.remap)
    finally:
        reading.close()


def empty_input_message(specs: list[str], settings: Settings) -> str | None:
    """What to say when the sources named held no link at all (exit 2 unless
    ``--allow-empty``: a green CI run that checked nothing hides a wrong glob),
    or None when no source was named (a library call with literal URLs only)."""
    named = [*specs, *settings.sitemap]
    if settings.files_from is not None:
        named.append(f"--files-from {settings.files_from}")
    if not named:
        return None
    shown = ", ".join(repr(name) for name in named[:3]) + (", ..." if len(named) > 3 else "")
    return f"no links found in {shown} (--allow-empty accepts that)"


class _Reading:
    """One run's reading: the resolver, the walk's rules, the fetcher and the sitemap budget."""

    def __init__(
        self, settings: Settings, fetch: Fetch | None, warn: Warn, ignore: IgnoreRules
    ) -> None:
        from checker.sources.sitemap import Budget

        self._settings = settings
        self._resolver = Resolver(
            settings.base_url,
            None if settings.root_dir is None else str(settings.root_dir),
            same_document=settings.fragments is not Fragments.OFF,
        )
        self._options = WalkOptions(
            extensions=formats.walked_extensions(settings.extensions),
            hidden=settings.hidden,
            no_ignore=settings.no_ignore,
            exclude_path=settings.exclude_path,
        )
        self._fetch = fetch
        self._ignore = ignore
        self._owned: Fetcher | None = None
        self._warn = warn
        self._budget: Budget = Budget(settings.max_sitemaps)
        self._jobs = settings.jobs or default_jobs()

    def batches(self, specs: Iterable[str], stdin: BinaryIO | None) -> Iterator[Batch]:
        for spec in specs:
            if spec == STDIN and self._settings.files_from == STDIN:
                raise SourceError("'-' and --files-from - cannot both read standard input")
            yield from self._spec(spec, stdin)
        if self._settings.files_from is not None:
            yield from batched(self._listed(self._settings.files_from, stdin))
        for url in self._settings.sitemap:
            yield from batched(self._read_sitemap(url))

    def _listed(self, source: str, stdin: BinaryIO | None) -> Iterator[Link]:
        """``--files-from``: each line a path, read as a walk's file is (a document
        by its extension, else skipped); a path that is gone (a file ``git diff``
        lists as deleted) is a warning."""
        if source == STDIN:
            lines: Iterable[bytes] = stdin if stdin is not None else sys.stdin.buffer
            yield from self._listed_lines(lines, STDIN)
            return
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise SourceError(f"cannot read {source!r}: {exc.strerror or exc}") from None
        with handle:
            yield from self._listed_lines(handle, source)

    def _listed_lines(self, lines: Iterable[bytes], source: str) -> Iterator[Link]:
        for number, raw in enumerate(lines, start=1):
            try:
                path = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
            except UnicodeDecodeError:
                raise SourceError(f"{source}:{number}: not a valid UTF-8 path") from None
            if not path.strip():
                continue
            if not os.path.lexists(path):
                self._warn(f"{path} (line {number} of --files-from {source}) does not exist")
                continue
            if os.path.isdir(path):
                for doc in expand(path, self._options):
                    yield from self._read_file(doc, self._walked_format(doc.path))
            elif formats.extension(path) in self._options.extensions and os.path.isfile(path):
                doc = Document(path, os.path.dirname(path) or ".")
                yield from self._read_file(doc, self._walked_format(path))

    def _spec(self, spec: str, stdin: BinaryIO | None) -> Iterator[Batch]:
        if is_literal_url(spec):
            yield ARG, [(spec.strip(), 1, None)]
        elif spec == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            resolve = self._resolver.for_stream(None)
            context = ReadContext(resolve, self._open_remote, self._warn)
            yield from batched(self._read(self._settings.default_format, stream, STDIN, context))
        else:
            # Markdown, HTML, rST and CSS are parsed across --jobs processes, in
            # file order; sitemaps and URL lists are read here (parallel.py).
            # A .txt a walk or glob found is prose, not a URL list.
            def format_of(path: str) -> SourceFormat:
                return self._format_of(path) if path == spec else self._walked_format(path)

            docs = expand(spec, self._options)
            parsed_docs = parse_documents(docs, format_of, self._jobs, self._resolver)
            for doc, fmt, parsed in parsed_docs:  # resolved where they were parsed
                if parsed is None:
                    yield from batched(self._read_file(doc, fmt))
                elif parsed:
                    yield doc.path, parsed

    def _format_of(self, path: str) -> SourceFormat:
        return formats.of_file(path, self._settings.default_format)

    def _walked_format(self, path: str) -> SourceFormat:
        fmt = self._format_of(path)
        return SourceFormat.TEXT if fmt is SourceFormat.URLLIST else fmt

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def _read_file(self, doc: Document, fmt: SourceFormat) -> Iterator[Link]:
        path = doc.path
        context = self._local_context(doc)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below; errors must map to SourceError
        except OSError as exc:
            raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        with handle, _gunzipped(handle, path) as stream:
            yield from self._read(fmt, stream, path, context)

    def _read(
        self, fmt: SourceFormat, stream: BinaryIO, path: str, context: ReadContext
    ) -> Iterator[Link]:
        try:
            yield from formats.reader(fmt)(stream, path, context)
        except OSError as exc:  # e.g. a directory, or an I/O error mid-read
            raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        except (SourceError, GeneratorExit):
            raise
        except Exception as exc:  # a parser's own failure must still end in one line, exit 2
            raise SourceError(f"cannot parse {path!r}: {type(exc).__name__}: {exc}") from None

    def _read_sitemap(self, url: str) -> Iterator[Link]:
        from checker.sources.fetch import FetchError
        from checker.sources.sitemap import SitemapLimit

        try:
            stream, context = self._open_remote(url)
        except SitemapLimit as exc:
            if exc.first:
                self._warn(str(exc))
            return
        except FetchError as exc:
            raise SourceError(f"cannot fetch sitemap {url}: {exc.reason}") from None
        with stream:
            yield from self._read(SourceFormat.SITEMAP, stream, url, context)

    def _local_context(self, doc: Document) -> ReadContext:
        def open_child(url: str) -> tuple[BinaryIO, ReadContext]:
            return self._open_local(url, doc.root)

        return ReadContext(self._resolver.for_file(doc), open_child, self._warn)

    def _open_remote(self, url: str) -> tuple[BinaryIO, ReadContext]:
        """A document a remote (or stdin) one names: fetched over http(s) only."""
        self._budget.take(url)
        stream = self._fetcher()(url)
        return stream, ReadContext(self._resolver.for_stream(url), self._open_remote, self._warn)

    def _open_local(self, url: str, root: str) -> tuple[BinaryIO, ReadContext]:
        """A document a local file names: a file beside it, read from disk, or fetched.

        Only a local document may name a local one: a fetched sitemap's
        children go through :meth:`_open_remote`, which fetches http(s) only.
        """
        if url[:5].lower() != "file:":
            return self._open_remote(url)
        parts = urlsplit(url)
        path = url2pathname(parts.path)
        self._budget.take(url)
        try:
            if parts.netloc not in ("", "localhost"):
                raise SourceError(f"a file: URL on another host ({parts.netloc})")
            if not stat.S_ISREG(os.stat(path).st_mode):  # no FIFO, device or directory
                raise SourceError(f"{path!r} is not a regular file")
            stream = open(path, "rb")  # noqa: SIM115 - the caller closes it
        except OSError as exc:
            raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        return _gunzipped(stream, path), self._local_context(Document(path, root))

    def _fetcher(self) -> Fetch:
        if self._fetch is None:
            from checker.sources.fetch import Fetcher

            self._owned = Fetcher.private(self._settings, self._ignore)
            self._fetch = self._owned
        return self._fetch


def _gunzipped(stream: BinaryIO, path: str) -> BinaryIO:
    """A local ``.gz`` file (a ``.xml.gz`` sitemap) inflated, within the fetch
    path's byte cap; any other file as it is."""
    if not path.lower().endswith(".gz"):
        return stream
    from checker.sources.fetch import MAX_BYTES, FetchError, inflated

    try:
        return inflated(stream, path, MAX_BYTES)
    except FetchError as exc:
        raise SourceError(f"cannot read {path!r}: {exc.reason}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
