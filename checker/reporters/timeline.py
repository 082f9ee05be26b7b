"""Each URL's recent checks as marks (``.`` ok, ``x`` failed), read from the
store (``--cache``) for the HTML report's small timelines."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

SHOWN = 20  # checks per timeline: the row stays one line


def marks(path: Path | None, urls: Iterable[str]) -> dict[str, str]:
    """``{url: ".x..x"}``, oldest first; empty when there is no store to read
    (a timeline is a nicety: a store that cannot be read never fails the report)."""
    if path is None:
        return {}
    from checker.store import queries
    from checker.store.schema import StoreError

    try:
        return {
            line.url: "".join("." if c.ok else "x" for c in line.checks[-SHOWN:])
            for line in queries.timelines(path, list(urls))
        }
    except (StoreError, sqlite3.Error, OSError):
        return {}
