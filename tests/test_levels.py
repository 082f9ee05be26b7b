"""Warning levels (--warn) and the redirect policy (--redirects,
--allowed-redirect), end to end through the CLI against real servers on
loopback: a warned failure is in every report and the summary, and the
exit code stays 0."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import CliResult, ServerThread, run_cli
from tests.hostile.servers import BlackHole, serving
from tests.reporters.conftest import refused_url

REDIRECTS = {
    "/old": (301, "/new"),  # moved permanently
    "/temp": (302, "/elsewhere"),  # a temporary redirect elsewhere
    "/slash": (301, "/slash/"),  # only adds a trailing slash: not a redirect elsewhere
    # A hostile new home: markup, a workflow command, a mention, a bidi override.
    "/evil": (301, "/new?q=[x](javascript:alert(1))<b>::warning::x`@team\u202e"),
}


def _app() -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        if request.path in REDIRECTS:
            status, location = REDIRECTS[request.path]
            return web.Response(status=status, headers={"Location": location})
        if request.path.startswith("/forbidden"):
            return web.Response(status=403)
        if request.path.startswith("/gone"):
            return web.Response(status=404)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@pytest.fixture(scope="module")
def site() -> Iterator[ServerThread]:
    with ServerThread(_app()) as server:
        yield server


def _check(tmp_path: Path, urls: list[str], *options: str) -> CliResult:
    listing = tmp_path / "urls.txt"
    listing.write_text("".join(url + "\n" for url in urls))
    return run_cli([str(listing), "--retries", "0", "--no-config", *options])


FORMATS = ("text", "json", "jsonl", "csv", "markdown", "html", "junit", "sarif", "github")


def test_a_warned_403_keeps_exit_0_and_shows_in_every_format(
    site: ServerThread, tmp_path: Path
) -> None:
    ok, forbidden = site.url("/ok"), site.url("/forbidden")
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in FORMATS}
    reports = [a for fmt, path in files.items() for a in ("--report", f"{fmt}:{path}")]
    # A file source, so that SARIF (which skips arguments and stdin) has a location.
    run = _check(tmp_path, [ok, forbidden], "--warn", "403", *reports)
    assert run.exit_code == 0, run.stderr
    text = {fmt: path.read_text() for fmt, path in files.items()}

    assert "warning: broken: HTTP 403 (1)" in text["text"]
    assert f"{forbidden}  403; warning: matched --warn 403" in text["text"]
    assert "1 broken; 1 warning, which does not fail the run" in text["text"]
    assert "1 broken; 1 warning, which does not fail the run" in run.stdout  # --format text

    report = json.loads(text["json"])
    warned = [r for r in report["results"] if r["url"] == forbidden]
    assert warned[0]["warning"] == "matched --warn 403"
    assert warned[0]["outcome"] == "broken"
    assert "warning" not in next(r for r in report["results"] if r["url"] == ok)
    assert report["summary"]["warnings"] == 1
    lines = [json.loads(line) for line in text["jsonl"].splitlines()]
    assert [r.get("warning") for r in lines if r["url"] == forbidden] == ["matched --warn 403"]

    assert text["csv"].splitlines()[0].endswith(",sources,health,warning")
    assert any(
        line.startswith(forbidden) and line.endswith(",matched --warn 403")
        for line in text["csv"].splitlines()
    )

    assert text["markdown"].startswith("## urlcheck: 0 of 2 links failed, 1 warning")
    assert "HTTP 403; warning: matched --warn 403" in text["markdown"]

    assert "<title>urlcheck: 0 of 2 links failed, 1 warning</title>" in text["html"]
    assert "HTTP 403; warning: matched --warn 403" in text["html"]

    skipped = ET.fromstring(text["junit"]).findall(".//skipped")
    assert [s.get("type") for s in skipped] == ["warning/broken"]
    assert ET.fromstring(text["junit"]).findall(".//failure") == []

    sarif = json.loads(text["sarif"])["runs"][0]["results"]
    assert [(r["level"], r["properties"]["warning"]) for r in sarif] == [
        ("warning", "matched --warn 403")
    ]

    assert text["github"].startswith("::warning file=")
    assert "::error" not in text["github"]


def test_without_warn_the_same_403_fails_the_run(site: ServerThread, tmp_path: Path) -> None:
    run = _check(tmp_path, [site.url("/forbidden")])
    assert run.exit_code == 1
    assert "warning" not in run.stdout


def test_a_timeout_is_warned(tmp_path: Path) -> None:
    with serving(BlackHole()) as hole:
        run = _check(
            tmp_path,
            [hole.url("/never")],
            "--timeout",
            "0.3",
            "--warn",
            "timeout",
            "--format",
            "json",
        )
    assert run.exit_code == 0, run.stderr
    (result,) = json.loads(run.stdout)["results"]
    assert (result["error"]["kind"], result["warning"]) == ("timeout", "matched --warn timeout")


def test_a_dead_hosts_untried_urls_are_warned_too(tmp_path: Path) -> None:
    """The scheduler reports a dead host's other URLs without a check: the
    engine judges those as well, or they would fail the run."""
    down = refused_url()
    urls = [down + str(n) for n in range(4)]
    run = _check(
        tmp_path, urls, "--dead-host-after", "1", "-c", "1", "--warn", "connect", "--format", "json"
    )
    results = json.loads(run.stdout)["results"]
    assert any(r["attempts"] == 0 for r in results)  # some were never tried
    assert [r["warning"] for r in results] == ["matched --warn connect"] * 4
    assert run.exit_code == 0, run.stderr


def test_first_exception_does_not_stop_at_a_dead_hosts_warned_urls(
    site: ServerThread, tmp_path: Path
) -> None:
    """The scheduler settles a dead host's other URLs itself: they are judged
    there, before first-exception's stop rule sees them."""
    down = refused_url()
    urls = [*(down + str(n) for n in range(4)), *(site.url(f"/ok{n}") for n in range(3))]
    run = _check(
        tmp_path,
        urls,
        "--strategy",
        "first-exception",
        "--dead-host-after",
        "1",
        "-c",
        "1",
        "--warn",
        "connect",
        "--format",
        "json",
    )
    report = json.loads(run.stdout)
    assert any(r["attempts"] == 0 for r in report["results"])  # some were never tried
    assert report["summary"]["cancelled"] == 0
    assert run.exit_code == 0, run.stderr


