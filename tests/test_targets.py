"""The target index: one target per unique URL, every source listed, first-seen order."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import Outcome, Result, Source, Target, count_places
from checker.sources import Link
from checker.sources.interface import batched, unbatched
from checker.targets import PLACES_LISTED, TargetIndex


@pytest.fixture(autouse=True, params=["memory", "disk", "spilled"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs on the index in memory, on disk from the first URL, and
    moved to disk part way (after 3 URLs): all three list the same targets."""
    spill_at = {"memory": None, "disk": 0, "spilled": 3}[request.param]
    if spill_at is not None:
        monkeypatch.setattr("checker.targets.SPILL_AT", spill_at)
    return str(request.param)


def _targets(*batches: list[Link]) -> list[Target]:
    with TargetIndex() as index:
        for batch in batches:
            index.add(batch)
        targets = list(index)
        # rows() (what a --dump reads) lists the same, as plain tuples.
        assert list(index.rows()) == [_row(target) for target in targets]
        return targets


def _row(target: Target) -> tuple[str, list[tuple[str, int, int | None]], int]:
    places = [(s.path, s.line, s.column) for s in target.sources]
    return target.url, places, count_places(target.sources)


def test_unique_urls_keep_their_order_and_indexes() -> None:
    targets = _targets([Link("http://b/", "f", 1), Link("http://a/", "f", 2)])
    assert targets == [
        Target(0, "http://b/", (Source("f", 1),)),
        Target(1, "http://a/", (Source("f", 2),)),
    ]


def test_duplicates_are_merged_with_every_source_in_reading_order() -> None:
    targets = _targets(
        [Link("http://a/", "one", 1), Link("http://b/", "one", 2), Link("http://a/", "one", 5)],
        [Link("http://b/", "-", 1), Link("http://a/", "<arg>", 1)],
    )
    assert targets == [
        Target(0, "http://a/", (Source("one", 1), Source("one", 5), Source("<arg>", 1))),
        Target(1, "http://b/", (Source("one", 2), Source("-", 1))),
    ]


def test_len_counts_unique_urls_and_links_counts_occurrences() -> None:
    with TargetIndex() as index:
        index.add([Link("http://a/", "f", 1), Link("http://a/", "f", 2), Link("http://b/", "f", 3)])
        assert len(index) == 2
        assert index.links == 3


def test_an_empty_index_has_no_targets() -> None:
    with TargetIndex() as index:
        index.add([])
        assert len(index) == 0
        assert list(index) == []


@pytest.mark.parametrize("duplicated", [True, False])
def test_iteration_is_repeatable(duplicated: bool) -> None:
    """The engine iterates once to check and once more to report what was never
    finished, possibly after abandoning the first pass midway (fail-fast).
    Each pass must give the same targets, compared with what was added."""
    links = [Link("http://a/", "f", 1), Link("http://b/", "f", 2)]
    expected = [
        Target(0, "http://a/", (Source("f", 1),)),
        Target(1, "http://b/", (Source("f", 2),)),
    ]
    if duplicated:
        links.insert(1, Link("http://a/", "g", 1))
        expected[0] = Target(0, "http://a/", (Source("f", 1), Source("g", 1)))
    with TargetIndex() as index:
        index.add(links)
        abandoned = iter(index)
        assert next(abandoned) == expected[0]
        assert list(index) == expected
        assert list(index) == expected


def test_a_url_read_a_million_times_lists_its_first_places_and_counts_the_rest() -> None:
    total = PLACES_LISTED * 3 + 7
    with TargetIndex() as index:
        index.add(Link("http://a/", "list.txt", n) for n in range(1, total + 1))
        index.add([Link("http://b/", "list.txt", total + 1)])
        first, second = list(index)
        assert list(index.rows()) == [_row(first), _row(second)]
    assert [s.line for s in first.sources] == list(range(1, PLACES_LISTED + 1))
    assert count_places(first.sources) == total
    assert count_places(second.sources) == 1
    result = Result.for_target(first, Outcome.OK)
    document = result.to_dict()
    assert len(document["sources"]) == PLACES_LISTED
    assert document["sources_total"] == total


def test_urls_differing_only_in_case_or_slash_are_distinct() -> None:
    """The index merges identical text only: it does not guess at URL equivalence."""
    urls = ["http://a/", "http://A/", "http://a", "http://a/ "]
    assert [t.url for t in _targets([Link(u, "f", n) for n, u in enumerate(urls)])] == urls


