"""Plain-text pieces every reporter may share, free of rich.

Kept apart from text.py so that the machine formats (json, jsonl, csv,
github, markdown) do not import rich: ~20 ms of start-up they never use.
"""

from __future__ import annotations

from checker.models import Outcome, Summary


def escape(text: str, keep: str = "") -> str:
    """Show control and invisible formatting characters (such as a bidi
    override) as escapes, so a hostile URL cannot rewrite the terminal.
    The characters in ``keep`` (line breaks a format encodes itself) stay."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


def summary_line(summary: Summary) -> str:
    counts = ", ".join(
        f"{getattr(summary, o.value)} {o.value}" for o in Outcome if getattr(summary, o.value)
    )
    warnings = ""
    if summary.warnings:
        one = summary.warnings == 1
        warnings = (
            f"; {summary.warnings} warning{'' if one else 's'}, "
            f"which do{'es' if one else ''} not fail the run"
        )
    return (
        f"{summary.total} URLs in {summary.duration_s:.2f} s ({summary.strategy}): "
        f"{counts or 'nothing to check'}{warnings}"
    )
