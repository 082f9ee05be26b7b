"""Sources: turn command-line SOURCES into a stream of :class:`Link`.

A SOURCE is a literal ``http(s)://`` URL, ``-`` for standard input, a file,
a directory (walked) or a glob. A file's extension picks its parser
(``formats.EXTENSIONS``); stdin and unknown extensions use
``--default-format`` (a URL list unless told otherwise). Then, in order:
relative links are resolved (``resolve``), ``--remap`` rewrites, and the
links go to the target index. ``--sitemap URL`` sources are read last.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from checker.choices import SourceFormat
from checker.sources import formats
from checker.sources.interface import Link, SourceError
from checker.sources.parallel import default_jobs, parse_documents
from checker.sources.resolve import Resolver, remapped, resolved
from checker.sources.walk import Document, WalkOptions, expand

if TYPE_CHECKING:
    from checker.settings import Settings

__all__ = ["ARG", "STDIN", "Link", "SourceError", "is_literal_url", "read_sources"]

STDIN = "-"
ARG = "<arg>"
_LITERAL_PREFIXES = ("http://", "https://")


def is_literal_url(spec: str) -> bool:
    return spec.lower().startswith(_LITERAL_PREFIXES)


def read_sources(
    specs: Iterable[str], stdin: BinaryIO | None = None, settings: Settings | None = None
) -> Iterator[Link]:
    """Yield every link of every source, in order, lazily. Raises :class:`SourceError`."""
    if settings is None:
        from checker.settings import Settings

        settings = Settings()
    yield from remapped(_read(specs, stdin, settings), settings.remap)


def _read(specs: Iterable[str], stdin: BinaryIO | None, settings: Settings) -> Iterator[Link]:
    resolver = Resolver(
        settings.base_url, None if settings.root_dir is None else str(settings.root_dir)
    )
    options = WalkOptions(
        extensions=formats.WALKED,
        hidden=settings.hidden,
        no_ignore=settings.no_ignore,
        exclude_path=settings.exclude_path,
    )
    default = settings.default_format
    jobs = settings.jobs or default_jobs()

    def format_of(path: str) -> SourceFormat:
        return formats.EXTENSIONS.get(os.path.splitext(path)[1].lower(), default)

    for spec in specs:
        if is_literal_url(spec):
            yield Link(spec.strip(), ARG, 1)
        elif spec == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            links = _parse(default, stream, STDIN, settings)
            yield from (
                links
                if default is SourceFormat.URLLIST
                else resolved(links, resolver.for_stream(None))
            )
        else:
            # Markdown, HTML and rST are parsed across --jobs processes, in order.
            docs = expand(spec, options)
            for doc, _, parsed in parse_documents(docs, format_of, jobs):
                if parsed is None:
                    yield from _read_file(doc, resolver, settings)
                else:
                    yield from resolved(parsed, resolver.for_file(doc))
    for url in settings.sitemap:
        yield from _read_sitemap(url, resolver, settings)


def _read_file(doc: Document, resolver: Resolver, settings: Settings) -> Iterator[Link]:
    path = doc.path
    fmt = formats.EXTENSIONS.get(os.path.splitext(path)[1].lower(), settings.default_format)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; errors must map to SourceError
    except OSError as exc:
        raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    with handle:
        try:
            links = _parse(fmt, handle, path, settings)
            if fmt is SourceFormat.URLLIST:
                yield from links
            else:
                yield from resolved(links, resolver.for_file(doc))
        except OSError as exc:  # e.g. a directory, or an I/O error mid-read
            raise SourceError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        except (SourceError, GeneratorExit):
            raise
        except Exception as exc:  # a parser's own failure must still end in one line, exit 2
            raise SourceError(f"cannot parse {path!r}: {type(exc).__name__}: {exc}") from None


def _read_sitemap(url: str, resolver: Resolver, settings: Settings) -> Iterator[Link]:
    from checker.sources import sitemap
    from checker.sources.fetch import fetcher

    fetch = fetcher(settings)
    with fetch(url) as stream:
        yield from resolved(sitemap.follow(stream, url, fetch, {url}), resolver.for_stream(url))


def _parse(fmt: SourceFormat, stream: BinaryIO, path: str, settings: Settings) -> Iterator[Link]:
    if fmt is SourceFormat.SITEMAP:
        from checker.sources import sitemap
        from checker.sources.fetch import fetcher

        # A sitemap index is followed: the sitemaps it names are fetched and read.
        return sitemap.follow(stream, path, fetcher(settings))
    return formats.parser(fmt)(stream, path)
