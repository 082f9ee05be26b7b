"""The progress bar of a crawl: pages read, links found, links checked."""

from __future__ import annotations

import io
import re

from checker.crawl.stats import CrawlStats
from checker.models import Outcome, Result, Summary
from checker.progress import ProgressReporter


def test_the_bar_shows_pages_read_links_found_and_checked() -> None:
    err = io.StringIO()
    stats = CrawlStats()
    reporter = ProgressReporter(err, force=True, crawl=stats)
    reporter.start(1)
    stats.pages_read, stats.links_found = 3, 1234
    for outcome in (Outcome.OK, Outcome.OK, Outcome.BROKEN):
        reporter.add(Result("http://x.test/", outcome))
    reporter.sync()
    reporter._progress.refresh()  # draw now, not when rich's thread next does
    reporter.finish(Summary("gather", total=3, ok=2, broken=1))
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err.getvalue())
    assert "crawling" in drawn
    assert "pages 3  links 1,234 found 3 checked" in drawn
    assert "1/1" not in drawn  # a crawl's total grows: no fraction


def test_without_a_crawl_the_bar_is_as_before() -> None:
    err = io.StringIO()
    reporter = ProgressReporter(err, force=True)
    reporter.start(2)
    reporter.add(Result("http://x.test/", Outcome.OK))
    reporter.finish(Summary("gather", total=1, ok=1))
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err.getvalue())
    assert "pages" not in drawn
    assert "checking" in drawn
