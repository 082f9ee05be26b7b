"""Every format marks the failures the store knows: new first, known and flaky marked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.models import Outcome, Result
from checker.store import Store
from tests.conftest import ServerThread, run_cli
from tests.store.site import FlipSite


@pytest.fixture
def two_runs(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A store after one run where /known failed and /fresh was ok; now
    /fresh fails too (new) and /known still does."""
    flip = FlipSite()
    with ServerThread(flip.app()) as server:
        urls = [server.url("/known"), server.url("/fresh"), server.url("/fine")]
        store = tmp_path / "cache.sqlite"
        flip.statuses["known"] = 404
        assert _run(store, urls, "text").exit_code == 1
        flip.statuses["fresh"] = 500
        yield store, urls


def _run(store: Path, urls: list[str], fmt: str, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(
        [
            "--no-config",
            "--cache",
            "--cache-file",
            str(store),
            "--max-cache-age",
            "0",
            "--retries",
            "0",
            "--format",
            fmt,
            *extra,
            *urls,
        ]
    )


def test_text_puts_new_failures_first_and_marks_known_ones(
    two_runs: tuple[Path, list[str]],
) -> None:
    store, (known, fresh, _) = two_runs
    out = _run(store, [known, fresh], "text").stdout
    headings = re.findall(r"^(\S.*) \(\d+\)$", out, re.MULTILINE)
    assert headings[0] == "new failures"
    assert out.index(fresh) < out.index("broken: HTTP 404") < out.index(known)
    assert "known: failing 2 runs since" in out.split(known)[1].splitlines()[0]


def test_markdown_has_a_new_failures_section_first(two_runs: tuple[Path, list[str]]) -> None:
    store, (known, fresh, _) = two_runs
    out = _run(store, [known, fresh], "markdown").stdout
    assert out.index("### New failures") < out.index(fresh) < out.index("### Failures")
    assert out.index("### Failures") < out.index(known)
    assert "known: failing 2 runs" in out


@pytest.mark.parametrize("fmt", ["csv", "junit", "sarif", "github", "jsonl", "json"])
def test_every_format_marks_known_failures(two_runs: tuple[Path, list[str]], fmt: str) -> None:
    store, (known, fresh, _) = two_runs
    listed = store.parent / "links.md"  # sarif and github point at files, not arguments
    listed.write_text(f"<{known}>\n<{fresh}>\n")
    done = _run(store, [str(listed)], fmt)
    text = done.stdout + done.stderr
    if fmt in ("json", "jsonl"):
        assert '"consecutive_failures": 2' in text or '"consecutive_failures":2' in text
    else:
        assert "known: failing 2 runs" in text
        assert "; new" in text or text.count(",new,") == 1  # csv: its own column


def test_html_has_timelines_and_a_new_since_last_run_filter(
    two_runs: tuple[Path, list[str]],
) -> None:
    store, urls = two_runs
    page = _run(store, urls, "html").stdout
    assert 'id="new-only"' in page
    data = json.loads(
        re.search(
            r'<script type="application/json" id="data">(.*?)</script>', page, re.DOTALL
        ).group(1)
    )  # type: ignore[union-attr]
    rows = {row[0]: row for row in data}
    known, fresh, fine = urls
    assert rows[known][10] == "xx"
    assert rows[known][9] == 0
    assert rows[fresh][10] == ".x"
    assert rows[fresh][9] == 1
    assert rows[fine][10] == ".."


def test_html_without_the_store_is_unchanged(tmp_path: Path) -> None:
    page = run_cli(["--no-config", "--format", "html", "http://127.0.0.1:9/"]).stdout
    assert 'id="new-only"' not in page


def test_hostile_urls_in_the_store_reach_history_and_html_inert(tmp_path: Path) -> None:
    store_path = tmp_path / "cache.sqlite"
    hostile = 'http://h.test/\x1b[31m<script>alert(1)</script>"\u202e=cmd'
    store = Store(store_path)
    store.add(Result(hostile, Outcome.BROKEN, status=404))
    store.flush()
    store.close()
    text = run_cli(["history", "--cache-file", str(store_path)]).stdout
    assert "\x1b" not in text
    assert "\u202e" not in text
    csv = run_cli(["history", "--cache-file", str(store_path), "--format", "csv"]).stdout
    assert "\x1b" not in csv
    assert csv.splitlines()[1].startswith('"http://h.test/')
    from checker.reporters.timeline import marks

    assert marks(store_path, [hostile]) == {hostile: "x"}
    assert marks(tmp_path / "missing" / "x.sqlite", [hostile]) == {}
