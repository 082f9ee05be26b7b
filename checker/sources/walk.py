"""SOURCES that name files: a file, a directory (walked), or a glob (expanded).

A directory is walked recursively in sorted order, reading only files whose
extension names a document format (``.txt`` is left out: in a tree it is
prose, not a URL list). Hidden entries are skipped unless ``--hidden``;
``.git`` always is. ``.gitignore`` files apply as git applies them (pathspec
does the matching): from the repository root down, the deepest decisive
pattern wins, and an ignored directory is not entered. ``--no-ignore`` turns
that off. A file named on the command line is always read.

A glob (``'docs/**/*.md'``, quoted so the shell leaves it) is expanded here,
sorted, by the walk's rules: regular files only (a FIFO is never opened), and
a wildcard never enters a symlinked directory (no loops); its matches are
treated like a walk's (ignore rules apply).
``--exclude-path`` regexes are matched against every path as it is shown
(``docs/guide/a.md``), directories included, so a match prunes a subtree.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pathspec import GitIgnoreSpec

from checker.sources.interface import SourceError

_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class Document:
    """A file to read. ``root`` is the directory whose URL ``--base-url`` gives."""

    path: str
    root: str


@dataclass(frozen=True, slots=True)
class WalkOptions:
    extensions: frozenset[str]
    hidden: bool = False
    no_ignore: bool = False
    exclude_path: tuple[re.Pattern[str], ...] = ()


def expand(spec: str, options: WalkOptions) -> Iterator[Document]:
    """The documents one SOURCE names, lazily. Raises :class:`SourceError`."""
    if _excluded(spec, options):
        return
    if os.path.isdir(spec):
        yield from _walk(spec, spec, options, _Ignore(spec, options))
    elif _GLOB_CHARS.search(spec) and not os.path.lexists(spec):
        yield from _glob(spec, options)
    else:
        yield Document(spec, os.path.dirname(spec) or ".")


def _glob(pattern: str, options: WalkOptions) -> Iterator[Document]:
    matches = sorted(set(_matching(pattern, options.hidden)))
    if not matches:
        raise SourceError(f"no files match {pattern!r}")
    root = _glob_root(pattern)
    ignore = _Ignore(root, options)
    seen: set[str] = set()
    for match in matches:
        if _excluded(match, options) or ignore.ignored(match, os.path.isdir(match)):
            continue
        if os.path.isdir(match):
            documents: Iterator[Document] = _walk(match, root, options, ignore)
        elif _extension(match) in options.extensions and os.path.isfile(match):
            documents = iter((Document(match, root),))  # a regular file: never a FIFO
        else:
            continue
        for doc in documents:  # "docs/**" matches a directory and the files in it
            if doc.path not in seen:
                seen.add(doc.path)
                yield doc


def _matching(pattern: str, hidden: bool) -> Iterator[str]:
    """The paths a glob matches, by the walk's rules, not :func:`glob.glob`'s:
    a wildcard never enters a symlinked directory (``**`` over a symlink loop
    would recurse until the path is too long, and fan out at every loop)."""
    parts = [part for part in pattern.split("/") if part]
    base = "/" if pattern.startswith("/") else ""
    return _match(base, parts, hidden)


def _match(base: str, parts: list[str], hidden: bool) -> Iterator[str]:
    head, rest = parts[0], parts[1:]
    if head == "**":
        if rest:
            yield from _match(base, rest, hidden)
        elif base:
            yield base
        for entry in _entries(base, hidden, head):
            if entry.is_dir(follow_symlinks=False):
                yield from _match(os.path.join(base, entry.name), parts, hidden)
            elif not rest:
                yield os.path.join(base, entry.name)
    elif not _GLOB_CHARS.search(head):  # a literal part, as written: it may be a symlink
        path = os.path.join(base, head)
        if not rest:
            if os.path.lexists(path):
                yield path
        elif os.path.isdir(path):
            yield from _match(path, rest, hidden)
    else:
        for entry in _entries(base, hidden, head):
            if fnmatch.fnmatchcase(entry.name, head):
                path = os.path.join(base, entry.name)
                if not rest:
                    yield path
                elif entry.is_dir(follow_symlinks=False):
                    yield from _match(path, rest, hidden)


def _entries(directory: str, hidden: bool, part: str) -> list[os.DirEntry[str]]:
    """A directory's entries, sorted; dot-files only if ``--hidden`` or the part
    names them (``.*``), as :func:`glob.glob` does."""
    try:
        entries = sorted(os.scandir(directory or "."), key=lambda e: e.name)
    except OSError:
        return []
    if hidden or part.startswith("."):
        return entries
    return [e for e in entries if not e.name.startswith(".")]


def _glob_root(pattern: str) -> str:
    """The directory part of a glob before its first wildcard."""
    head = _GLOB_CHARS.split(pattern, maxsplit=1)[0]
    return os.path.dirname(head) or "."


def _walk(top: str, root: str, options: WalkOptions, ignore: _Ignore) -> Iterator[Document]:
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(f"cannot read {top!r}: {exc.strerror or exc}") from None
    for entry in entries:
        name = entry.name
        if name == ".git" or (name.startswith(".") and not options.hidden):
            continue
        path = entry.path.removeprefix("./")  # "docs/a.md", not "./docs/a.md", for "."
        is_dir = entry.is_dir(follow_symlinks=False)  # a symlinked directory may loop
        if _excluded(path, options) or ignore.ignored(path, is_dir):
            continue
        if is_dir:
            yield from _walk(path, root, options, ignore)
        elif _extension(name) in options.extensions and entry.is_file():
            yield Document(path, root)


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _excluded(path: str, options: WalkOptions) -> bool:
    shown = path.replace(os.sep, "/")
    return any(pattern.search(shown) for pattern in options.exclude_path)


class _Ignore:
    """The ``.gitignore`` files that govern paths under ``start``.

    They are read from the repository root (the nearest ancestor holding
    ``.git``) down; outside a repository, from ``start`` down only, so a
    stray ``.gitignore`` above the input never applies.
    """

    def __init__(self, start: str, options: WalkOptions) -> None:
        self._enabled = not options.no_ignore
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        self._chains: dict[str, tuple[tuple[str, GitIgnoreSpec], ...]] = {}
        here = os.path.abspath(start)
        self._top = _repository_root(here) or here

    def ignored(self, path: str, is_dir: bool) -> bool:
        if not self._enabled:
            return False
        target = os.path.abspath(path)
        decision = None
        for directory, spec in self._chain(os.path.dirname(target)):
            relative = os.path.relpath(target, directory).replace(os.sep, "/")
            include = spec.check_file(relative + "/" if is_dir else relative).include
            if include is not None:
                decision = include
        return bool(decision)

    def _chain(self, directory: str) -> tuple[tuple[str, GitIgnoreSpec], ...]:
        chain = self._chains.get(directory)
        if chain is None:
            parent = os.path.dirname(directory)
            inside = directory not in (self._top, parent)
            above = self._chain(parent) if inside and directory.startswith(self._top) else ()
            spec = self._spec(directory)
            chain = self._chains[directory] = above + (((directory, spec),) if spec else ())
        return chain

    def _spec(self, directory: str) -> GitIgnoreSpec | None:
        try:
            with open(os.path.join(directory, ".gitignore"), encoding="utf-8") as handle:
                return GitIgnoreSpec.from_lines(handle.read().splitlines())
        except (OSError, UnicodeDecodeError):
            return None


def _repository_root(directory: str) -> str | None:
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
