"""Exit code 3: urlcheck itself failed (an ``internal`` result, or a report
that could not be written), and tracebacks only with --debug / URLCHECK_DEBUG."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.models import Target
from tests.conftest import ServerThread, SlowSite, run_cli


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("URLCHECK_DEBUG", raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(SlowSite().app()) as running:
        yield running


def _internal_for(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe meets a bug on URLs containing ``marker``, which the run's
    containment turns into an ``internal`` result; the others are checked for real."""
    from checker import targetcheck

    real = targetcheck.Probe

    class Buggy(real):  # type: ignore[misc, valid-type]
        async def __call__(self, target: Target, parsed: Any = None, tries: int = 1) -> Any:
            if marker in target.url:
                raise ZeroDivisionError("a bug")
            return await super().__call__(target, parsed, tries)

    monkeypatch.setattr(targetcheck, "Probe", Buggy)


def test_an_internal_result_exits_3_after_the_complete_report(
    server: ServerThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    _internal_for("/bug", monkeypatch)
    urls = [server.url("/a"), server.url("/bug"), server.url("/b")]
    result = run_cli(["--format", "json", "--retries", "0", *urls])
    assert result.exit_code == 3, result.stderr
    report = json.loads(result.stdout)
    assert {r["url"]: r["outcome"] for r in report["results"]} == {
        urls[0]: "ok",
        urls[1]: "error",
        urls[2]: "ok",
    }
    assert result.stderr.count("\n") == 1
    assert "internal error" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_link_with_no_internal_result_is_still_1(server: ServerThread) -> None:
    assert run_cli(["--retries", "0", server.url("/fail")]).exit_code == 1


def test_report_to_a_full_device_exits_3_in_one_line(server: ServerThread) -> None:
    result = run_cli(["--retries", "0", "-o", "/dev/full", server.url("/a")])
    assert result.exit_code == 3
    assert (
        result.stderr
        == "urlcheck: error: cannot write the report to '/dev/full': No space left on device\n"
    )


def test_a_failed_write_leaves_no_temporary_file(
    server: ServerThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report file on a disk that fills up: exit 3, the old report intact, no .tmp."""
    from checker import output

    out = tmp_path / "report.json"
    out.write_text("OLD")

    def full_disk(fd: int, *args: object, **kwargs: object) -> object:
        return open("/dev/full", "w", encoding="utf-8")

    monkeypatch.setattr(output.os, "fdopen", full_disk)
    result = run_cli(["--format", "json", "-o", str(out), server.url("/a")])
    assert result.exit_code == 3, result
    assert result.stderr.count("\n") == 1
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl"])
def test_stdout_on_a_full_device_exits_3_in_one_line(server: ServerThread, fmt: str) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "checker", "--format", fmt, server.url("/a")],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    err = done.stderr.decode()
    assert done.returncode == 3, err
    assert "Traceback" not in err
    assert "Exception ignored" not in err
    assert err.endswith(
        "urlcheck: error: cannot write the report to standard output: No space left on device\n"
    )


def _crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.cli import run

    def broken(*args: object) -> int:
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(run, "run", broken)


def test_a_crash_is_one_line_and_exit_3_without_debug(
    server: ServerThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash(monkeypatch)
    result = run_cli([server.url("/a")])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "RuntimeError" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["--debug", "URLCHECK_DEBUG=1"])
def test_debug_prints_the_traceback(
    server: ServerThread, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    _crash(monkeypatch)
    args = [server.url("/a")]
    if how == "--debug":
        args.append("--debug")
    else:
        monkeypatch.setenv("URLCHECK_DEBUG", "1")
    result = run_cli(args)
    assert result.exit_code == 3
    assert "Traceback" in result.stderr
    assert "an unexpected bug" in result.stderr


def test_debug_reaches_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings.debug is what the probe reads to print an internal error's traceback."""
    from checker.cli import run as cli_run

    seen = []

    def record(settings: object, *args: object) -> int:
        seen.append(settings.debug)  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr(cli_run, "run", record)
    run_cli(["x"])
    run_cli(["x", "--debug"])
    monkeypatch.setenv("URLCHECK_DEBUG", "1")
    run_cli(["x"])
    assert seen == [False, True, True]