def test_more_links_than_one_batch() -> None:
    links = [Link(f"http://h/{n % 5000}", "f", n) for n in range(10_000)]
    targets = _targets(links)
    assert len(targets) == 5000
    assert [t.index for t in targets] == list(range(5000))
    assert targets[42].sources == (Source("f", 42), Source("f", 5042))


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from("abcdefg"), max_size=40), st.integers(1, 5))
def test_small_batches_match_a_dict_model(urls: list[str], batch: int) -> None:
    """Batches whose URLs are all new take ids by position (no lookup), the
    others look each URL up: any mix of the two, across batches, lists the
    same targets as a dict would."""
    links = [Link(f"http://{u}/", f"f{n % 3}", n) for n, u in enumerate(urls)]
    model: dict[str, list[Source]] = {}
    for link in links:
        model.setdefault(link.url, []).append(Source(link.path, link.line))
    expected = [Target(n, url, tuple(s)) for n, (url, s) in enumerate(model.items())]
    with mock.patch("checker.targets_disk._BATCH", batch):
        assert _targets(links[: len(links) // 2], links[len(links) // 2 :]) == expected


_link = st.builds(
    Link,
    st.sampled_from(["http://a/", "http://b/", "http://c/", "x", "", "\u202e"]) | st.text(),
    st.sampled_from(["-", "<arg>", "one.txt", "two.txt"]),
    st.integers(min_value=1, max_value=10**6),
    column=st.none() | st.integers(min_value=1, max_value=10**6),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_link, max_size=20), max_size=4))
def test_fuzz_index_matches_a_dict_model(batches: list[list[Link]]) -> None:
    model: dict[str, list[Source]] = {}
    for batch in batches:
        for link in batch:
            model.setdefault(link.url, []).append(Source(link.path, link.line, link.column))
    expected = [Target(n, url, tuple(s)) for n, (url, s) in enumerate(model.items())]
    assert _targets(*batches) == expected


def test_counts_and_order_survive_the_move_to_disk(where: str) -> None:
    """A URL counted past its listed places in memory keeps its count on disk;
    many places for few URLs move the index to disk too (memory stays bounded)."""
    total = PLACES_LISTED + 50
    with TargetIndex(spill_at=3) as index:
        index.add(Link("http://a/", "f", n) for n in range(1, total + 1))
        index.add([Link(f"http://{h}/", "g", 1) for h in "bcde"])  # the 4th URL moves it
        index.add([Link("http://a/", "h", 9)])
        assert index._disk is not None
        targets = list(index)
        assert list(index.rows()) == [_row(target) for target in targets]
        assert len(index) == 5
        assert index.links == total + 5
    assert [t.url for t in targets] == [f"http://{h}/" for h in "abcde"]
    assert count_places(targets[0].sources) == total + 1
    assert [s.line for s in targets[0].sources] == list(range(1, PLACES_LISTED + 1))
    with TargetIndex(spill_at=2) as index:
        index.add(Link("http://a/", "f", n) for n in range(1, 12))  # 4 x 2 places: moved
        assert index._disk is not None
        (target,) = list(index)
    assert [s.line for s in target.sources] == list(range(1, 12))


def test_a_small_input_stays_in_memory(where: str) -> None:
    with TargetIndex() as index:
        index.add([Link("http://a/", "f", 1), Link("http://a/", "f", 2)])
        assert (index._disk is None) is (where != "disk")  # "spilled": past 3 URLs


@settings(max_examples=80, derandomize=True, deadline=None)
@given(st.lists(_link, max_size=30), st.integers(1, 6), st.integers(0, 6))
def test_batches_split_anywhere_and_spilling_mid_batch_give_the_same_index(
    links: list[Link], size: int, spill_at: int
) -> None:
    """The bulk path (a document's links as one batch, as the parser
    processes send them) lists what adding link by link lists, wherever the
    batches are cut and wherever the index moves to disk, even inside a batch."""
    assert list(unbatched(batched(links, size))) == links
    assert all(len(batch) <= size for _, batch in batched(links, size))
    with TargetIndex() as one:
        for link in links:
            one.add([link])
        expected = list(one)
    with TargetIndex(spill_at=spill_at) as index:
        index.add_batches(batched(links, size))
        assert list(index) == expected
        assert list(index.rows()) == [_row(target) for target in expected]
        assert index.links == len(links)
