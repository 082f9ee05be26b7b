"""Several outputs in one run (``--report FORMAT:PATH``), and what a run does
inside GitHub Actions: annotations with the text report, the Markdown report
appended to the job summary."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import ServerThread, run_cli


class Site:
    """``/ok`` answers 200, anything else 404; counts the requests it gets."""

    def __init__(self) -> None:
        self.requests = 0

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            self.requests += 1
            return web.Response(status=200 if request.path == "/ok" else 404)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        return app


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Site, Path, ServerThread]]:
    site = Site()
    with ServerThread(site.app()) as server:
        listing = tmp_path / "links.txt"
        listing.write_text(f"{server.url('/ok')}\n{server.url('/gone')}\n", encoding="utf-8")
        yield site, listing, server


def test_one_run_prints_text_and_writes_each_report_file(
    site: tuple[Site, Path, ServerThread], tmp_path: Path
) -> None:
    _, listing, server = site
    out = tmp_path / "out"
    out.mkdir()
    reports = [f"junit:{out / 'junit.xml'}", f"sarif:{out / 'r.sarif'}"]
    reports += [f"JSON:{out / 'r.json'}", f"html:{out / 'r.html'}"]
    result = run_cli([str(listing), "--retries", "0", *(f"--report={r}" for r in reports)])
    assert result.exit_code == 1
    assert server.url("/gone") in result.stdout  # the --format text report, as ever
    assert result.stdout.rstrip().splitlines()[-1].startswith("2 URLs in")
    assert result.stderr == ""  # the extra reports say nothing on stderr
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "r.html", "r.json", "r.sarif"]
    assert ET.parse(out / "junit.xml").getroot().tag in ("testsuites", "testsuite")
    assert json.loads((out / "r.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((out / "r.json").read_text())["summary"]["broken"] == 1
    assert server.url("/gone") in (out / "r.html").read_text()


def test_reports_can_go_next_to_a_streaming_main_report(
    site: tuple[Site, Path, ServerThread], tmp_path: Path
) -> None:
    _, listing, _ = site
    csv_path = tmp_path / "links.csv"
    result = run_cli(
        [str(listing), "--retries", "0", "--format", "jsonl", "--report", f"csv:{csv_path}"]
    )
    assert [json.loads(line)["outcome"] for line in result.stdout.splitlines()] in (
        ["ok", "broken"],
        ["broken", "ok"],
    )
    assert len(result.stderr.splitlines()) == 1  # one summary line, not one per report
    assert csv_path.read_text().splitlines()[0].startswith("url,outcome,")


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ("nope:x.txt", "invalid value for --report: 'nope' is not a format"),
        ("junit.xml", "invalid value for --report: 'junit.xml' is not FORMAT:PATH"),
        ("junit:", "is not FORMAT:PATH"),
        ("json:{tmp}/missing-dir/r.json", "cannot write"),
        ("json:{tmp}/same.json", "two reports would be written to"),
    ],
)
def test_a_bad_report_fails_in_one_line_before_any_check(
    site: tuple[Site, Path, ServerThread], tmp_path: Path, report: str, message: str
) -> None:
    counter, listing, _ = site
    report = report.format(tmp=tmp_path)
    args = [str(listing), "--report", report]
    if "same.json" in report:
        args += ["-o", str(tmp_path / "same.json")]
    result = run_cli(args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("urlcheck: error: ")
    assert message in result.stderr
    assert result.stdout == ""
    assert counter.requests == 0
    assert list(tmp_path.glob(".*.tmp")) == []


def test_an_interrupted_or_failed_report_leaves_no_temporary_file(
    site: tuple[Site, Path, ServerThread], tmp_path: Path
) -> None:
    _, listing, _ = site
    good, bad = tmp_path / "good.json", tmp_path / "nowhere" / "bad.json"
    result = run_cli([str(listing), "--report", f"json:{good}", "--report", f"json:{bad}"])
    assert result.exit_code == 2
    assert not good.exists()
    assert list(tmp_path.iterdir()) == [listing]


# GitHub Actions ---------------------------------------------------------------


@pytest.fixture
def actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return summary


def test_in_github_actions_text_comes_with_annotations_and_a_job_summary(
    site: tuple[Site, Path, ServerThread], actions: Path
) -> None:
    _, listing, server = site
    result = run_cli([str(listing), "--retries", "0"])
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file={listing},line=2,title=urlcheck%3A broken::{server.url('/gone')} — HTTP 404"
    ]
    assert "2 URLs in" in result.stdout  # the text report is still there
    assert result.stderr == ""
    summary = actions.read_text(encoding="utf-8")
    assert summary.startswith("earlier step\n## urlcheck: 1 of 2 links failed")  # appended
    assert f"- [ ] <{server.url('/gone')}> — HTTP 404 (" in summary
    assert summary.endswith("links.txt:2)\n")


def test_no_ci_annotations_turns_both_off(
    site: tuple[Site, Path, ServerThread], actions: Path
) -> None:
    _, listing, _ = site
    result = run_cli([str(listing), "--retries", "0", "--no-ci-annotations"])
    assert result.exit_code == 1
    assert "::error" not in result.stdout
    assert actions.read_text(encoding="utf-8") == "earlier step\n"


def test_in_github_actions_machine_readable_stdout_stays_clean(
    site: tuple[Site, Path, ServerThread], actions: Path
) -> None:
    _, listing, _ = site
    result = run_cli([str(listing), "--retries", "0", "--format", "json"])
    assert json.loads(result.stdout)["summary"]["broken"] == 1  # no annotation mixed in
    assert "## urlcheck" in actions.read_text(encoding="utf-8")


def test_an_unwritable_job_summary_is_a_warning_not_a_failure(
    site: tuple[Site, Path, ServerThread], actions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, listing, _ = site
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(actions.parent / "no" / "such" / "file"))
    result = run_cli([str(listing), "--retries", "0"])
    assert result.exit_code == 1  # from the broken link, nothing else
    assert result.stderr.startswith("urlcheck: warning: cannot write the job summary")
    assert "::error" in result.stdout


def test_a_huge_job_summary_is_cut_to_what_github_accepts() -> None:
    from checker.github_actions import STEP_SUMMARY_LIMIT, fit

    text = "".join(f"- [ ] <https://example.test/{i}> — HTTP 404\n" for i in range(40_000))
    cut = fit(text)
    assert len(cut.encode("utf-8")) <= STEP_SUMMARY_LIMIT
    assert cut.endswith("see the full report)\n")
    assert text.startswith(cut.rsplit("\n…", 1)[0])
    assert fit("small\n") == "small\n"


def test_verbose_host_stats_print_one_host_table_once(
    site: tuple[Site, Path, ServerThread],
) -> None:
    """-v --host-stats printed two tables counted two ways (the text report's
    and the limiter's); now one table, on stderr, with both kinds of figures."""
    _, listing, _ = site
    result = run_cli([str(listing), "--retries", "0", "-v", "--host-stats", "--no-config"])
    assert result.exit_code == 1
    assert "hosts (" not in result.stdout
    assert "requests" not in result.stdout
    header, row = result.stderr.splitlines()
    assert header.split() == [
        "host", "requests", "ok", "broken", "error", "excluded", "cancelled", "mean_ms",
        "max_ms", "throttled", "time_s", "waited_s", "interval_s", "max_interval_s",
    ]  # fmt: skip
    figures = dict(zip(header.split(), row.split(), strict=True))
    assert (figures["host"], figures["requests"], figures["ok"], figures["broken"]) == (
        "127.0.0.1",
        "2",
        "1",
        "1",
    )


def test_in_github_actions_a_hostile_url_list_line_is_no_workflow_command(
    tmp_path: Path, actions: Path
) -> None:
    """A URL-list line holding a workflow command is an invalid URL, printed
    by the text report on stdout, which the runner reads."""
    from tests.reporters.test_hostile_output import workflow_commands

    listing = tmp_path / "hostile.txt"
    listing.write_text("::warning::pwned\n##[error]pwned\n", encoding="utf-8")
    result = run_cli([str(listing), "--no-config", "--no-ci-annotations"])
    assert result.exit_code == 1
    assert "pwned" in result.stdout  # reported, as written but for a zero-width space
    assert workflow_commands(result.stdout + result.stderr) == []
