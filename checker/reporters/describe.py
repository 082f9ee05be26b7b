"""Phrases and locations shared by the CI reporters (csv, markdown, junit,
sarif, github), so that they word a failure and point at it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from checker.models import Outcome, Result, Source
from checker.reporters.health import note
from checker.sources import ARG, STDIN

CANCELLED = "cancelled before it finished (fail-fast or interrupt)"


def reason(result: Result) -> str:
    """Why a result is what it is, in a few words: ``HTTP 404``,
    ``timeout: no complete response within 3 s``, ``excluded: matches …``,
    then its notes: ``; warning: matched --warn 404``, ``; moved permanently to …``,
    ``; known: failing 3 runs since …`` (--cache)."""
    return "; ".join((_reason(result), *notes(result)))


def notes(result: Result) -> tuple[str, ...]:
    """What a result adds to its reason: that its failure is only a warning
    (--warn, --redirects warn), where its link moved permanently (301/308),
    and what the store knows of a failure (new, known, flaky)."""
    mark = note(result)
    if result.warning is None and result.moved_to is None and mark is None:
        return ()
    said = () if result.warning is None else (f"warning: {result.warning}",)
    if result.moved_to is not None:
        said = (*said, f"moved permanently to {result.moved_to}")
    return said if mark is None else (*said, mark)


def _reason(result: Result) -> str:
    if result.error is not None:
        return f"{result.error.kind}: {result.error.message}"
    if result.outcome is Outcome.CANCELLED:
        return CANCELLED
    if result.outcome is Outcome.EXCLUDED:
        return f"excluded: {result.reason}" if result.reason else "excluded"
    if result.status is None:
        return str(result.outcome)
    if result.redirects:
        return (
            f"HTTP {result.status} after {len(result.redirects)} redirect(s) to {result.final_url}"
        )
    return f"HTTP {result.status}"


def rule_id(result: Result) -> str:
    """A stable identifier of what went wrong: the outcome, refined by the
    error kind (``broken``, ``error/timeout``, ``cancelled``)."""
    if result.outcome is Outcome.ERROR and result.error is not None:
        return f"{result.outcome}/{result.error.kind}"
    return str(result.outcome)


def is_file(source: Source) -> bool:
    """False for standard input and command-line arguments, which have no file to point at."""
    return source.path not in (STDIN, ARG)


def where(source: Source) -> str:
    return f"{source.path}:{source.line}"


# A result always has a source when it comes from the engine; this keeps a
# hand-built one from vanishing from per-occurrence reports.
_NOWHERE = (Source(ARG, 0),)


def occurrences(results: Iterable[Result]) -> Iterator[tuple[Source, Result]]:
    """Every place each result's URL was read, in a stable order (path, line,
    column, url) whatever order the strategy finished them in."""
    pairs = [(source, result) for result in results for source in result.sources or _NOWHERE]
    pairs.sort(key=lambda p: (p[0].path, p[0].line, p[0].column or 0, p[1].url))
    return iter(pairs)
