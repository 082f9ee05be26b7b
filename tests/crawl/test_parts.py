"""The crawl's parts alone: the scope, the growing index, the frontier's growing input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.crawl.feed import Feed, Late
from checker.crawl.scope import Scope
from checker.models import Outcome, Result, Target
from checker.scheduler import Frontier, Rules
from checker.sources import Link
from checker.targets import PLACES_LISTED, TargetIndex


def test_the_default_scope_is_the_seeds_origin_and_directory() -> None:
    scope = Scope((), ["https://Example.com:443/docs/guide/index.html"])
    assert scope("https://example.com/docs/guide/other")
    assert scope("https://example.com/docs/guide/deeper/x#y")
    assert not scope("https://example.com/docs/other")
    assert not scope("http://example.com/docs/guide/x")  # another scheme
    assert not scope("https://example.com:8443/docs/guide/x")  # another port
    assert not scope("https://sub.example.com/docs/guide/x")


def test_regex_scopes_replace_the_default() -> None:
    scope = Scope([re.compile(r"/blog/"), re.compile(r"^https://a\.test/")], ["https://x.test/"])
    assert scope("https://b.test/blog/1")
    assert scope("https://a.test/anything")
    assert not scope("https://x.test/")


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_the_scope_never_raises_on_hostile_urls(seed: str, url: str) -> None:
    scope = Scope((), [seed, "http://[::1", "https://a.test:99999/"])
    assert scope(url) in (True, False)


def _links(page: str, *urls: str) -> list[Link]:
    return [Link(url, page, n) for n, url in enumerate(urls, start=1)]


def test_the_index_grows_and_says_which_urls_were_met_again() -> None:
    with TargetIndex() as index:
        index.add(_links("<arg>", "https://a.test/"))
        new, again = index.grow(_links("https://a.test/", "https://a.test/x", "https://a.test/"))
        assert (new, again) == (1, [0])
        new, again = index.grow(_links("https://a.test/x", "https://a.test/x", "https://b.test/"))
        assert (new, again) == (1, [1])
        assert len(index) == 3
        assert [t.url for t in index.read(1, 10)] == ["https://a.test/x", "https://b.test/"]
        listed, total, _ = index.places(0)
        assert total == 2
        assert [s.path for s in listed] == ["<arg>", "https://a.test/"]


def test_places_past_the_listed_ones_are_counted() -> None:
    with TargetIndex() as index:
        index.add(_links("<arg>", "https://a.test/"))
        index.grow(_links("https://p.test/", *["https://a.test/"] * (PLACES_LISTED + 50)))
        listed, total, _ = index.places(0)
        assert len(listed) == PLACES_LISTED
        assert total == PLACES_LISTED + 51


def test_late_places_are_those_after_the_result() -> None:
    with TargetIndex() as index:
        index.add(_links("<arg>", "https://a.test/"))
        late = Late(index)
        result = Result("https://a.test/", Outcome.OK, index=0)
        late.refresh(result)
        _, again = index.grow(_links("https://a.test/b", "https://a.test/"))
        for i in again:
            late.found_again(i)
        (record,) = late.records()
        assert [(s.path, s.line) for s in record.sources] == [("https://a.test/b", 1)]
        assert [s.path for s in result.sources] == ["<arg>"]


def test_the_feed_runs_dry_and_reads_on_when_the_index_grows() -> None:
    with TargetIndex() as index:
        index.add(_links("<arg>", "https://a.test/"))
        feed = Feed(index)
        assert [t.url for t in feed] == ["https://a.test/"]
        assert next(feed, None) is None
        index.grow(_links("https://a.test/", "https://a.test/b"))
        assert [t.url for t in feed] == ["https://a.test/b"]


def test_the_frontier_reads_a_grown_input_again() -> None:
    grown: list[object] = []
    targets = [Target(0, "https://a.test/", ())]
    source = iter(targets)

    class Growing:
        def __iter__(self) -> Growing:
            return self

        def __next__(self) -> Target:
            return next(source)

    frontier = Frontier(Growing(), Rules(on_grow=grown.append), lambda t: "a.test")
    job = frontier.take(0.0)
    assert job is not None
    assert frontier.take(0.0) is None  # dry: nothing more to read now
    assert not frontier.finished  # a request is in flight: it may add more
    source = iter([Target(1, "https://a.test/b", ())])
    frontier.grown()
    frontier.finish(job, Result("https://a.test/", Outcome.OK, index=0), 0.1)  # type: ignore[arg-type]
    second = frontier.take(0.2)
    assert second is not None
    assert second.target.url == "https://a.test/b"  # type: ignore[union-attr]
    frontier.finish(second, Result("https://a.test/b", Outcome.OK, index=1), 0.3)  # type: ignore[arg-type]
    assert frontier.take(0.4) is None
    assert frontier.finished


def test_bad_crawl_options_are_one_line_and_exit_2() -> None:
    from tests.conftest import run_cli

    for args in (
        ["--depth", "-1"],
        ["--max-pages", "0"],
        ["--crawl-scope", "("],
        ["--depth", "99999999999"],
    ):
        result = run_cli(["--crawl", *args, "https://a.test/"])
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.sampled_from(
        ["http://h:8/site/x.html", "https://a.b", "http://[::1]/q?x#y", "http://u:p@h/"]
    ),
    st.text(alphabet="/.?#%\\ab:@ \t", max_size=20).map(lambda s: "/" + s),
)
def test_the_fast_root_join_is_urljoins(base: str, link: str) -> None:
    from checker.crawl.crawler import _fast_root
    from checker.sources.resolve import Resolver

    slow = Resolver(None, None).for_stream(base)
    assert _fast_root(base, slow)(link) == slow(link)
