"""The target index on disk, for inputs too large to hold in memory
(checker/targets.py moves there past ``SPILL_AT`` URLs).

Holding a dict of a million URLs would cost ~100 MB more than the rest of
the run (measured: a set of 1M hashes alone is +76 MB), so past that size the
index lives in a private temporary SQLite file (deleted on close) and memory
stays flat whatever the input size. Measured (in-process, 1M unique URLs):
~10 s to add, ~3 s to list, ~42 MB peak RSS. A URL read many times lists its
first ``PLACES_LISTED`` places and counts the rest, so duplicates cost nothing
beyond their rows here.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator

from checker.models import Places, Source, Target
from checker.sources.interface import Link

_BATCH = 8192
# A URL read a million times is one target: its first PLACES_LISTED places are
# listed, and the rest only counted (Places.total; "sources_total" in JSON).
PLACES_LISTED = 100
# A batch is appended to ``stage`` by one executemany; two statements then run
# in C alone: new URLs join ``seen`` in first-seen order, and every occurrence
# joins ``occ`` under its URL's id. ``occ`` holds integers only, so listing the
# targets is a sort of integers, not an index over the URLs' text.
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA temp_store = FILE;
PRAGMA cache_size = -4096;
CREATE TABLE stage(url TEXT NOT NULL, path INTEGER NOT NULL, line INTEGER NOT NULL, col INTEGER);
CREATE TABLE seen(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE);
CREATE TABLE occ(uid INTEGER NOT NULL, path INTEGER NOT NULL, line INTEGER NOT NULL, col INTEGER);
"""
_CACHE_KB = 4096
_ADD_CACHE_KB = 12288
_STAGE = "INSERT INTO stage VALUES (?, ?, ?, ?)"
_NEW_URLS = "INSERT OR IGNORE INTO seen(url) SELECT url FROM stage ORDER BY rowid"
# When every URL of a batch was new, the n-th staged row (rowids restart at 1
# once ``stage`` is empty) is the URL with id ``base + n``: no lookup needed.
_ALL_NEW = "INSERT INTO occ SELECT ? + rowid, path, line, col FROM stage ORDER BY rowid"
_OCCURRENCES = (
    "INSERT INTO occ SELECT seen.id, stage.path, stage.line, stage.col"
    " FROM stage JOIN seen ON seen.url = stage.url ORDER BY stage.rowid"
)


