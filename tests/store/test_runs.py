"""Runs over a real store and a real loopback site that flips between runs."""

from __future__ import annotations

import json
from pathlib import Path

from checker import check_sync
from checker.settings import Settings
from tests.conftest import ServerThread, run_cli
from tests.store.conftest import by_url, run_with_store
from tests.store.site import FlipSite


def test_a_warm_cache_makes_no_request(site: tuple[FlipSite, ServerThread], tmp_path: Path) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    urls = [server.url(f"/p{n}") for n in range(20)]
    code, _first, _ = run_with_store(store, urls)
    assert code == 0
    assert flip.total >= 20
    before = flip.total
    code, second, _ = run_with_store(store, urls)
    assert code == 0
    assert flip.total == before
    for result in second["results"]:
        assert result["cached"] is True
        assert result["checked_at"].endswith("Z")
        assert result["attempts"] == 0


def test_failures_are_rechecked_and_recovery_is_seen(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store, url = tmp_path / "cache.sqlite", server.url("/flip")
    flip.statuses["flip"] = 500
    code, report, _ = run_with_store(store, [url])
    assert code == 1
    assert by_url(report)[url]["health"]["new"] is True
    flip.statuses["flip"] = 200
    before = flip.hits["flip"]
    code, report, _ = run_with_store(store, [url])
    result = by_url(report)[url]
    assert code == 0
    assert "cached" not in result
    assert result["health"]["last_ok_at"]
    assert flip.hits["flip"] > before  # the failure was asked again, not reused


def test_max_cache_age_zero_reuses_nothing(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    run_with_store(store, [server.url("/a")])
    run_with_store(store, [server.url("/a")], "--max-cache-age", "0")
    assert flip.hits["a"] == 2


def test_cache_status_reuses_the_statuses_listed(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    flip.statuses["gone"] = 410
    run_with_store(store, [server.url("/gone")], "--cache-status", "410")
    code, report, _ = run_with_store(store, [server.url("/gone")], "--cache-status", "410")
    assert code == 1
    assert "cached" not in json.dumps(run_with_store(store, [server.url("/gone")])[1])
    hits = flip.hits["gone"]
    code, report, _ = run_with_store(store, [server.url("/gone")], "--cache-status", "410")
    assert flip.hits["gone"] == hits
    assert code == 1
    assert by_url(report)[server.url("/gone")]["cached"] is True


def test_an_excluded_url_stays_excluded_with_a_warm_cache(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    _, server = site
    store, url = tmp_path / "cache.sqlite", server.url("/x")
    run_with_store(store, [url])
    _code, report, _ = run_with_store(store, [url], "--exclude", "/x")
    assert by_url(report)[url]["outcome"] == "excluded"
    assert "cached" not in by_url(report)[url]


def test_fail_on_new_excuses_known_failures_only(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    old, fresh = server.url("/old"), server.url("/fresh")
    flip.statuses["old"] = 404
    assert (
        run_with_store(store, [old, fresh], "--fail-on", "new")[0] == 1
    )  # /old is new: never seen
    code, report, _ = run_with_store(store, [old, fresh], "--fail-on", "new")
    assert code == 0
    assert by_url(report)[old]["health"]["counts"] is False
    flip.statuses["fresh"] = 500  # ok last time: a new failure (once its ok is too old)
    code, report, _ = run_with_store(
        store, [old, fresh], "--fail-on", "new", "--max-cache-age", "0"
    )
    assert code == 1
    assert by_url(report)[fresh]["health"]["new"] is True


def test_fail_on_persistent_counts_the_third_run(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store, url = tmp_path / "cache.sqlite", server.url("/down")
    flip.statuses["down"] = 503
    codes = [run_with_store(store, [url], "--fail-on", "persistent:3")[0] for _ in range(3)]
    assert codes == [0, 0, 1]


def test_a_flapping_link_is_flaky_and_never_counts_under_persistent(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    store, url = tmp_path / "cache.sqlite", server.url("/flap")
    for status in (200, 500, 200, 500, 500):
        flip.statuses["flap"] = status
        code, report, _ = run_with_store(
            store, [url], "--fail-on", "persistent:2", "--max-cache-age", "0"
        )
    result = by_url(report)[url]
    assert result["health"]["flaky"] is True
    assert code == 0
    history = run_cli(["history", "--cache-file", str(store), "--flaky", "--format", "json"])
    lines = json.loads(history.stdout)
    assert [line["url"] for line in lines] == [url]
    assert [c["status"] for c in lines[0]["checks"]] == [200, 500, 200, 500, 500]


def test_no_secret_reaches_the_store(site: tuple[FlipSite, ServerThread], tmp_path: Path) -> None:
    _, server = site
    store = tmp_path / "cache.sqlite"
    secret = "s3cr3t-token-value"
    url = server.url("/p").replace("://", f"://user:{secret}@") + f"?token={secret}"
    code, _, _ = run_with_store(store, [url], "--header", f"X-Api-Key: {secret}")
    assert code == 0
    for file in tmp_path.iterdir():
        assert secret.encode() not in file.read_bytes(), file.name


def test_the_library_takes_the_store_settings(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    flip, server = site
    settings = Settings(cache=True, cache_file=tmp_path / "lib.sqlite", retries=0)
    first = check_sync([server.url("/lib")], settings=settings)
    second = check_sync([server.url("/lib")], settings=settings)
    assert first.results[0].cached_at is None
    assert second.results[0].cached_at is not None
    assert flip.hits["lib"] == 1
    assert second.results[0].health is not None


def test_cache_subcommands(site: tuple[FlipSite, ServerThread], tmp_path: Path) -> None:
    flip, server = site
    store = tmp_path / "cache.sqlite"
    flip.statuses["bad"] = 404
    run_with_store(store, [server.url("/good"), server.url("/bad")])
    stats = run_cli(["cache", "stats", "--cache-file", str(store)])
    assert stats.exit_code == 0
    assert "urls          2" in stats.stdout
    failing = run_cli(["history", "--cache-file", str(store), "--failing", "--format", "csv"])
    assert failing.stdout.splitlines()[1:]
    assert all("/bad" in row for row in failing.stdout.splitlines()[1:])
    assert (
        run_cli(["cache", "prune", "--cache-file", str(store), "--older-than", "30d"]).exit_code
        == 0
    )
    pruned = run_cli(["cache", "prune", "--cache-file", str(store), "--older-than", "0s"])
    assert "pruned 2 URL(s)" in pruned.stdout
    hostile = run_cli(["cache", "prune", "--cache-file", str(store), "--older-than", "forever"])
    assert hostile.exit_code == 2
    assert hostile.stderr.count("\n") == 1


def test_first_exception_stops_only_on_a_failure_that_counts(
    site: tuple[FlipSite, ServerThread], tmp_path: Path
) -> None:
    """Health is set inside the check, so fail-fast sees --fail-on's verdict."""
    flip, server = site
    store = tmp_path / "cache.sqlite"
    known, later = server.url("/known"), server.url("/later")
    flip.statuses["known"] = 404
    run_with_store(store, [known])
    flip.statuses["later"] = 500
    args = ("--fail-on", "new", "--strategy", "first-exception", "-c", "1")
    code, report, _ = run_with_store(store, [known, later], *args)
    outcomes = {r["url"]: r["outcome"] for r in report["results"]}
    assert outcomes == {known: "broken", later: "broken"}  # the known 404 did not stop the run
    assert code == 1  # /later is new


def test_every_history_format_renders(tmp_path: Path) -> None:
    import io

    from checker.choices import HistoryFormat
    from checker.cli.store import render
    from checker.models import Outcome, Result
    from checker.store.codec import history, record
    from checker.store.queries import Timeline

    blob = record(Result("u", Outcome.OK, status=200), 1.8e9)
    line = Timeline("http://a.test/", history(blob, 1.8e9), 0, None, 1.8e9)
    for fmt in HistoryFormat:
        out = io.StringIO()
        render(fmt, [line], out)
        assert "http://a.test/" in out.getvalue(), fmt


def test_a_local_file_is_looked_at_again_not_reused(tmp_path: Path) -> None:
    page, doc = tmp_path / "page.html", tmp_path / "doc.md"
    page.write_text("<p>hi</p>")
    doc.write_text("[page](page.html)\n")
    store = tmp_path / "cache.sqlite"
    code, report, err = run_with_store(store, [str(doc)])
    assert code == 0, err
    (url,) = by_url(report)
    page.unlink()
    code, report, _ = run_with_store(store, [str(doc)])
    result = by_url(report)[url]
    assert code == 1
    assert "cached" not in result
    assert result["error"]["kind"] == "missing_file"
