"""``--fix``: rewrite permanently moved links in the local files they came from.

A link qualifies when its result is ok (or broken only by ``--redirects
warn|error``, error kind ``redirected``) and its redirect chain began with
permanent redirects (301/308): ``Result.moved_to`` is the last URL those
reached, which the probe records. A chain that goes on with a 302 to a login
page is rewritten only up to the permanent part.

Each place the link was read from (``Result.sources``: path, line, column)
is rewritten only when the URL is written there verbatim, byte for byte: a
relative link, one written with entities, or one whose column is unknown is
left alone, and so is a file that is not valid UTF-8 (rewriting it could not
be byte-exact). Nothing but the URL's own characters changes: line ends
(LF, CRLF, CR), a BOM, and every other byte stay as they are. A fragment the
link had is kept when the new URL has none, as a browser would.

Each file is written atomically (a temporary file in the same directory,
with the original's mode, renamed over it). ``--fix --dry-run`` writes
nothing and returns the unified diff instead. A new URL that holds one of
the run's secrets (a server may echo a token into a Location) is never
written.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from checker.models import ErrorKind, Outcome, Result
from checker.redact import MASK
from checker.settings import Settings

# The line breaks the document parsers count (sources/_text.py normalises
# CRLF and CR to LF before counting lines).
_BREAK = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"
_NOT_FILES = frozenset({"-", "<arg>"})


@dataclass
class FixReport:
    """What ``--fix`` did: edits per file, and places it could not fix, with why."""

    changed: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    diff: str = ""


@dataclass(frozen=True, slots=True)
class _Edit:
    line: int
    column: int
    old: str
    new: str


def new_url(result: Result) -> str | None:
    """The URL ``result``'s link should be written as, or None."""
    moved = result.moved_to
    # Broken only by --redirects warn|error, the link still works: fix it too.
    redirected = result.error is not None and result.error.kind is ErrorKind.REDIRECTED
    if (result.outcome is not Outcome.OK and not redirected) or not moved or moved == result.url:
        return None
    fragment = result.url.partition("#")[2]
    if fragment and "#" not in moved:
        moved += "#" + fragment
    return moved


def plan(results: Iterable[Result], secrets: tuple[str, ...] = ()) -> dict[str, list[_Edit]]:
    """The edits to make, by file path."""
    edits: dict[str, list[_Edit]] = {}
    for result in results:
        new = new_url(result)
        # Results reach us masked (engine.py redacts them): a URL holding the
        # mask, or a secret, is never written into a file.
        if new is None or MASK in new or any(s in new for s in secrets):
            continue
        for source in result.sources:
            if source.path in _NOT_FILES or source.column is None:
                continue
            edit = _Edit(source.line, source.column, result.url, new)
            edits.setdefault(source.path, []).append(edit)
    return edits


def apply(results: Iterable[Result], *, dry_run: bool, secrets: tuple[str, ...] = ()) -> FixReport:
    report = FixReport()
    diffs: list[str] = []
    for path, edits in sorted(plan(results, secrets).items()):
        try:
            data = Path(path).read_bytes()
            text = data.decode("utf-8")  # strict: only valid UTF-8 round-trips exactly
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
            report.skipped.append(f"{path}: not fixed: {reason}")
            continue
        new_text, done, skipped = _rewrite(text, edits)
        report.skipped += [f"{path}:{e.line}:{e.column}: not fixed: {why}" for e, why in skipped]
        if not done:
            continue
        report.changed[path] = done
        if dry_run:
            diffs.append(_diff(path, text, new_text))
            continue
        try:
            _write_atomically(Path(path), new_text.encode("utf-8"))
        except OSError as exc:
            report.changed.pop(path)
            report.skipped.append(f"{path}: not fixed: {exc.strerror or exc}")
    report.diff = "".join(diffs)
    return report


def fix_and_tell(results: list[Result], settings: Settings) -> FixReport:
    """``--fix`` at the end of a CLI run: apply, then say what was done on stderr
    (stdout is the report)."""
    from checker.redact import forms

    report = apply(results, dry_run=settings.dry_run, secrets=forms(settings.secrets))
    lines = [*report.skipped]
    links, files = sum(report.changed.values()), len(report.changed)
    verb = "would fix" if settings.dry_run else "fixed"
    lines.append(f"urlcheck: {verb} {links} moved link(s) in {files} file(s)")
    sys.stderr.write(report.diff + "\n".join(lines) + "\n")
    return report


def _rewrite(text: str, edits: list[_Edit]) -> tuple[str, int, list[tuple[_Edit, str]]]:
    """``text`` with ``edits`` made where the old URL is written verbatim."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    bom = 1 if text.startswith(_BOM) else 0
    spans: list[tuple[int, int, str]] = []
    skipped: list[tuple[_Edit, str]] = []
    for edit in edits:
        if not 1 <= edit.line <= len(starts) or edit.column < 1:
            skipped.append((edit, "the place is not in the file any more"))
            continue
        at = starts[edit.line - 1] + edit.column - 1 + (bom if edit.line == 1 else 0)
        if text[at : at + len(edit.old)] != edit.old:
            skipped.append((edit, "the link is not written there as checked"))
            continue
        spans.append((at, at + len(edit.old), edit.new))
    spans = sorted(set(spans))
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:  # two links overlapping: touch neither
            return text, 0, [*skipped, *((e, "overlapping links") for e in edits)]
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text, len(spans), skipped


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


def _write_atomically(path: Path, data: bytes) -> None:
    path = path.resolve()  # a symlink stays a symlink; its target is rewritten
    mode = path.stat().st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
