"""The command line, run in-process against a server in its own thread.

Exit codes, option errors, sources, output files, and what each format puts
on stdout and stderr.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from aiohttp import web

from tests.conftest import CliResult, ServerThread, run_cli, spawn_cli

RESULT_KEYS = {
    "url",
    "outcome",
    "status",
    "final_url",
    "redirects",
    "error",
    "elapsed_ms",
    "attempts",
    "sources",
}
SUMMARY_KEYS = {
    "total",
    "ok",
    "broken",
    "error",
    "excluded",
    "cancelled",
    "warnings",
    "duration_s",
    "strategy",
}
OUTCOMES = ("ok", "broken", "error", "excluded", "cancelled")


class Site:
    """Routes for the CLI tests; records every request it gets."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.during_run: list[str | None] = []
        self.watch: Path | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{name:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.method, request.path))
        if self.watch is not None:
            # What a reader of --output would see while the run is still going.
            text = self.watch.read_text() if self.watch.exists() else None
            self.during_run.append(text)
        name = request.match_info["name"]
        if name.startswith("ok"):
            return web.Response(text="fine")
        if name.startswith("missing"):
            return web.Response(status=404)
        if name == "redirect":
            return web.Response(status=301, headers={"Location": "/ok-landing"})
        raise AssertionError(f"no route for {name}")


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Site, ServerThread]]:
    routes = Site()
    with ServerThread(routes.app()) as server:
        yield routes, server


@pytest.fixture
def server(site: tuple[Site, ServerThread]) -> ServerThread:
    routes, thread = site
    routes.seen.clear()
    routes.during_run.clear()
    routes.watch = None
    return thread


@pytest.fixture
def routes(site: tuple[Site, ServerThread], server: ServerThread) -> Site:
    return site[0]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory, so that no configuration file is picked up."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def urlcheck(*args: str, stdin: bytes = b"") -> CliResult:
    return run_cli(["--retries", "0", *args], stdin=stdin)


def jsonl(result: CliResult) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


# --- exit codes ---------------------------------------------------------------------


def test_exit_0_when_every_url_is_ok(server: ServerThread) -> None:
    result = urlcheck(server.url("/ok1"), server.url("/ok2"))
    assert result.exit_code == 0, result.stderr
    assert "2 URLs" in result.stdout
    assert "2 ok" in result.stdout


def test_exit_1_when_a_url_is_broken(server: ServerThread) -> None:
    result = urlcheck(server.url("/ok1"), server.url("/missing"))
    assert result.exit_code == 1


