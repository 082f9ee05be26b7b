"""The text report's closing summary: the slowest URLs, per-host figures with
-v, then the duration and counts by outcome."""

from __future__ import annotations

import io

from checker.hoststats import HostStats, HostTable, host_of
from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporters.interface import ReportOptions
from checker.reporters.stats import Slowest, latency_histogram
from checker.reporters.text import TextReporter

RESULTS = [
    Result("https://a.test/1", Outcome.OK, (Source("l.txt", 1),), status=200, elapsed_ms=12.0),
    Result("https://a.test/2", Outcome.OK, (Source("l.txt", 2),), status=200, elapsed_ms=900.0),
    Result("https://A.test:8443/3", Outcome.BROKEN, status=404, elapsed_ms=30.0),
    Result("https://b.test/", Outcome.OK, status=200, elapsed_ms=1500.4),
    Result("https://b.test/x", Outcome.OK, status=200, elapsed_ms=5.0),
    Result("https://c.test/", Outcome.ERROR, error=Failure(ErrorKind.TIMEOUT, "t"), elapsed_ms=3e4),
    Result("https://d.test/", Outcome.EXCLUDED, reason="matches --exclude 'd'"),
    Result("not a url", Outcome.ERROR, error=Failure(ErrorKind.INVALID_URL, "bad")),
]
SUMMARY = Summary("gather", total=8, ok=4, broken=1, error=2, excluded=1, duration_s=30.02)


def render(**options: bool) -> list[str]:
    out = io.StringIO()
    reporter = TextReporter(out, ReportOptions(**options))
    reporter.start(len(RESULTS))
    for result in RESULTS:
        reporter.add(result)
    reporter.finish(SUMMARY)
    return out.getvalue().splitlines()


def block(lines: list[str], title: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines)
    )
    return lines[start:end]


def test_the_summary_lists_the_five_slowest_then_duration_and_counts() -> None:
    lines = render()
    slowest = block(lines, "slowest")
    assert slowest[0] == "slowest (5)"
    assert [line.split()[-1] for line in slowest[1:]] == [
        "https://c.test/",
        "https://b.test/",
        "https://a.test/2",
        "https://A.test:8443/3",
        "https://a.test/1",
    ]
    assert slowest[1].split()[:2] == ["30,000", "ms"]
    assert lines[-1] == "8 URLs in 30.02 s (gather): 4 ok, 1 broken, 2 error, 1 excluded"
    assert not any(line.startswith("hosts") for line in lines)  # only with -v


def test_verbose_adds_per_host_figures() -> None:
    hosts = block(render(verbose=True), "hosts")
    assert hosts[0] == "hosts (5)"
    assert hosts[1].split() == [
        "host", "ok", "broken", "error", "excluded", "cancelled", "mean_ms", "max_ms"
    ]  # fmt: skip
    rows = {line.split()[0]: line.split() for line in hosts[2:]}
    # a.test: three URLs (the host is case-insensitive, the port is not part of it).
    assert rows["a.test"] == ["a.test", "2", "1", "0", "0", "0", "314", "900"]
    assert rows["b.test"][:4] == ["b.test", "2", "0", "0"]
    assert rows["d.test"] == ["d.test", "0", "0", "0", "1", "0", "-", "-"]  # never timed
    assert rows["(no"][:2] == ["(no", "host)"]


def test_with_host_stats_the_text_report_leaves_the_one_host_table_to_stderr() -> None:
    """-v --host-stats printed two differently counted tables; now the text
    report prints none and checker.reporters.hosts prints the one table."""
    lines = render(verbose=True, host_stats=True)
    assert not any(line.startswith("hosts") for line in lines)


def test_quiet_keeps_only_the_failures() -> None:
    lines = render(quiet=True)
    assert not any(line.startswith(("slowest", "hosts")) for line in lines)
    assert not lines[-1].startswith("8 URLs")


def test_slowest_keeps_the_n_longest_in_order_whatever_the_arrival() -> None:
    slowest = Slowest(3)
    for ms in (5.0, 1.0, 9.0, 9.0, 2.0, None, 7.0):
        slowest.add(Result(f"u{ms}", Outcome.OK, elapsed_ms=ms))
    assert [r.elapsed_ms for r in slowest.results()] == [9.0, 9.0, 7.0]
    assert Slowest().results() == []


def test_hosts_and_histogram_figures() -> None:
    hosts = HostTable()
    for result in RESULTS:
        hosts.add(result)
    assert [host for host, _ in hosts.ordered()][:2] == ["a.test", "b.test"]  # busiest first
    # The limiter's request figures win the order and join the same rows.
    hosts.merge({"c.test": HostStats(requests=3, throttled=1)})
    ordered = hosts.ordered()
    assert ordered[0][0] == "c.test"
    assert (ordered[0][1].requests, ordered[0][1].error, ordered[0][1].throttled) == (3, 1, 1)
    assert host_of("http://[::1]:8080/") == "::1"
    assert host_of("http://[bad/") == "(no host)"
    assert host_of("http://][@") == "(no host)"
    assert host_of("https://BÜCHER.example/") == "xn--bcher-kva.example"  # as the limiter keys it
    histogram = dict(latency_histogram([1, 10, 24.9, 25, 999, 1000, 10_000, 50_000]))
    assert histogram["< 10 ms"] == 1
    assert histogram["< 25 ms"] == 2
    assert histogram["< 50 ms"] == 1
    assert histogram["< 1 s"] == 1
    assert histogram["< 2.5 s"] == 1
    assert histogram["≥ 10 s"] == 2
    assert sum(histogram.values()) == 8


def test_verbose_lists_excluded_urls_apart_from_ok_ones_with_their_reason() -> None:
    lines = render(verbose=True)
    ok = block(lines, "ok (")
    excluded = block(lines, "excluded (")
    assert ok[0] == "ok (4)"
    assert not any("d.test" in line for line in ok)
    assert excluded[0] == "excluded (1)"
    assert len(excluded) == 2
    assert "https://d.test/" in excluded[1]
    assert "matches --exclude 'd'" in excluded[1]


def test_brackets_in_urls_print_as_written_not_as_markup() -> None:
    out = io.StringIO()
    reporter = TextReporter(out, ReportOptions())
    reporter.start(1)
    reporter.add(Result("https://e.test/[bold]x[/bold]", Outcome.BROKEN, status=404))
    reporter.finish(Summary("gather", total=1, broken=1))
    assert "https://e.test/[bold]x[/bold]" in out.getvalue()


def test_a_failure_points_at_line_and_column_when_the_column_is_known() -> None:
    out = io.StringIO()
    reporter = TextReporter(out, ReportOptions())
    reporter.start(1)
    reporter.add(
        Result("https://e.test/", Outcome.BROKEN, (Source("docs/a.md", 3, 7),), status=404)
    )
    reporter.finish(Summary("gather", total=1, broken=1))
    assert "[docs/a.md:3:7]" in out.getvalue()
