"""Check a ``file:`` URL on disk: the file (or directory) must exist.

Relative links in local documents arrive here as ``file:`` URLs (the source
stage resolved them), so this is the whole of "relative links are checked
on disk". It is asked by the gate (gate.py), before anything HTTP. Query and
fragment are ignored: anchors are not checked.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit
from urllib.request import url2pathname

from checker.anchors.local import LocalAnchors
from checker.models import ErrorKind, Failure, Outcome, Result, Target

_ROOT_RELATIVE_HINT = (
    "a root-relative link with nothing to resolve it against: give --root-dir or --base-url"
)


def check(target: Target, anchors: LocalAnchors | None = None) -> Result | None:
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
    if os.path.exists(path):
        if anchors is not None and parts.fragment:
            return anchors.check(target, path, parts.fragment)
        return Result.for_target(target, Outcome.OK, attempts=1)
    error = Failure(ErrorKind.MISSING_FILE, f"no such file: {path}")
    return Result.for_target(target, Outcome.BROKEN, error=error, attempts=1)