class DiskIndex:
    """Unique URLs in first-seen order, on disk. Fill it with :meth:`add`, then iterate."""

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
        self._growing = False  # an index of occ by URL, made for the first grow()

    def add(self, links: Iterable[Link]) -> None:
        db = self._db
        it = iter(links)
        path_ids = self._path_ids
        last_path: str | None = None
        last_id = 0
        # Each new URL lands at a random place in seen's index: a larger cache
        # while adding halves the time at 1M URLs; it is given back before
        # listing, whose sort takes about as much again.
        db.execute(f"PRAGMA cache_size = -{_ADD_CACHE_KB}")
        db.execute("BEGIN")
        try:
            while True:
                batch: list[tuple[str, int, int, int | None]] = []
                append = batch.append
                for url, path, line, column in itertools.islice(it, _BATCH):
                    # Links come file by file: the path is nearly always the last one.
                    if path is not last_path and path != last_path:
                        last_id = path_ids.get(path, -1)
                        if last_id < 0:
                            last_id = path_ids[path] = len(self._paths)
                            self._paths.append(path)
                        last_path = path
                    append((url, last_id, line, column))
                if not batch:
                    break
                db.executemany(_STAGE, batch)
                new = db.execute(_NEW_URLS)
                if new.rowcount == len(batch) and new.lastrowid is not None:
                    db.execute(_ALL_NEW, (new.lastrowid - len(batch),))
                else:
                    db.execute(_OCCURRENCES)
                db.execute("DELETE FROM stage")
                self._links += len(batch)
        finally:
            db.execute("COMMIT")
            db.execute(f"PRAGMA cache_size = -{_CACHE_KB}")
        self._unique = db.execute("SELECT count(*) FROM seen").fetchone()[0]

    def __len__(self) -> int:
        return self._unique

    @property
    def links(self) -> int:
        """Occurrences read, duplicates included."""
        return self._links

    def __iter__(self) -> Iterator[Target]:
        paths = self._paths
        urls = self._db.execute("SELECT url FROM seen ORDER BY id")
        if self._links == self._unique:
            # No duplicates: the n-th occurrence is the n-th URL's only one.
            rows = self._db.execute("SELECT path, line, col FROM occ ORDER BY rowid")
            for index, ((url,), (path, line, column)) in enumerate(zip(urls, rows, strict=True)):
                yield Target(index, url, (Source(paths[path], line, column),))
            return
        # Every URL has at least one occurrence, and its places come together,
        # in reading order: a new uid is the next URL. (One loop over the rows:
        # itertools.groupby and islice per URL cost twice as much.)
        rows = self._db.execute("SELECT uid, path, line, col FROM occ ORDER BY uid, rowid")
        current = index = -1
        url = ""
        listed: list[Source] = []
        counted = 0
        for uid, path, line, column in rows:
            if uid != current:
                if listed:
                    yield _target(index, url, listed, counted)
                current, counted, index = uid, 1, index + 1
                url = next(urls)[0]
                listed = [Source(paths[path], line, column)]
            elif counted < PLACES_LISTED:
                counted += 1
                listed.append(Source(paths[path], line, column))
            else:
                counted += 1
        if listed:
            yield _target(index, url, listed, counted)

    def urls_containing(self, text: str) -> Iterator[str]:
        """The URLs that contain ``text``, found by SQLite without listing
        every target (anchors/remote.py: the pages with ``#`` links)."""
        for (url,) in self._db.execute("SELECT url FROM seen WHERE instr(url, ?) > 0", (text,)):
            yield url

    # --- growing during the run (a crawl, checker/crawl/) ---------------------------

    def grow(self, links: Iterable[Link]) -> tuple[int, list[int]]:
        """Add links found during the run. Returns how many URLs were new (they
        are the last ones, indexes ``len(self) - new`` on), and the indexes of
        URLs already known before that got a place here, in first order."""
        db = self._db
        if not self._growing:
            db.execute("CREATE INDEX IF NOT EXISTS occ_uid ON occ(uid)")
            self._growing = True
        before_rowid = db.execute("SELECT max(rowid) FROM occ").fetchone()[0] or 0
        known = self._unique
        paths = self._path_ids
        rows = []
        for url, path, line, column in links:
            path_id = paths.get(path, -1)
            if path_id < 0:
                path_id = paths[path] = len(self._paths)
                self._paths.append(path)
            rows.append((url, path_id, line, column))
        if not rows:
            return 0, []
        db.execute("BEGIN")
        try:
            db.executemany(_STAGE, rows)
            new = db.execute(_NEW_URLS).rowcount
            db.execute(_OCCURRENCES)
            db.execute("DELETE FROM stage")
        finally:
            db.execute("COMMIT")
        self._links += len(rows)
        self._unique += new
        # The rows just added, by rowid (SQLite would rather walk the uid index
        # over every earlier URL: 4 ms a page at 1,000 pages), sorted here.
        added = db.execute("SELECT uid FROM occ WHERE rowid > ?", (before_rowid,))
        return new, sorted({uid - 1 for (uid,) in added if uid <= known})

    def read(self, first: int, limit: int) -> list[Target]:
        """Targets from index ``first`` on, at most ``limit``, with the places known now."""
        db = self._db
        found = db.execute(
            "SELECT id, url FROM seen WHERE id > ? ORDER BY id LIMIT ?", (first, limit)
        ).fetchall()
        return [_target(uid - 1, url, *self.places(uid - 1)[:2]) for uid, url in found]

    def places(self, index: int, after: int = 0) -> tuple[list[Source], int, int]:
        """The places of the URL at ``index`` read after occurrence ``after``:
        the first ``PLACES_LISTED``, how many in all, and the last occurrence's number."""
        paths = self._paths
        listed: list[Source] = []
        counted = last = 0
        rows = self._db.execute(
            "SELECT rowid, path, line, col FROM occ WHERE uid = ? AND rowid > ? ORDER BY rowid",
            (index + 1, after),
        )
        for rowid, path, line, column in rows:
            counted += 1
            last = rowid
            if counted <= PLACES_LISTED:
                listed.append(Source(paths[path], line, column))
        return listed, counted, last

    def url_of(self, index: int) -> str:
        row = self._db.execute("SELECT url FROM seen WHERE id = ?", (index + 1,)).fetchone()
        return str(row[0])

    def read_from(self, path: str) -> list[tuple[int, str]]:
        """Every URL read at ``path`` (a crawl's seeds: ``<arg>``), as (index, URL)."""
        path_id = self._path_ids.get(path)
        if path_id is None:
            return []
        rows = self._db.execute(
            "SELECT DISTINCT uid, url FROM occ JOIN seen ON seen.id = occ.uid"
            " WHERE occ.path = ? ORDER BY uid",
            (path_id,),
        )
        return [(uid - 1, url) for uid, url in rows]

    def sorted_urls(self) -> Iterator[str]:
        """Every unique URL in code point order (SQLite's binary collation on
        UTF-8): the same sequence for the same input on every machine."""
        for (url,) in self._db.execute("SELECT url FROM seen ORDER BY url"):
            yield url

    def keep(self, wanted: Callable[[str], bool]) -> None:
        """Drop every URL ``wanted`` refuses, with all its places (``--shard``).

        The URLs kept stay in first-seen order; ``links`` then counts their
        places. The kept rows are copied rather than the others deleted: at
        1M URLs deleting 3 in 4 from ``seen``'s index took 9 s, a copy ~1 s.
        """
        db = self._db
        db.create_function("wanted", 1, wanted, deterministic=True)
        # Ids keep gaps where URLs were dropped: __iter__ numbers the targets
        # afresh, but the crawl's id-based reads would not (--crawl refuses --shard).
        db.execute("BEGIN")
        try:
            db.execute("CREATE TABLE kept(id INTEGER PRIMARY KEY, url TEXT NOT NULL)")
            db.execute("INSERT INTO kept SELECT id, url FROM seen WHERE wanted(url) ORDER BY id")
            db.execute("DROP TABLE seen")
            db.execute("ALTER TABLE kept RENAME TO seen")
            # As _SCHEMA's UNIQUE: a later add() finds known URLs by it.
            db.execute("CREATE UNIQUE INDEX seen_url ON seen(url)")
            db.execute("DELETE FROM occ WHERE uid NOT IN (SELECT id FROM seen)")
        finally:
            db.execute("COMMIT")
        self._unique = db.execute("SELECT count(*) FROM seen").fetchone()[0]
        self._links = db.execute("SELECT count(*) FROM occ").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def _target(index: int, url: str, listed: list[Source], counted: int) -> Target:
    places = tuple(listed)
    return Target(index, url, Places(places, counted) if counted > len(places) else places)
