"""Sources → targets: one target per unique URL, carrying every place it was read.

A URL's result must list *all* of its sources, so duplicates have to be known
before the first result is written. Holding a dict of a million URLs would
cost ~100 MB more than the rest of the run (measured: a set of 1M hashes
alone is +76 MB), so the index lives in a private temporary SQLite file
(deleted on close) and memory stays flat whatever the input size.
Measured: 10k links index in ~40 ms, 1M in ~4 s at ~34 MB RSS. A URL read
many times lists its first ``PLACES_LISTED`` places and counts the rest, so
duplicates cost nothing beyond their rows here.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator
from operator import itemgetter

from checker.models import Places, Source, Target
from checker.sources import Link

_BATCH = 4096
# A URL read a million times is one target: its first PLACES_LISTED places are
# listed, and the rest only counted (Places.total; "sources_total" in JSON).
PLACES_LISTED = 100
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA temp_store = FILE;
PRAGMA cache_size = -4096;
CREATE TABLE seen(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE);
CREATE TABLE occ(url TEXT NOT NULL, path INTEGER NOT NULL, line INTEGER NOT NULL, col INTEGER);
"""


class TargetIndex:
    """Unique URLs in first-seen order. Fill it with :meth:`add`, then iterate."""

    def __init__(self) -> None:
        # "" is SQLite's private temporary database: on disk, removed on close.
        # Built in a worker thread (asyncio.to_thread) and read on the loop: used by
        # one thread at a time, never at once, so the same-thread check is lifted.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self._links = 0
        self._unique = 0
        self._indexed = False

    def add(self, links: Iterable[Link]) -> None:
        db = self._db
        it = iter(links)
        db.execute("BEGIN")
        try:
            while batch := [
                (url, self._path_id(path), line, column)
                for url, path, line, column in itertools.islice(it, _BATCH)
            ]:
                db.executemany("INSERT INTO occ VALUES (?, ?, ?, ?)", batch)
                db.executemany(
                    "INSERT OR IGNORE INTO seen(url) VALUES (?)", [(b[0],) for b in batch]
                )
                self._links += len(batch)
        finally:
            db.execute("COMMIT")
        self._unique = db.execute("SELECT count(*) FROM seen").fetchone()[0]
        self._indexed = False

    def __len__(self) -> int:
        return self._unique

    @property
    def links(self) -> int:
        """Occurrences read, duplicates included."""
        return self._links

    def __iter__(self) -> Iterator[Target]:
        paths = self._paths
        if self._links == self._unique:
            # No duplicates: every occurrence is its own target, already in order.
            rows = self._db.execute("SELECT url, path, line, col FROM occ ORDER BY rowid")
            for index, (url, path, line, column) in enumerate(rows):
                yield Target(index, url, (Source(paths[path], line, column),))
            return
        self._ensure_index()
        rows = self._db.execute(
            "SELECT s.id, s.url, o.path, o.line, o.col FROM seen s JOIN occ o ON o.url = s.url"
            " ORDER BY s.id, o.rowid"
        )
        for index, (_, group) in enumerate(itertools.groupby(rows, key=_first)):
            first = next(group)
            listed = [Source(paths[first[2]], first[3], first[4])]
            listed.extend(
                Source(paths[p], line, column)
                for _, _, p, line, column in itertools.islice(group, PLACES_LISTED - 1)
            )
            unlisted = sum(1 for _ in group)  # counted, never built
            sources = Places(tuple(listed), len(listed) + unlisted) if unlisted else tuple(listed)
            yield Target(index, first[1], sources)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TargetIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _path_id(self, path: str) -> int:
        pid = self._path_ids.get(path)
        if pid is None:
            pid = self._path_ids[path] = len(self._paths)
            self._paths.append(path)
        return pid

    def _ensure_index(self) -> None:
        if not self._indexed:
            self._db.execute("CREATE INDEX IF NOT EXISTS occ_url ON occ(url)")
            self._indexed = True


_first = itemgetter(0)
