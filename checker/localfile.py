"""Check a ``file:`` URL on disk: the file (or directory) must exist.

Relative links in local documents arrive here as ``file:`` URLs (the source
stage resolved them), so this is the whole of "relative links are checked
on disk". It is asked by the gate (gate.py), before anything HTTP. The query
is ignored; a fragment is looked for in the file found (anchors/local.py),
unless ``--fragments off``.

A built static site serves more than the files named, and :class:`Lookup`
says how (``--index-files``, ``--fallback-extensions``), as a web server's
``index`` and ``try_files`` do:

* a link to a directory must find one of the index files in it, tried in
  order (``.`` is the directory itself); none is ``missing_file``, naming
  those tried. An entry that is itself a directory is no index file; one
  that exists but cannot be opened (no permission, a symlink loop) ends the
  search as a server's 403 would, and is ``missing_file`` saying why. With
  no index files, an existing directory passes (the default);
* a link whose file is not there tries each fallback extension
  (``guide/intro`` → ``guide/intro.html``); a link written with a trailing
  slash names a directory and tries none.

The result keeps the URL as written (it is the target's key, and ``--fix``
rewrites only moved HTTP links); ``final_url`` names the file found when it
is not the one written, as an HTTP result names where redirects ended.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, urlsplit
from urllib.request import url2pathname

from checker.anchors.local import LocalAnchors
from checker.models import ErrorKind, Failure, Outcome, Result, Target

_ROOT_RELATIVE_HINT = (
    "a root-relative link with nothing to resolve it against: give --root-dir or --base-url"
)
_GONE = frozenset({errno.ENOENT, errno.ENOTDIR})


@dataclass(frozen=True, slots=True)
class Lookup:
    """How a path that is a directory, or is not there, is looked up."""

    index_files: tuple[str, ...] = ()
    fallback_extensions: tuple[str, ...] = ()  # without the dot: "html"


PLAIN = Lookup()  # today's rule: the path must exist


def check(
    target: Target, lookup: Lookup = PLAIN, anchors: LocalAnchors | None = None
) -> Result | None:
    """The result for a ``file:`` or root-relative target, or None for anything else."""
    url = target.url
    if url.startswith("/") and not url.startswith("//"):
        error = Failure(ErrorKind.INVALID_URL, _ROOT_RELATIVE_HINT)
        return Result.for_target(target, Outcome.ERROR, error=error)
    if url[:5].lower() != "file:":
        return None
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # what urlsplit raises, e.g. on file://[x]/y
        error = Failure(ErrorKind.INVALID_URL, f"cannot parse file: URL: {exc}")
        return Result.for_target(target, Outcome.ERROR, error=error)
    if parts.netloc not in ("", "localhost"):
        error = Failure(ErrorKind.INVALID_URL, f"a file: URL on another host ({parts.netloc})")
        return Result.for_target(target, Outcome.ERROR, error=error)
    path = url2pathname(parts.path)
    found = find(path, lookup)
    if isinstance(found, Failure):
        return Result.for_target(target, Outcome.BROKEN, error=found, attempts=1)
    final = None if found == path else _file_url(found) + _rest(url)
    if anchors is not None and parts.fragment:
        # In the file found: the index file of a directory, or with its fallback extension.
        result = anchors.check(target, found, parts.fragment)
        result.final_url = final
        return result
    return Result.for_target(target, Outcome.OK, attempts=1, final_url=final)


def find(path: str, lookup: Lookup = PLAIN) -> str | Failure:
    """The path a link to ``path`` finds on disk (``path`` itself, an index
    file in it, or ``path`` with a fallback extension), or why none."""
    try:
        mode: int | None = os.stat(path).st_mode
    except ValueError:  # a NUL in the path
        mode = None
    except OSError as exc:
        if exc.errno not in _GONE:  # a symlink loop, a directory we may not search
            why = exc.strerror or str(exc)
            return Failure(ErrorKind.MISSING_FILE, f"cannot read {path}: {why}")
        mode = None
    if mode is not None and stat.S_ISDIR(mode) and lookup.index_files:
        return _index(path, lookup.index_files)
    if mode is not None:
        return path
    if lookup.fallback_extensions and not path.endswith(os.sep):
        for extension in lookup.fallback_extensions:
            candidate = f"{path}.{extension}"
            if _is_file(candidate):
                return candidate
        tried = ", ".join("." + e for e in lookup.fallback_extensions)
        return Failure(ErrorKind.MISSING_FILE, f"no such file: {path} (nor with {tried})")
    return Failure(ErrorKind.MISSING_FILE, f"no such file: {path}")


def _index(directory: str, names: tuple[str, ...]) -> str | Failure:
    for name in names:
        if name == ".":
            return directory
        candidate = os.path.join(directory, name)
        try:
            mode = os.stat(candidate).st_mode
        except OSError as exc:
            if exc.errno in _GONE:
                continue
            why = exc.strerror or str(exc)  # a symlink loop, no permission to look
            return Failure(ErrorKind.MISSING_FILE, f"cannot read index file {candidate}: {why}")
        if stat.S_ISDIR(mode):
            continue  # a directory named like an index file is none
        if not stat.S_ISREG(mode):  # a FIFO would block the open below
            why = "not a regular file"
            return Failure(ErrorKind.MISSING_FILE, f"cannot read index file {candidate}: {why}")
        try:  # a server that cannot read it answers 403: the link is broken
            os.close(os.open(candidate, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
        except OSError as exc:
            why = exc.strerror or str(exc)
            return Failure(ErrorKind.MISSING_FILE, f"cannot read index file {candidate}: {why}")
        return candidate
    tried = ", ".join(names)
    message = f"no index file in directory {directory} (tried {tried})"
    return Failure(ErrorKind.MISSING_FILE, message)


def _is_file(path: str) -> bool:
    try:
        return not stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _file_url(path: str) -> str:
    """As the source stage writes one (sources/resolve.py), bytes a file
    name may hold that are no UTF-8 included."""
    if os.sep != "/" and os.path.isabs(path):
        return Path(path).as_uri()
    quoted = quote_from_bytes(os.fsencode(path))
    return ("file://" if quoted.startswith("/") else "file:") + quoted


def _rest(url: str) -> str:
    """The query and fragment of ``url``, as written."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[cut:]
