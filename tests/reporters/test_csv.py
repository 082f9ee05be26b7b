"""csv: read back with the csv module, as a spreadsheet or script would."""

from __future__ import annotations

import csv
import io

from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporters.csv import CsvReporter
from checker.reporters.interface import ReportOptions
from tests.reporters.conftest import Site

# The columns as the README documents them: what a written header must say.
DOCUMENTED_COLUMNS = (
    "url",
    "outcome",
    "status",
    "error_kind",
    "error_message",
    "final_url",
    "elapsed_ms",
    "attempts",
    "sources",
    "health",
    "warning",
)


def rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == DOCUMENTED_COLUMNS
    return list(reader)


def test_cli_writes_one_row_per_unique_url(site: Site) -> None:
    result = site.run("csv", "--strategy", "gather")
    assert result.exit_code == 1
    by_url = {row["url"]: row for row in rows(result.stdout)}
    assert list(by_url) == [site.ok, site.missing, site.down, site.excluded]
    ok, missing, down, excluded = by_url.values()
    assert (ok["outcome"], ok["status"], ok["error_kind"], ok["final_url"]) == (
        "ok",
        "200",
        "",
        site.ok,
    )
    assert float(ok["elapsed_ms"]) > 0
    assert ok["attempts"] == "1"
    assert missing["outcome"] == "broken"
    assert missing["sources"] == f"{site.urls}:2;{site.urls}:4"
    assert (down["outcome"], down["status"], down["error_kind"]) == ("error", "", "connect")
    assert down["error_message"]
    assert (excluded["outcome"], excluded["attempts"], excluded["elapsed_ms"]) == (
        "excluded",
        "0",
        "",
    )
    assert "4 URLs" in result.stderr  # the summary stays off stdout


def test_commas_quotes_and_line_breaks_round_trip() -> None:
    out = io.StringIO()
    reporter = CsvReporter(out, io.StringIO(), ReportOptions())
    reporter.start(1)
    message = 'said "no",\r\nthen hung up; twice'
    url = "http://x.test/a,b;c"
    reporter.add(
        Result(
            url,
            Outcome.ERROR,
            (Source("a,b.md", 3), Source("-", 1)),
            error=Failure(ErrorKind.PROTOCOL, message),
            attempts=1,
        )
    )
    reporter.finish(Summary("gather", total=1, error=1))
    [row] = rows(out.getvalue())
    assert (row["url"], row["error_message"], row["sources"]) == (url, message, "a,b.md:3;-:1")
