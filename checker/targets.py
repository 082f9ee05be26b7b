"""Sources → targets: one target per unique URL, carrying every place it was read.

A URL's result must list *all* of its sources, so duplicates have to be known
before the first result is written. Up to ``SPILL_AT`` unique URLs the index
is a dict in memory (~40 MB at that size, measured); past it, everything moves to the
SQLite index on disk (checker/targets_disk.py), whose memory stays flat
however large the input. The dict costs ~0.5 µs per link against SQLite's
~8 µs to add and ~7 µs to list: on the 52 MB benchmark tree (189k links,
102k URLs) ~2.5 s of a --dump's time in the one process that cannot be
parallelised (README.md, "Extraction speed"). Both list the same targets in the same
order: tests/test_targets.py runs every test on each.

A URL read many times lists its first ``PLACES_LISTED`` places and counts
the rest (``Places.total``; ``sources_total`` in JSON).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from checker.models import Places, Source, Target, count_places
from checker.sources.interface import Batch, Link, batched, unbatched
from checker.targets_disk import PLACES_LISTED, DiskIndex

if TYPE_CHECKING:
    from checker.shard import ShardStamp

__all__ = ["PLACES_LISTED", "SPILL_AT", "Row", "TargetIndex"]

# Unique URLs held in memory before the index moves to disk; places held
# (a URL lists up to PLACES_LISTED) are bounded at four times as many.
SPILL_AT = 200_000

_Place = tuple[int, int, "int | None"]  # path id, line, column
# What rows() lists per URL: the URL, its places (path, line, column), how many in all.
Row = tuple[str, list[tuple[str, int, "int | None"]], int]


class TargetIndex:
    """Unique URLs in first-seen order. Fill it with :meth:`add`, then iterate.

    Built in a worker thread (asyncio.to_thread) and read on the loop: used
    by one thread at a time, never at once.
    """

    def __init__(self, spill_at: int | None = None) -> None:
        self._spill_at = SPILL_AT if spill_at is None else spill_at
        self._ids: dict[str, int] = {}  # URL -> its index, in first-seen order
        # By index, the URL's first place: path id, line, column (0: unknown).
        # Arrays, not a tuple each: 24 bytes a URL instead of ~120.
        self._first_path, self._first_line, self._first_col = array("q"), array("q"), array("q")
        self._more: dict[int, list[_Place]] = {}  # its next places, up to PLACES_LISTED
        self._total: dict[int, int] = {}  # every place, for a URL read more often
        self._places = 0
        self._paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self._links = 0
        self._disk: DiskIndex | None = None
        # With --shard: which shard of which input this index holds (checker/shard.py).
        self.shard: ShardStamp | None = None

    def add(self, links: Iterable[Link]) -> None:
        self.add_batches(batched(links))

    def add_batches(self, batches: Iterable[Batch]) -> None:
        """Add each batch's links (one path's, in reading order): a batch at a
        time, the path looked up once, the links as plain tuples."""
        it = iter(batches)
        if self._disk is None:
            for path, links in it:
                done = self._add_here(path, links)
                if len(self._ids) > self._spill_at or self._places > 4 * self._spill_at:
                    # Outgrown memory (part way through, maybe): the rest goes to disk.
                    self._add_on_disk(itertools.chain([(path, links[done:])], it))
                    return
            return
        self._add_on_disk(it)

    def _add_on_disk(self, batches: Iterator[Batch]) -> None:
        if self._disk is None:
            self._spill()
        assert self._disk is not None
        before = self._disk.links
        self._disk.add(unbatched(batches))
        self._links += self._disk.links - before

    def _add_here(self, path: str, links: list[tuple[str, int, int | None]]) -> int:
        """Add ``links`` read at ``path`` in memory; returns how many were
        added: it stops at the link past the memory bounds."""
        path_id = self._path_ids.get(path)
        if path_id is None:
            path_id = self._path_ids[path] = len(self._paths)
            self._paths.append(path)
        ids, more, total = self._ids, self._more, self._total
        first_path, first_line = self._first_path.append, self._first_line.append
        first_col = self._first_col.append
        count = len(ids)
        places = self._places
        spill_at = self._spill_at
        limit = 4 * spill_at
        done = 0
        try:
            for url, line, column in links:
                done += 1
                uid = ids.setdefault(url, count)
                if uid == count:
                    count += 1
                    first_path(path_id)
                    first_line(line)
                    first_col(column or 0)
                    places += 1
                    if count > spill_at:
                        break
                    continue
                listed = more.get(uid)
                if listed is None:
                    more[uid] = [(path_id, line, column)]
                elif len(listed) < PLACES_LISTED - 1:
                    listed.append((path_id, line, column))
                else:
                    total[uid] = total.get(uid, PLACES_LISTED) + 1
                    continue
                places += 1
                if places > limit:
                    break
        finally:
            self._places = places
            self._links += done
        return done

    def _spill(self) -> None:
        """Move what is held here to the disk index, in the same order, and drop it."""
        disk = DiskIndex()
        try:
            disk.add(self._held())
        except BaseException:
            disk.close()
            raise
        self._disk = disk
        self._drop()

    def _drop(self) -> None:
        self._ids, self._more, self._total = {}, {}, {}
        self._first_path, self._first_line, self._first_col = array("q"), array("q"), array("q")
        self._paths, self._path_ids = [], {}

    def _held(self) -> Iterator[Link]:
        paths = self._paths
        firsts = zip(self._ids, self._first_path, self._first_line, self._first_col, strict=True)
        for index, (url, path_id, line_no, col) in enumerate(firsts):
            first: _Place = (path_id, line_no, col or None)
            places = [first, *self._more.get(index, ())]
            for path, line, column in places:
                yield Link(url, paths[path], line, column)
            # Past the listed places only the count matters: the disk index
            # counts its rows, and lists the first PLACES_LISTED.
            path, line, column = places[-1]
            for _ in range(self._total.get(index, len(places)) - len(places)):
                yield Link(url, paths[path], line, column)

    def __len__(self) -> int:
        return len(self._disk) if self._disk is not None else len(self._ids)

    @property
    def links(self) -> int:
        """Occurrences read, duplicates included."""
        return self._links

    def __iter__(self) -> Iterator[Target]:
        if self._disk is not None:
            yield from self._disk
            return
        paths, more, total = self._paths, self._more, self._total
        held = zip(self._ids, self._first_path, self._first_line, self._first_col, strict=True)
        for index, (url, path, line, column) in enumerate(held):
            source = Source(paths[path], line, column or None)
            listed = more.get(index)
            if listed is None:
                yield Target(index, url, (source,))
                continue
            sources = (source, *[Source(paths[p], n, c) for p, n, c in listed])
            counted = total.get(index)
            yield Target(index, url, sources if counted is None else Places(sources, counted))

    def rows(self) -> Iterator[Row]:
        """What :meth:`__iter__` lists, as plain tuples: ``(url, places, total)``,
        each place ``(path, line, column)``. For a --dump, which needs no
        :class:`Target`: building one per URL and one Source per place cost
        a third of the dump of the 52 MB benchmark tree."""
        if self._disk is not None:
            for target in self._disk:
                sources = target.sources
                places = [(s.path, s.line, s.column) for s in sources]
                yield target.url, places, count_places(sources)
            return
        paths, more, total = self._paths, self._more, self._total
        held = zip(self._ids, self._first_path, self._first_line, self._first_col, strict=True)
        for index, (url, path, line, column) in enumerate(held):
            first = (paths[path], line, column or None)
            listed = more.get(index)
            if listed is None:
                yield url, [first], 1
                continue
            places = [first, *[(paths[p], n, c) for p, n, c in listed]]
            yield url, places, total.get(index, len(places))

    def urls_containing(self, text: str) -> Iterator[str]:
        """The URLs that contain ``text`` (anchors/remote.py: the pages with ``#`` links)."""
        if self._disk is not None:
            yield from self._disk.urls_containing(text)
            return
        yield from (url for url in self._ids if text in url)

    # --- growing during the run (a crawl, checker/crawl/) ---------------------------
    # A crawl's frontier can grow past any bound, so the index moves to disk
    # for it: these delegate to DiskIndex (checker/targets_disk.py).

    def grow(self, links: Iterable[Link]) -> tuple[int, list[int]]:
        """Add links found during the run: how many URLs were new (the last
        ones), and the indexes of known URLs that got a place, in order."""
        disk = self._on_disk()
        before = disk.links
        grown = disk.grow(links)
        self._links += disk.links - before
        return grown

    def read(self, first: int, limit: int) -> list[Target]:
        """Targets from index ``first`` on, at most ``limit``, with the places known now."""
        return self._on_disk().read(first, limit)

    def places(self, index: int, after: int = 0) -> tuple[list[Source], int, int]:
        """The places of the URL at ``index`` read after occurrence ``after``:
        the first ``PLACES_LISTED``, how many in all, and the last occurrence's number."""
        return self._on_disk().places(index, after)

    def url_of(self, index: int) -> str:
        return self._on_disk().url_of(index)

    def read_from(self, path: str) -> list[tuple[int, str]]:
        """Every URL read at ``path`` (a crawl's seeds: ``<arg>``), as (index, URL)."""
        return self._on_disk().read_from(path)

    def _on_disk(self) -> DiskIndex:
        if self._disk is None:
            self._spill()
        assert self._disk is not None
        return self._disk

    def sorted_urls(self) -> Iterator[str]:
        """Every unique URL in code point order (as SQLite's binary collation
        on UTF-8 sorts them on disk): the same sequence for the same input on
        every machine (``--shard``'s fingerprint, checker/shard.py)."""
        if self._disk is not None:
            yield from self._disk.sorted_urls()
            return
        yield from sorted(self._ids)

    def keep(self, wanted: Callable[[str], bool]) -> None:
        """Drop every URL ``wanted`` refuses, with all its places (``--shard``).
        The URLs kept stay in first-seen order, renumbered from 0; ``links``
        then counts their places."""
        if self._disk is not None:
            self._disk.keep(wanted)
            self._links = self._disk.links
            return
        ids: dict[str, int] = {}
        more: dict[int, list[_Place]] = {}
        total: dict[int, int] = {}
        first = array("q"), array("q"), array("q")
        links = places = 0
        for old, url in enumerate(self._ids):
            if not wanted(url):
                continue
            new = ids[url] = len(ids)
            first[0].append(self._first_path[old])
            first[1].append(self._first_line[old])
            first[2].append(self._first_col[old])
            listed = self._more.get(old, [])
            if listed:
                more[new] = listed
            counted = self._total.get(old)
            if counted is not None:
                total[new] = counted
            links += 1 + len(listed) if counted is None else counted
            places += 1 + len(listed)
        self._ids, self._more, self._total = ids, more, total
        self._first_path, self._first_line, self._first_col = first
        self._links, self._places = links, places

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
        self._drop()

    def __enter__(self) -> TargetIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
