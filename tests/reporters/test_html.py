"""The html report, read back by a real browser: headless Chromium driven by
Playwright loads it from a file:// path, sorts and filters the table, reads
what is shown, and takes a screenshot.

Chromium comes from Debian's ``chromium`` package (Playwright's own download
needs the internet). Without it the browser tests skip, with the reason shown
by ``-ra``; under CI (``CI`` set) they fail instead, because .ci/run installs it.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporters.html import MAX_HOST_ROWS, HtmlReporter
from tests.conftest import ServerThread, spawn_cli
from tests.reporters.conftest import refused_url

# Read at import, before any fixture can tidy the environment.
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
# Debian's package is `chromium`; Ubuntu (and GitHub's runners) call it chromium-browser.
CHROMIUM = (
    os.environ.get("CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
    or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = "/x<script>window.__pwned=1</script>"
HOSTILE_ATTR = '/y"><img src=x onerror="window.__pwned=2">'
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A loaded report, with everything the page did recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "console",
            lambda msg: self.errors.append(msg.text) if msg.type == "error" else None,
        )

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.goto(path.as_uri())

    def column(self, n: int) -> list[str]:
        """The text of column ``n`` (1-based) of each shown row of the results table."""
        cells = self.page.locator(f"#results tbody tr td:nth-child({n})")
        return [text.strip() for text in cells.all_inner_texts()]

    def shown(self) -> str:
        return str(self.page.inner_text("#shown"))

    def sort_by(self, n: int) -> None:
        """Click the header of column ``n`` (1-based)."""
        self.page.click(f"#results th:nth-child({n}) button")

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def report(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A real run over a loopback site: ok, broken, slow, refused, excluded, and
    two URLs that try to inject markup into the page."""

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/also-ok", ok)
    with ServerThread(app) as server:
        urls = {
            "ok": server.url("/ok"),
            "also": server.url("/also-ok"),
            "missing": server.url("/missing"),
            "down": refused_url(),
            "excluded": server.url("/excluded"),
            "hostile": server.url(HOSTILE),
            "attr": server.url(HOSTILE_ATTR),
        }
        listing = tmp_path / "links.txt"
        listing.write_text("\n".join(urls.values()) + "\n", encoding="utf-8")
        out = tmp_path / "report.html"
        args = [str(listing), "--retries", "0", "--exclude", "/excluded", "--format", "html"]
        # A process of its own: Playwright's sync API keeps an event loop
        # running in this thread, where the CLI could not start its own.
        proc = spawn_cli([*args, "-o", str(out)])
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 1, err
        yield out, urls


def test_the_report_is_one_file_that_fetches_nothing(report: tuple[Path, dict[str, str]]) -> None:
    html = report[0].read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    markup, _, data = html.partition('<script type="application/json" id="data">')
    for fetch in ("<link", " src=", "@import", "url(", 'http-equiv="refresh"'):
        assert fetch not in markup
    # The hostile URLs travel only inside the JSON block, their "<" escaped.
    assert "window.__pwned" not in markup
    assert "\\u003cscript\\u003ewindow.__pwned=1" in data
    assert "<img" not in html
    assert html.count("<script") == 2


