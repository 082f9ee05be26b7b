"""Relative links → absolute URLs, and ``--remap``; the last step before the index.

Resolution happens here, in the source stage, so that every later stage
sees only absolute URLs: ``../a.md`` from two different files are two
different targets, and the probe needs no knowledge of where a link was read.

In a local document:

* a relative link becomes a ``file:`` URL next to the document, which the
  probe checks on disk; with ``--base-url`` it is joined instead to the URL
  the document would have there (its path under the directory it was found
  in, appended to the base URL);
* a root-relative ``/x`` link resolves under ``--root-dir`` when given, and
  stays under it: ``/../x`` is ``/x``, as a browser reads it against a site
  root; else against ``--base-url``; with neither it stays as written, and
  its check fails with ``invalid_url`` saying which option is missing;
* a trailing slash is kept: ``file.md/`` names a directory that is not
  there (``missing_file``), and ``dir/`` keeps its slash;
* a scheme-relative ``//host/x`` link takes the base URL's scheme, or https.

In stdin, relative links resolve against ``--base-url`` only; in a fetched
sitemap, against the sitemap's URL. A same-document ``#fragment`` link
resolves to its own document (a local file's ``file:`` URL, even with
``--base-url``: the file is right here; a fetched document's URL), so its
anchor is checked (checker/anchors/); with ``--fragments off``, or with no
document to name (stdin without ``--base-url``), it stays as written and is
reported as excluded. URL lists are taken verbatim, as before.
A link that cannot be joined (``//[x]/y``) stays as written, so its check
reports it as ``invalid_url``: resolution never ends a run.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, quote_from_bytes, unquote, urljoin, urlsplit

from checker.sources.interface import Batch, Link, Resolve, SourceError
from checker.sources.walk import Document

__all__ = ["RemapRule", "Resolve", "Resolver", "remapped", "remapped_batches", "resolved"]

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_PATH_AND_REST = re.compile(r"([^?#]*)(.*)", re.DOTALL)
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote_from_bytes leaves as it is


class RemapRule(Protocol):
    @property
    def pattern(self) -> re.Pattern[str]: ...
    @property
    def replacement(self) -> str: ...


class Resolver:
    def __init__(
        self, base_url: str | None, root_dir: str | None, same_document: bool = False
    ) -> None:
        self._same_document = same_document  # resolve "#x" to its document (--fragments)
        self._base = base_url
        self._root = None if root_dir is None else os.path.abspath(root_dir)
        self._scheme = urlsplit(base_url).scheme if base_url else "https"

    def for_file(self, doc: Document) -> Resolve:
        path = os.path.abspath(doc.path)
        directory = os.path.dirname(path)
        page: str | None = None
        if self._base is not None:
            relative = os.path.relpath(path, os.path.abspath(doc.root)).replace(os.sep, "/")
            page = urljoin(self._base, quote(relative))
        root, scheme, same_document = self._root, self._scheme, self._same_document

        def resolve(url: str) -> str:
            if url.startswith("#"):
                return _file_url(directory, url, path) if same_document else url
            if _SCHEME.match(url):
                return url
            if url.startswith("//"):
                return f"{scheme}:{url}"
            if url.startswith("/") and root is not None:
                return _file_url(root, url, root, under_root=True)
            if page is not None:
                return _join(page, url)
            if url.startswith("/"):
                return url
            return _file_url(directory, url, path)

        return resolve

    def for_stream(self, location: str | None) -> Resolve:
        """For stdin (``location`` None) or a fetched document (its URL)."""
        page = location or self._base
        scheme = urlsplit(page).scheme if page else self._scheme
        same_document = self._same_document

        def resolve(url: str) -> str:
            if url.startswith("#"):
                return _join(page, url) if page and same_document else url
            if _SCHEME.match(url):
                return url
            if url.startswith("//"):
                return f"{scheme}:{url}"
            return _join(page, url) if page else url

        return resolve


def resolved(links: Iterable[Link], resolve: Resolve) -> Iterator[Link]:
    for url, path, line, column in links:
        yield Link(resolve(url), path, line, column)


def remapped(links: Iterable[Link], rules: tuple[RemapRule, ...]) -> Iterator[Link]:
    """Apply the first ``--remap`` rule that matches each URL.

    The URL checked and reported is the rewritten one (it is also the key
    duplicates are merged on); the sources still say where it was written.
    """
    if not rules:
        yield from links
        return
    for link in links:
        url = _remap(link.url, rules)
        yield link if url is link.url else link._replace(url=url)


def remapped_batches(batches: Iterable[Batch], rules: tuple[RemapRule, ...]) -> Iterator[Batch]:
    """:func:`remapped`, a document's batch at a time."""
    if not rules:
        yield from batches
        return
    for path, links in batches:
        yield path, [(_remap(url, rules), line, column) for url, line, column in links]


def _remap(url: str, rules: tuple[RemapRule, ...]) -> str:
    """``url`` as the first rule that matches rewrites it, else ``url`` itself."""
    for rule in rules:
        try:
            new, count = rule.pattern.subn(rule.replacement, url)
        except (re.error, IndexError) as exc:
            raise SourceError(f"invalid --remap replacement {rule.replacement!r}: {exc}") from None
        if count:
            return new
    return url


def _join(page: str, url: str) -> str:
    try:
        return urljoin(page, url)
    except ValueError:  # "//[x]/y": left as written, its check says invalid_url
        return url


def _file_url(directory: str, url: str, document: str, under_root: bool = False) -> str:
    match = _PATH_AND_REST.match(url)
    assert match is not None  # the pattern matches any string
    path, rest = match.groups()
    if not path:
        target = document
    else:
        written = unquote(path)
        if under_root:  # "/../x" is "/x": normalised as a URL path before it meets the disk
            target = os.path.join(directory, posixpath.normpath("/" + written).lstrip("/"))
        else:
            target = os.path.normpath(os.path.join(directory, written))
        if written.endswith("/") and not target.endswith(os.sep):
            target += os.sep  # "file.md/" is not file.md; "dir/" keeps its slash
    if os.sep == "/":  # what Path.as_uri() does on POSIX, without its parsing (~10x faster)
        if _UNQUOTED.fullmatch(target):  # nothing to quote: the common case, 3x faster again
            return "file://" + target + rest
        return "file://" + quote_from_bytes(os.fsencode(target)) + rest
    return Path(target).as_uri() + rest