def test_exit_1_when_a_url_errors(server: ServerThread) -> None:
    assert urlcheck(server.url("/ok1"), refused_url()).exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "0"],
        ["--concurrency", "-3"],
        ["--per-host", "0"],
        ["--timeout", "0"],
        ["--timeout", "soon"],
        ["--retries", "-1"],
        ["--max-redirects", "-1"],
        ["--accept", "2xx"],
        ["--accept", "299..200"],
        ["--strategy", "foo"],
        ["--format", "xml"],
        ["--method", "post"],
        ["--exclude", "("],
        ["--include", "[a-"],
        ["-H", "no colon here"],
        ["--user-agent", "a\nb"],
        ["--frobnicate"],
    ],
)
def test_bad_option_values_exit_2_with_one_line(
    args: list[str], server: ServerThread, routes: Site
) -> None:
    result = urlcheck(*args, server.url("/ok"))
    assert result.exit_code == 2
    assert result.stderr.startswith("urlcheck: error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert routes.seen == [], "nothing is checked after a usage error"


def test_no_sources_is_a_usage_error() -> None:
    result = urlcheck()
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("kind", ["missing", "glob matching nothing"])
def test_an_unreadable_source_exits_2_and_checks_nothing(
    kind: str, tmp_path: Path, server: ServerThread, routes: Site
) -> None:
    # (A directory is no longer unreadable: it is walked, issue 3.)
    bad = tmp_path / ("nope.txt" if kind == "missing" else "nope-*.md")
    good = tmp_path / "good.txt"
    good.write_text(server.url("/ok") + "\n")
    result = urlcheck(str(good), str(bad))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert str(bad) in result.stderr
    assert "Traceback" not in result.stderr
    assert routes.seen == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission_exits_2(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("http://127.0.0.1/\n")
    locked.chmod(0)
    result = urlcheck(str(locked))
    assert result.exit_code == 2
    assert "Permission denied" in result.stderr


# --- sources ----------------------------------------------------------------------


def test_dash_reads_stdin(server: ServerThread) -> None:
    stdin = f"# list\n{server.url('/ok-a')}\n\n{server.url('/ok-b')}\n".encode()
    result = urlcheck("--format", "jsonl", "-", stdin=stdin)
    assert result.exit_code == 0
    assert {(r["url"], json.dumps(r["sources"])) for r in jsonl(result)} == {
        (server.url("/ok-a"), json.dumps([{"path": "-", "line": 2}])),
        (server.url("/ok-b"), json.dumps([{"path": "-", "line": 4}])),
    }


def test_literal_urls_have_source_arg(server: ServerThread) -> None:
    [record] = jsonl(urlcheck("--format", "jsonl", server.url("/ok")))
    assert record["sources"] == [{"path": "<arg>", "line": 1}]


def test_duplicates_across_sources_are_one_result_with_every_source(
    tmp_path: Path, server: ServerThread, routes: Site
) -> None:
    url = server.url("/ok-dup")
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text(f"{server.url('/ok-other')}\n{url}\n")
    two.write_text(f"{url}\n")
    result = urlcheck("--format", "json", "--strategy", "gather", str(one), str(two), url, "-")
    report = json.loads(result.stdout)
    assert report["summary"]["total"] == 2
    dup = next(r for r in report["results"] if r["url"] == url)
    assert dup["sources"] == [
        {"path": str(one), "line": 2},
        {"path": str(two), "line": 1},
        {"path": "<arg>", "line": 1},
    ]
    assert routes.seen.count(("HEAD", "/ok-dup")) == 1, "checked once"


def test_every_input_line_is_accounted_for(tmp_path: Path, server: ServerThread) -> None:
    lines = [server.url("/ok"), "not a url", "ftp://example.com/", server.url("/missing"), ""]
    source = tmp_path / "list.txt"
    source.write_bytes("\r\n".join(lines).encode() + b"\r\n# end\n")
    records = jsonl(urlcheck("--format", "jsonl", str(source)))
    assert sorted(s["line"] for r in records for s in r["sources"]) == [1, 2, 3, 4]
    kinds = {r["url"]: (r["outcome"], r["error"] and r["error"]["kind"]) for r in records}
    assert kinds["not a url"] == ("error", "invalid_url")
    assert kinds["ftp://example.com/"] == ("error", "unsupported_scheme")
    # An undecodable line is exit 2 naming it: tests/sources/test_hostile_inputs.py


def test_excluded_urls_are_reported_and_never_requested(server: ServerThread, routes: Site) -> None:
    result = urlcheck(
        "--format",
        "json",
        "--exclude",
        "/ok-skip",
        "--exclude",
        "/ok-keep",
        "--include",
        "keep",
        server.url("/ok-skip"),
        server.url("/ok-keep"),
    )
    report = json.loads(result.stdout)
    outcomes = {r["url"]: r["outcome"] for r in report["results"]}
    assert outcomes == {server.url("/ok-skip"): "excluded", server.url("/ok-keep"): "ok"}
    assert report["summary"]["excluded"] == 1
    assert [path for _, path in routes.seen] == ["/ok-keep"]
    assert result.exit_code == 0, "an excluded URL is not a failure"


# --- formats ----------------------------------------------------------------------


def test_json_is_one_valid_document_whose_counts_add_up(server: ServerThread) -> None:
    urls = [server.url("/ok"), server.url("/missing"), refused_url(), "http://a..b/"]
    result = urlcheck("--format", "json", *urls, "--exclude", "a\\.\\.b")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    summary = report["summary"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["total"] == len(report["results"]) == 4
    assert sum(summary[o] for o in OUTCOMES) == summary["total"]
    assert (summary["ok"], summary["broken"], summary["error"], summary["excluded"]) == (1, 1, 1, 1)
    assert summary["strategy"] == "as-completed"
    for record in report["results"]:
        assert set(record) >= RESULT_KEYS
        assert record["outcome"] in OUTCOMES
    assert result.stderr == ""


def test_json_result_fields(server: ServerThread) -> None:
    report = json.loads(urlcheck("--format", "json", server.url("/redirect")).stdout)
    [record] = report["results"]
    assert record["outcome"] == "ok"
    assert record["status"] == 200
    assert record["redirects"] == [server.url("/ok-landing")]
    assert record["final_url"] == server.url("/ok-landing")
    assert record["error"] is None
    assert record["attempts"] == 1
    assert isinstance(record["elapsed_ms"], (int, float))


def test_jsonl_is_one_object_per_line_and_the_summary_goes_to_stderr(
    server: ServerThread,
) -> None:
    urls = [server.url(f"/ok{n}") for n in range(5)] + [server.url("/missing")]
    result = urlcheck("--format", "jsonl", *urls)
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    for line in lines:
        record = json.loads(line)
        assert isinstance(record, dict)
        assert set(record) >= RESULT_KEYS
    assert {r["url"] for r in map(json.loads, lines)} == set(urls)
    assert result.stderr.count("\n") == 1
    assert "6 URLs" in result.stderr
    assert result.exit_code == 1


def test_jsonl_quiet_prints_no_summary(server: ServerThread) -> None:
    result = urlcheck("--format", "jsonl", "-q", server.url("/ok"))
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


def test_text_groups_failures_by_kind_then_summarises(tmp_path: Path, server: ServerThread) -> None:
    source = tmp_path / "urls.txt"
    source.write_text(
        "\n".join(
            [
                server.url("/missing-1"),
                server.url("/ok"),
                "http://a..b/",
                server.url("/missing-2"),
                refused_url(),
            ]
        )
    )
    result = urlcheck("--strategy", "gather", str(source))
    lines = result.stdout.splitlines()
    assert lines[0] == "broken: HTTP 404 (2)"
    assert lines[1].split() == [server.url("/missing-1"), "404", f"[{source}:1]"]
    assert lines[2].split()[0] == server.url("/missing-2")
    assert {lines[3], lines[5]} == {"error: connect (1)", "error: invalid_url (1)"}
    assert re.fullmatch(r"5 URLs in \d+\.\d\d s \(gather\): 1 ok, 2 broken, 2 error", lines[-1])
    # The ok URL may appear among the slowest; it is not listed as a result.
    assert not any(line.startswith("ok (") for line in lines), "successes only with -v"


def test_text_verbose_lists_successes(server: ServerThread) -> None:
    result = urlcheck("-v", server.url("/ok-v"), server.url("/redirect"))
    assert "ok (2)" in result.stdout
    assert server.url("/ok-v") in result.stdout
    assert "via 1 redirect(s)" in result.stdout


def test_text_quiet_prints_only_failures(server: ServerThread) -> None:
    assert urlcheck("-q", server.url("/ok")).stdout == ""
    assert urlcheck("-q", server.url("/missing")).stdout.splitlines()[0] == "broken: HTTP 404 (1)"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\u202etxt.exe", "\\u202etxt.exe"),
        ("\x07bell\x08", "\\x07bell\\x08"),
    ],
)
def test_control_characters_in_urls_are_escaped_in_text(
    tmp_path: Path, raw: str, shown: str
) -> None:
    source = tmp_path / "urls.txt"
    source.write_text(f"http://127.0.0.1:1/{raw}\n")
    result = urlcheck(str(source))
    assert result.exit_code == 1
    assert shown in result.stdout
    assert raw not in result.stdout
    assert not any(c in result.stdout for c in "\x1b\u202e\x07\x08")


def test_no_colour_when_not_a_terminal(server: ServerThread) -> None:
    result = urlcheck("-v", server.url("/ok"), server.url("/missing"))
    assert "\x1b" not in result.stdout
    assert "\x1b" not in result.stderr


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run urlcheck with stdout on a pseudo-terminal; return what it printed."""
    import pty

    primary, secondary = pty.openpty()
    with spawn_cli(
        ["--retries", "0", *args],
        stdout=secondary,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "200", **env},
    ) as proc:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(30)
    os.close(primary)
    return b"".join(chunks).decode()


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
def test_colour_on_a_terminal_unless_no_color(server: ServerThread, no_color: bool) -> None:
    env = {"NO_COLOR": "1"} if no_color else {}
    env_clean = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "environ", env_clean)
        shown = _on_a_terminal([server.url("/missing")], env)
    assert server.url("/missing") in shown
    assert "\x1b[" in shown, "styled, as a terminal is"
    assert _has_colour(shown) is not no_color


def _has_colour(text: str) -> bool:
    """Whether any SGR sequence sets a colour (NO_COLOR allows bold and dim)."""
    codes = {
        int(code) for seq in re.findall(r"\x1b\[([\d;]*)m", text) for code in seq.split(";") if code
    }
    return any(30 <= c <= 48 or 90 <= c <= 107 for c in codes - {39, 49})


# --- output files -----------------------------------------------------------------


def test_output_file_gets_the_report_and_stdout_stays_empty(
    tmp_path: Path, server: ServerThread
) -> None:
    out = tmp_path / "report.json"
    result = urlcheck("--format", "json", "-o", str(out), server.url("/ok"))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text())["summary"]["total"] == 1
    assert os.listdir(tmp_path) == ["report.json"], "no temporary file is left behind"


def test_output_is_replaced_atomically(tmp_path: Path, server: ServerThread, routes: Site) -> None:
    """While the run goes on, a reader sees the old report whole, never half a new one."""
    out = tmp_path / "report.json"
    out.write_text("OLD REPORT")
    routes.watch = out
    result = urlcheck("--format", "json", "-o", str(out), server.url("/ok1"), server.url("/ok2"))
    assert result.exit_code == 0
    assert routes.during_run == ["OLD REPORT"] * 2
    assert json.loads(out.read_text())["summary"]["total"] == 2


def test_output_into_a_missing_directory_exits_2(tmp_path: Path, server: ServerThread) -> None:
    result = urlcheck("-o", str(tmp_path / "no" / "such" / "report.json"), server.url("/ok"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_output_onto_a_directory_exits_2(tmp_path: Path, server: ServerThread) -> None:
    (tmp_path / "taken").mkdir()
    result = urlcheck("-o", str(tmp_path / "taken"), server.url("/ok"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


# --- secrets ----------------------------------------------------------------------

SECRET = "tok-7Hq2xSecretValue"
SPACED = "tok-Q9 spaced/value"  # lands in a URL percent-encoded


class EchoServer:
    """Servers that echo the secret header back wherever they can."""

    def __init__(self) -> None:
        self.got: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{name:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        value = request.headers.get("X-Api-Key", "")
        self.got.append(value)
        name = request.match_info["name"]
        if name == "body":
            return web.Response(status=500, text=f"bad key {value}")
        if name == "query":
            return web.Response(status=302, headers={"Location": f"/landing?key={value}"})
        if name == "ftp":
            return web.Response(status=302, headers={"Location": f"ftp://h/{value}"})
        if name == "spaced":
            spaced = request.headers.get("X-Spaced", "")
            return web.Response(status=302, headers={"Location": f"/landing?v={spaced}"})
        if name == "reason":
            return web.Response(status=401, reason=f"Unauthorized {value}")
        return web.Response(status=404, headers={"X-Echo": value})


def _garbage_server(replies: list[str]) -> tuple[socket.socket, threading.Thread]:
    """Answers each connection with a status line that quotes the secret header."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                found = re.search(rb"(?i)x-api-key: *([^\r]*)", request)
                value = found.group(1) if found else b""
                replies.append(value.decode())
                conn.sendall(b"HTTP/1.1 abc " + value + b"\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, thread


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl"])
def test_a_header_value_never_appears_in_any_output(fmt: str, tmp_path: Path) -> None:
    echo = EchoServer()
    garbage_got: list[str] = []
    listener, _ = _garbage_server(garbage_got)
    try:
        with ServerThread(echo.app()) as site:
            names = ("body", "query", "ftp", "spaced", "reason", "plain")
            urls = [site.url(f"/{n}") for n in names]
            garbage = f"http://127.0.0.1:{listener.getsockname()[1]}/"
            broken = f"http://127.0.0.1:1/{SECRET[:3]} x"
            result = urlcheck(
                "-v",
                "--format",
                fmt,
                "-H",
                f"X-Api-Key: {SECRET}",
                "-H",
                f"X-Spaced: {SPACED}",
                "--method",
                "get",
                *urls,
                garbage,
                broken,
            )
    finally:
        listener.close()
    assert SECRET in echo.got, "the header was sent, so the test can catch a leak"
    assert SECRET in garbage_got
    assert result.exit_code == 1
    for leaked in (SECRET, SPACED, quote(SPACED), quote_plus(SPACED), quote_plus(SPACED, safe="/")):
        assert leaked not in result.stdout
        assert leaked not in result.stderr
    assert "***" in result.stdout, "the echoes were masked, not lost"
    out = tmp_path / "report"
    urlcheck("--format", fmt, "-o", str(out), "-H", f"X-Api-Key: {SECRET}", *urls[:3])
    assert SECRET not in out.read_text()


def test_a_malformed_header_is_not_echoed_in_the_error(server: ServerThread) -> None:
    result = urlcheck("-H", SECRET, server.url("/ok"))
    assert result.exit_code == 2
    assert SECRET not in result.stderr
    broken = urlcheck("-H", f"X-Key: {SECRET}\r\nX-Other: 1", server.url("/ok"))
    assert broken.exit_code == 2
    assert SECRET not in broken.stderr


# --- the command itself ---------------------------------------------------------


def test_output_to_a_device_is_written_in_place_not_replaced() -> None:
    """`-o /dev/null` must never rename a temporary file over the device node."""
    before = os.stat("/dev/null")
    result = run_cli(["https://example.com/", "--exclude", ".", "-o", "/dev/null"])
    after = os.stat("/dev/null")
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
