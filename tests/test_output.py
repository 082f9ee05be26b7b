"""Where the report goes, and what happens when it cannot be written.

Disk full on stdout or ``-o`` used to be a traceback and exit 1, the code for
"a link is broken". Now it is :class:`ReportWriteError`: one line, exit 3, and
no temporary file left behind.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from checker import output
from checker.output import ReportWriteError, open_output
from tests.conftest import run_cli, spawn_cli

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
# Nothing is requested: the one URL is excluded, so the run is quick and offline.
OFFLINE = ["--no-config", "https://x.test/", "--exclude", "x.test", "--format", "json"]


class _FullDisk(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@needs_dev_full
def test_a_full_device_written_in_place_raises_report_write_error() -> None:
    with (
        pytest.raises(ReportWriteError, match="No space left on device"),
        open_output(Path("/dev/full")) as stream,
    ):
        stream.write("x" * 100_000)  # more than a buffer: fails here or at close


def test_a_failed_write_to_a_file_raises_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("the previous report")
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> io.StringIO:
        real_fdopen(fd).close()
        return _FullDisk()

    monkeypatch.setattr(output.os, "fdopen", fdopen)
    with pytest.raises(ReportWriteError), open_output(target) as stream:
        stream.write("{}")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert target.read_text() == "the previous report"


def test_a_failed_rename_raises_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def replace(src: str, dst: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(output.os, "replace", replace)
    with (
        pytest.raises(ReportWriteError, match="Input/output error"),
        open_output(tmp_path / "report.json") as stream,
    ):
        stream.write("{}")
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_stays_broken_pipe_for_exit_141(monkeypatch: pytest.MonkeyPatch) -> None:
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr("sys.stdout", Closed())
    with pytest.raises(BrokenPipeError), open_output(None) as stream:
        stream.write("x")


def test_the_stream_is_still_a_stream_for_reporters(tmp_path: Path) -> None:
    target = tmp_path / "r.txt"
    with open_output(target) as stream:
        assert stream.write("héllo\n") == 6
        stream.flush()
        assert not stream.isatty()
    assert target.read_text("utf-8") == "héllo\n"


@needs_dev_full
def test_cli_output_to_a_full_device_is_one_line_and_exit_3() -> None:
    result = run_cli([*OFFLINE, "-o", "/dev/full"])
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "urlcheck: error: cannot write the report to '/dev/full': No space left on device"
    ]


@needs_dev_full
def test_cli_stdout_on_a_full_device_is_one_line_and_exit_3() -> None:
    """A real process: the interpreter's own flush at exit must not fail again."""
    with open("/dev/full", "w") as full:
        process = spawn_cli(OFFLINE, stdout=full)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 3
    assert err.decode().splitlines() == [
        "urlcheck: error: cannot write the report to standard output: No space left on device"
    ]


def test_cli_stdout_closed_early_still_exits_141() -> None:
    process = spawn_cli(OFFLINE, stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 141
    assert b"Traceback" not in err
