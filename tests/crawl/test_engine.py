"""A crawl on each strategy, and every place a link was found in each report format."""

from __future__ import annotations

import json

import pytest

from checker.choices import StrategyName
from tests.conftest import run_cli
from tests.crawl.conftest import Served
from tests.crawl.site import DEEP


@pytest.mark.parametrize(
    "strategy", [s for s in StrategyName if s is not StrategyName.FIRST_EXCEPTION]
)
def test_each_strategy_reports_every_url_of_the_crawl_once(
    served: Served, strategy: StrategyName
) -> None:
    crawled = served.crawl("--strategy", strategy.value)
    urls = crawled.urls()
    assert len(urls) == len(set(urls))
    expected = served.crawl("--strategy", "as-completed").urls()
    assert sorted(urls) == sorted(expected)
    assert crawled.code == 1
    if strategy is StrategyName.GATHER:
        # Discovery order: the seed, then its links in page order, then theirs.
        seed = served.url("/docs/")
        assert urls[0] == seed
        assert urls[1:4] == [
            served.url("/docs/p1"),
            served.url("/docs/p2"),
            served.url("/docs/moved"),
        ]
        assert urls.index(served.url("/docs/deep/2")) > urls.index(served.url("/docs/deep/1"))


def test_first_exception_stops_the_crawl(served: Served) -> None:
    crawled = served.crawl("--strategy", "first-exception")
    assert crawled.code == 1
    outcomes = [r["outcome"] for r in crawled.results]
    failed = [r for r in crawled.results if r["outcome"] == "broken"]
    assert len(failed) == 1
    assert failed[0]["url"].endswith("/docs/missing")
    first_failure = outcomes.index("broken")
    assert set(outcomes[first_failure + 1 :]) <= {"cancelled"}
    # Stopped: the deep pages past the failure were never all read.
    assert served.site.gets("/docs/deep/12") == 0
    assert len(crawled.urls()) == len(set(crawled.urls()))


def test_late_places_close_the_jsonl_report(served: Served) -> None:
    crawled = served.crawl()
    seed = served.url("/docs/")
    # /docs/ is the seed (reported first); p1 links back to it afterwards.
    late = [entry for entry in crawled.late if entry["url"] == seed]
    assert late
    assert {"path": served.url("/docs/p1"), "line": 3, "column": 13} in late[0]["sources"]
    # No place is listed twice, across a result and its late record.
    for entry in crawled.late:
        result = crawled.by_url(entry["url"].removeprefix(served.url("")[:-1]))
        assert not [s for s in entry["sources"] if s in result["sources"]]


def test_late_places_in_the_json_report(served: Served) -> None:
    result = run_cli(["--crawl", "--format", "json", served.url("/docs/")])
    document = json.loads(result.stdout)
    assert document["summary"]["total"] == len(document["results"])
    late = {entry["url"]: entry["sources"] for entry in document["late_sources"]}
    assert served.url("/docs/") in late


def test_late_places_of_a_failure_in_the_text_report(served: Served) -> None:
    # /docs/missing is linked from the seed only; p1 → p2 is found late, ok.
    result = run_cli(["--crawl", served.url("/docs/")])
    assert result.exit_code == 1
    assert "/docs/missing" in result.stdout


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit"])
def test_a_failures_late_place_is_in_every_report_written_at_the_end(
    served: Served, fmt: str
) -> None:
    # /docs/missing (404) is linked by the seed, then again by the deepest
    # page, read twelve pages later: that place comes after its result.
    # (sarif lists places in files only, so a page's place is none of its.)
    result = run_cli(["--crawl", "--format", fmt, served.url("/docs/")])
    assert result.exit_code == 1
    deepest = served.url(f"/docs/deep/{DEEP}")
    out = result.stdout.replace("&#x2F;", "/").replace("\\/", "/")
    if fmt == "junit":  # a test case per place
        assert f'name="{served.url("/docs/missing")}" classname="{deepest}"' in out
    else:  # only /docs/missing has a place on the deepest page: "PAGE:LINE"
        assert f"{deepest}:" in out, fmt


def test_a_failures_late_place_is_counted_in_the_text_report(served: Served) -> None:
    result = run_cli(["--crawl", served.url("/docs/")])
    line = next(
        x
        for x in result.stdout.splitlines()
        if x.strip().startswith("http") and "/docs/missing" in x
    )
    assert "(+1 more)" in line  # the text report lists a failure's first place, and counts the rest


def test_the_library_crawls_too(served: Served) -> None:
    from checker import check_sync
    from checker.settings import Settings

    report = check_sync([served.url("/docs/")], settings=Settings(crawl=True, depth=0))
    urls = [r.url for r in report.results]
    assert served.url("/docs/p1") in urls
    assert served.site.gets("/docs/p1") == 0
    assert report.summary.total == len(urls)


def test_crawl_reports_obey_the_published_schema(served: Served) -> None:
    from checker.choices import SchemaName
    from tests.reporters.test_json_schema import validator

    lines = run_cli(["--crawl", "--format", "jsonl", served.url("/docs/")]).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    late = [r for r in records if "late_sources" in r]
    assert late
    for record in late:
        validator(SchemaName.LATE_SOURCES).validate(record)
    for record in records:
        if "late_sources" not in record:
            validator(SchemaName.RESULT).validate(record)
    document = json.loads(run_cli(["--crawl", "--format", "json", served.url("/docs/")]).stdout)
    validator(SchemaName.REPORT).validate(document)
    assert document["late_sources"]


def test_a_page_read_is_judged_as_any_check(served: Served) -> None:
    # --warn 404 makes /docs/missing (read as a page: it is in scope) a warning:
    # the run passes, and first-exception does not stop at it.
    crawled = served.crawl("--warn", "404", "--strategy", "first-exception")
    assert crawled.code == 0
    assert crawled.by_url("/docs/missing")["warning"]
    assert served.site.gets("/docs/deep/12") == 1  # the crawl went on to the end