def test_first_exception_does_not_stop_at_a_warning(site: ServerThread, tmp_path: Path) -> None:
    urls = [site.url("/forbidden"), *(site.url(f"/ok{n}") for n in range(5))]
    run = _check(
        tmp_path,
        urls,
        "--strategy",
        "first-exception",
        "-c",
        "1",
        "--warn",
        "403",
        "--format",
        "json",
    )
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["summary"]["cancelled"] == 0


def test_a_url_regex_warns_only_the_urls_it_finds(site: ServerThread, tmp_path: Path) -> None:
    mine, other = site.url("/gone/flaky"), site.url("/gone/real")
    run = _check(tmp_path, [mine, other], "--warn", r"url:/flaky\b", "--format", "json")
    assert run.exit_code == 1  # the other 404 still fails
    warnings = {r["url"]: r.get("warning") for r in json.loads(run.stdout)["results"]}
    assert warnings == {mine: r"matched --warn url:/flaky\b", other: None}


def test_conditions_of_one_rule_must_all_hold(site: ServerThread, tmp_path: Path) -> None:
    """'403 url:REGEX': the regex's 404 is not demoted, another host's 403 neither."""
    urls = [site.url("/forbidden/a"), site.url("/gone/a"), site.url("/forbidden/b")]
    run = _check(tmp_path, urls, "--warn", "403 url:/a$", "--format", "json")
    warned = [r["url"] for r in json.loads(run.stdout)["results"] if "warning" in r]
    assert warned == [site.url("/forbidden/a")]
    assert run.exit_code == 1


def _outcomes(run: CliResult) -> dict[str, tuple[str, str | None, str | None]]:
    return {
        r["url"]: (r["outcome"], (r["error"] or {}).get("kind"), r.get("warning"))
        for r in json.loads(run.stdout)["results"]
    }


def test_redirects_allow_is_todays_behaviour(site: ServerThread, tmp_path: Path) -> None:
    run = _check(tmp_path, [site.url("/temp")], "--format", "json")
    assert run.exit_code == 0
    assert _outcomes(run) == {site.url("/temp"): ("ok", None, None)}


def test_redirects_error_fails_a_redirect_elsewhere(site: ServerThread, tmp_path: Path) -> None:
    temp, slash, ok = site.url("/temp"), site.url("/slash"), site.url("/ok")
    run = _check(tmp_path, [temp, slash, ok], "--redirects", "error", "--format", "json")
    assert run.exit_code == 1
    assert _outcomes(run) == {
        temp: ("broken", "redirected", None),
        slash: ("ok", None, None),  # a trailing slash added is no redirect elsewhere (Sphinx)
        ok: ("ok", None, None),
    }
    message = next(r for r in json.loads(run.stdout)["results"] if r["url"] == temp)["error"]
    assert site.url("/elsewhere") in message["message"]