def test_a_browser_sorts_filters_and_shows_hostile_urls_as_text(
    browser: Any, report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, urls = report
    page = Page(browser, path)
    try:
        # Everything came from the file itself: no fetch, no script error, no CSP refusal.
        assert page.requests == [path.as_uri()]
        assert page.errors == []
        assert page.page.evaluate("window.__pwned") is None
        assert page.dialogs == []
        assert page.page.locator("#results tbody img, #results tbody script").count() == 0

        # Cards and charts.
        assert page.page.inner_text(".card.total .n") == "7"
        assert page.page.inner_text(".card.ok .n") == "2"
        assert page.page.inner_text(".card.excluded .n") == "1"
        assert page.page.locator("#outcome-chart rect").count() == len(Outcome)
        assert page.page.locator("#latency-chart rect").count() == 11

        # Every URL is in the table, the hostile ones verbatim as text; worst first.
        assert page.shown() == "7 of 7 shown"
        shown_urls = page.column(1)
        assert sorted(shown_urls) == sorted(urls.values())
        outcomes = page.column(2)
        assert outcomes[0] == "error"
        assert outcomes[-2:] == ["ok", "ok"]

        # Sort by status, ascending then descending; rows without a status stay last.
        page.sort_by(3)
        statuses = page.column(3)
        numbers = [int(s) for s in statuses if s]
        assert numbers == sorted(numbers)
        assert statuses[len(numbers) :] == [""] * (len(statuses) - len(numbers))
        assert page.page.get_attribute("th[data-col='2']", "aria-sort") == "ascending"
        page.sort_by(3)
        numbers = [int(s) for s in page.column(3) if s]
        assert numbers == sorted(numbers, reverse=True)
        assert numbers[0] == 404

        # Filter by text: only the matching row is shown.
        page.page.fill("#filter", "window.__pwned=1")
        assert page.column(1) == [urls["hostile"]]
        assert page.shown() == "1 of 1 shown (7 in all)"

        # Filter by outcome, from the select and from a card.
        page.page.fill("#filter", "")
        page.page.select_option("#outcome", "ok")
        assert sorted(page.column(1)) == sorted([urls["ok"], urls["also"]])
        page.page.click(".card.excluded")
        assert page.column(1) == [urls["excluded"]]
        assert page.column(4) == ["excluded: matches --exclude '/excluded'"]
        page.page.click(".card.excluded")  # a second click clears it
        assert page.shown() == "7 of 7 shown"

        # The per-host table counts every URL of the loopback host.
        host_row = page.page.locator("#hosts tbody tr", has_text="127.0.0.1")
        assert host_row.locator("td").all_inner_texts()[:4] == ["127.0.0.1", "7", "2", "4"]

        shot = tmp_path / "report.png"
        page.page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        assert data.startswith(PNG_MAGIC)
        assert len(data) > 10_000
    finally:
        page.close()


def _results(n: int) -> list[Result]:
    return [
        Result(
            f"https://h{i % 300}.test/{i}",
            Outcome.OK if i % 3 else Outcome.ERROR,
            (Source("docs/a.md", i + 1, 5),),
            status=200 if i % 3 else None,
            error=None if i % 3 else Failure(ErrorKind.TIMEOUT, "no response within 20 s"),
            elapsed_ms=float(i % 997),
            attempts=1,
        )
        for i in range(n)
    ]


def test_a_large_report_shows_rows_a_page_at_a_time(browser: Any, tmp_path: Path) -> None:
    results = _results(1200)
    path = tmp_path / "big.html"
    path.write_text(_report(results, Summary("gather", 1200, ok=800, error=400)), "utf-8")
    page = Page(browser, path)
    try:
        assert page.errors == []
        assert page.shown() == "500 of 1200 shown"
        page.page.click("#more")
        assert len(page.column(1)) == 1000
        assert page.column(7)[0].startswith("docs/a.md:")
        # Hosts beyond the table's cap are summed into one row.
        assert page.page.locator("#hosts tbody tr").count() == MAX_HOST_ROWS + 1
    finally:
        page.close()


def _report(results: list[Result], summary: Summary) -> str:
    out = io.StringIO()
    reporter = HtmlReporter(out)
    reporter.start(len(results))
    for result in results:
        reporter.add(result)
    reporter.finish(summary)
    return out.getvalue()


def test_everything_written_into_markup_is_escaped() -> None:
    evil = 'http://<svg onload=alert(1)>.test/"><svg onload=alert(2)>\u202e'
    result = Result(evil, Outcome.BROKEN, (Source('<b>"x".md', 3),), status=404, elapsed_ms=5.0)
    html = _report([result], Summary("<i>s</i>", total=1, broken=1))
    assert "<svg onload" not in html
    assert "<b>" not in html
    assert "<i>s</i>" not in html
    assert "&lt;i&gt;s&lt;/i&gt;" in html
    assert "\u202e" not in html  # a bidi override could make one URL look like another