def test_redirects_warn_reports_a_warning_and_exits_0(site: ServerThread, tmp_path: Path) -> None:
    temp = site.url("/temp")
    run = _check(tmp_path, [temp], "--redirects", "warn")
    assert run.exit_code == 0, run.stderr
    assert "warning: broken: redirected (1)" in run.stdout
    assert "warning: redirects are warnings (--redirects warn)" in run.stdout


def test_an_allowed_pair_lets_the_redirect_through(site: ServerThread, tmp_path: Path) -> None:
    temp, old = site.url("/temp"), site.url("/old")
    pair = f"{site.url('/temp')} {site.url('/elsewhere')}$"
    run = _check(
        tmp_path,
        [temp, old],
        "--redirects",
        "error",
        "--allowed-redirect",
        pair,
        "--format",
        "json",
    )
    assert _outcomes(run) == {temp: ("ok", None, None), old: ("broken", "redirected", None)}
    # Both ends are matched from the start, as Sphinx does: a pattern found
    # only in the middle of the URL allows nothing.
    loose = f"/temp {site.url('/elsewhere')}"
    run = _check(tmp_path, [temp], "--redirects", "error", "--allowed-redirect", loose)
    assert run.exit_code == 1


def test_redirects_error_then_warn_redirected_demotes_it(
    site: ServerThread, tmp_path: Path
) -> None:
    temp = site.url("/temp")
    run = _check(
        tmp_path, [temp], "--redirects", "error", "--warn", "redirected", "--format", "json"
    )
    assert run.exit_code == 0
    assert _outcomes(run) == {temp: ("broken", "redirected", "matched --warn redirected")}


def test_the_config_file_takes_every_key(site: ServerThread, tmp_path: Path) -> None:
    """Sphinx's table form of the pairs copies over as a TOML table."""
    temp, old, gone = site.url("/temp"), site.url("/old"), site.url("/gone")
    config = tmp_path / "urlcheck.toml"
    config.write_text(
        'redirects = "error"\n'
        'warn = ["404"]\n'
        f'allowed_redirects = {{"{temp}" = "{site.url("/elsewhere")}"}}\n'
    )
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{temp}\n{old}\n{gone}\n")
    run = run_cli([str(listing), "--config", str(config), "--retries", "0", "--format", "json"])
    assert _outcomes(run) == {
        temp: ("ok", None, None),
        old: ("broken", "redirected", None),
        gone: ("broken", None, "matched --warn 404"),
    }
    assert run.exit_code == 1


def test_moved_links_are_shown_in_text_markdown_and_html(
    site: ServerThread, tmp_path: Path
) -> None:
    old, new = site.url("/old"), site.url("/new")
    md, html = tmp_path / "r.md", tmp_path / "r.html"
    run = _check(tmp_path, [old], "--report", f"markdown:{md}", "--report", f"html:{html}")
    assert run.exit_code == 0
    assert "moved permanently (1)" in run.stdout
    assert f"moved permanently to {new}" in run.stdout
    assert f"### Moved permanently (1)\n\n- [ ] <{old}> → <{new}>" in md.read_text()
    assert f"moved permanently to {new}" in html.read_text()


def test_a_hostile_new_home_is_shown_inert(site: ServerThread, tmp_path: Path) -> None:
    md, html = tmp_path / "r.md", tmp_path / "r.html"
    run = _check(
        tmp_path, [site.url("/evil")], "--report", f"markdown:{md}", "--report", f"html:{html}"
    )
    assert run.exit_code == 0, run.stderr
    assert "moved permanently to" in run.stdout
    for text in (run.stdout, md.read_text(), html.read_text()):
        assert "<b>" not in text
        assert "\u202e" not in text
    assert "](javascript" not in md.read_text().replace("%5D(javascript", "")


def test_fix_still_rewrites_a_link_broken_only_by_the_redirect_policy(
    site: ServerThread, tmp_path: Path
) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"See [it]({site.url('/old')}).\n")
    run = run_cli([str(doc), "--no-config", "--redirects", "error", "--fix"])
    assert run.exit_code == 1
    assert doc.read_text() == f"See [it]({site.url('/new')}).\n"
