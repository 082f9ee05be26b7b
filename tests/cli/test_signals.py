"""Ctrl-C and a closed stdout, in a real process: what only a process can show."""

from __future__ import annotations

import json
import re
import select
import shlex
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import ServerThread, SlowSite, spawn_cli


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def read_line(stream: IO[bytes], timeout: float = 10) -> bytes:
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "no output line"
    return stream.readline()


def handlers_installed(pid: int) -> bool:
    """Whether the process catches SIGINT and SIGTERM yet (a loaded machine
    can take more than a second to start Python)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(re.search(r"SigCgt:\s*([0-9a-f]+)", status)[1], 16)  # type: ignore[index]
    return all(caught & (1 << (sig - 1)) for sig in (signal.SIGINT, signal.SIGTERM))


def assert_quiet(stderr: bytes) -> None:
    text = stderr.decode()
    assert "Traceback" not in text
    assert "Exception ignored" not in text
    assert "Error" not in text


def test_sigint_with_json_reports_finished_and_cancelled(
    slow_site: tuple[SlowSite, ServerThread],
) -> None:
    site, server = slow_site
    fast = [server.url("/fast/1"), server.url("/fast/2")]
    slow = [server.url("/slow/1"), server.url("/slow/2")]
    proc = spawn_cli(["--format", "json", "--retries", "0", *fast, *slow])
    wait_until(lambda: site.in_flight == 2 and len(site.done) == 2)
    time.sleep(0.5)  # the client reads the two fast answers
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert_quiet(err)
    report = json.loads(out)
    outcomes = {r["url"]: r["outcome"] for r in report["results"]}
    assert outcomes == {fast[0]: "ok", fast[1]: "ok", slow[0]: "cancelled", slow[1]: "cancelled"}
    assert report["summary"]["total"] == 4
    assert report["summary"]["cancelled"] == 2
    assert report["summary"]["ok"] == 2


def test_sigint_with_jsonl_streams_then_cancels_the_rest(
    slow_site: tuple[SlowSite, ServerThread],
) -> None:
    site, server = slow_site
    urls = [server.url("/fast"), server.url("/slow/1"), server.url("/slow/2")]
    proc = spawn_cli(["--format", "jsonl", "--retries", "0", *urls])
    assert proc.stdout is not None
    first = json.loads(read_line(proc.stdout))
    assert (first["url"], first["outcome"]) == (urls[0], "ok")
    wait_until(lambda: site.in_flight == 2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert_quiet(err)
    rest = [json.loads(line) for line in out.splitlines()]
    assert {(r["url"], r["outcome"]) for r in rest} == {
        (urls[1], "cancelled"),
        (urls[2], "cancelled"),
    }
    assert "3 URLs" in err.decode(), "the summary still goes to stderr"


def test_sigint_still_writes_the_output_file(
    slow_site: tuple[SlowSite, ServerThread], tmp_path: Path
) -> None:
    site, server = slow_site
    out_file = tmp_path / "report.json"
    proc = spawn_cli(
        ["--format", "json", "-o", str(out_file), server.url("/fast"), server.url("/slow/1")]
    )
    wait_until(lambda: site.in_flight == 1 and site.done == ["/fast"])
    time.sleep(0.5)  # the client reads the fast answer
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert_quiet(err)
    assert out == b""
    report = json.loads(out_file.read_text())
    assert sorted(r["outcome"] for r in report["results"]) == ["cancelled", "ok"]


@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_stdout_closed_early_exits_quietly(
    slow_site: tuple[SlowSite, ServerThread], fmt: str
) -> None:
    """``urlcheck ... | head -1``: the reader goes away while results are still coming."""
    site, server = slow_site
    urls = [server.url(f"/fast/{n}") for n in range(3)]
    urls += [server.url(f"/slow/{n}") for n in range(50)]
    proc = spawn_cli(["--format", fmt, "--retries", "0", "--per-host", "60", "-v", *urls])
    assert proc.stdout is not None
    if fmt == "jsonl":
        assert json.loads(read_line(proc.stdout))["outcome"] == "ok"
    else:
        wait_until(lambda: site.in_flight == 50)
    proc.stdout.close()  # what head does after its first line
    site.released = True
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 141, "the documented exit code for a closed stdout"
    assert_quiet(err)


def test_head_dash_1_in_a_shell_pipeline(slow_site: tuple[SlowSite, ServerThread]) -> None:
    site, server = slow_site
    urls = [server.url("/fast"), *(server.url(f"/slow/{n}") for n in range(20))]
    command = [sys.executable, "-m", "checker", "--format", "jsonl", "--per-host", "30", *urls]
    pipeline = f"set -o pipefail; {shlex.join(command)} | head -1"
    proc = subprocess.Popen(
        ["bash", "-c", pipeline], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    line = read_line(proc.stdout)
    wait_until(lambda: site.in_flight == 20)
    site.released = True  # urlcheck writes again, into a pipe head has closed
    out, err = proc.communicate(timeout=10)
    assert json.loads(line)["url"] == server.url("/fast")
    assert out == b""
    assert_quiet(err)
    assert proc.returncode == 141


def test_sigint_before_the_run_starts() -> None:
    """Ctrl-C while the list is still being read from stdin: 130, one line, no traceback."""
    proc = spawn_cli(["-"], stdin=subprocess.PIPE)
    wait_until(lambda: handlers_installed(proc.pid))
    time.sleep(0.3)  # and, most likely, blocked reading stdin
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert_quiet(err)
    assert err.decode().count("\n") <= 1
    assert out == b""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_at_any_moment_of_start_up_exits_quietly_with_its_code(
    sig: signal.Signals,
) -> None:
    """A signal while the modules are still being imported. Python 3.11 can
    swallow its exception (a weakref callback of the import lock), wrap it
    (RuntimeError from a class's __set_name__), or, raised inside dataclasses'
    exec(), kill the process with SIGINT at exit although it was caught: each
    once showed here as exit -2, exit 3 or "Exception ignored" on stderr."""
    for step in range(16):
        proc = spawn_cli(["-"], stdin=subprocess.PIPE)
        wait_until(lambda: handlers_installed(proc.pid))  # noqa: B023 (used at once)
        time.sleep(step * 0.015)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
        assert (proc.returncode, out) == (128 + sig, b""), (step, err.decode())
        assert_quiet(err)
        assert err.decode().count("\n") <= 1, (step, err.decode())


def test_a_signal_whose_exception_python_swallowed_still_stops_before_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from checker.cli.signals import SignalTrap

    trap = SignalTrap()
    with trap.installed():

        class Owner:
            pass

        owner = Owner()
        keep = weakref.ref(owner, lambda _: trap._outside_loop(signal.SIGINT, None))
        del owner  # the callback raises; Python can only report it as unraisable
        assert keep() is None
        assert trap.received == [signal.SIGINT]
        with pytest.raises(KeyboardInterrupt):
            trap.checkpoint()
    assert "Exception ignored" not in capsys.readouterr().err


def test_a_signal_wrapped_in_another_exception_is_still_the_signal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import checker.cli
    import checker.cli.command
    from checker.cli.signals import SignalTrap

    trap = SignalTrap()

    def build() -> None:
        trap.received.append(signal.SIGTERM)
        raise RuntimeError("Error calling __set_name__")  # as 3.11 wraps a signal in one

    monkeypatch.setattr(checker.cli.command, "build", build)
    assert checker.cli._main(["-"], trap) == 143
    assert capsys.readouterr().err == "urlcheck: terminated\n"


def test_a_signal_wrapped_while_the_command_imports_is_still_the_signal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # _command imports before its handlers: an import the signal broke fails there.
    import checker.cli
    from checker.cli.signals import SignalTrap

    trap = SignalTrap()
    trap.received.append(signal.SIGINT)
    monkeypatch.setitem(sys.modules, "checker.cli.run", None)  # its import raises
    assert checker.cli._main(["-"], trap) == 130
    assert capsys.readouterr().err == "urlcheck: interrupted\n"


# --- SIGTERM (timeout, docker stop, a cancelled CI job) is handled like Ctrl-C ---------


def test_sigterm_writes_the_whole_report_to_the_output_file_and_exits_143(
    slow_site: tuple[SlowSite, ServerThread], tmp_path: Path
) -> None:
    site, server = slow_site
    out_file = tmp_path / "report.json"
    fast, slow = server.url("/fast"), [server.url(f"/slow/{n}") for n in range(3)]
    proc = spawn_cli(["--format", "json", "--retries", "0", "-o", str(out_file), fast, *slow])
    wait_until(lambda: site.in_flight == 3 and site.done == ["/fast"])
    time.sleep(0.5)  # the client reads the fast answer
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 143
    assert_quiet(err)
    assert out == b""
    report = json.loads(out_file.read_text())
    outcomes = {r["url"]: r["outcome"] for r in report["results"]}
    assert outcomes == {fast: "ok", **dict.fromkeys(slow, "cancelled")}
    assert report["summary"]["total"] == 4
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"], "no temporary file is left"


def test_sigterm_with_jsonl_cancels_the_rest(slow_site: tuple[SlowSite, ServerThread]) -> None:
    site, server = slow_site
    urls = [server.url("/fast"), server.url("/slow/1"), server.url("/slow/2")]
    proc = spawn_cli(["--format", "jsonl", "--retries", "0", *urls])
    assert proc.stdout is not None
    assert json.loads(read_line(proc.stdout))["outcome"] == "ok"
    wait_until(lambda: site.in_flight == 2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 143
    assert_quiet(err)
    assert {json.loads(line)["outcome"] for line in out.splitlines()} == {"cancelled"}
    assert "3 URLs" in err.decode()


@pytest.mark.parametrize(
    "second", [signal.SIGINT, signal.SIGTERM], ids=["then-sigint", "then-sigterm"]
)
def test_a_second_signal_ends_the_run_cleanly(
    slow_site: tuple[SlowSite, ServerThread], tmp_path: Path, second: int
) -> None:
    site, server = slow_site
    out_file = tmp_path / "report.json"
    urls = [server.url("/fast"), *(server.url(f"/slow/{n}") for n in range(20))]
    proc = spawn_cli(
        ["--format", "json", "--retries", "0", "--per-host", "30", "-o", str(out_file), *urls]
    )
    wait_until(lambda: site.in_flight == 20)
    proc.send_signal(signal.SIGINT)
    proc.send_signal(second)
    _, err = proc.communicate(timeout=10)
    # Sent back to back, the two may be taken in either order: the first names the code.
    assert proc.returncode in (130, 143)
    assert_quiet(err)
    report = json.loads(out_file.read_text())
    assert sorted(r["url"] for r in report["results"]) == sorted(urls)
    assert report["summary"]["total"] == 21
    assert report["summary"]["cancelled"] >= 20  # /fast too, if its answer was not read yet
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_many_signals_in_a_row_still_give_a_valid_report(
    slow_site: tuple[SlowSite, ServerThread],
) -> None:
    site, server = slow_site
    urls = [server.url(f"/slow/{n}") for n in range(10)]
    proc = spawn_cli(["--format", "json", "--retries", "0", "--per-host", "30", *urls])
    wait_until(lambda: site.in_flight == 10)
    for _ in range(5):
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.01)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 143
    assert_quiet(err)
    assert json.loads(out)["summary"]["cancelled"] == 10


def test_sigterm_before_the_run_starts() -> None:
    proc = spawn_cli(["-"], stdin=subprocess.PIPE)
    wait_until(lambda: handlers_installed(proc.pid))
    time.sleep(0.3)  # and, most likely, blocked reading stdin
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 143
    assert_quiet(err)
    assert err.decode().count("\n") <= 1
    assert out == b""


def _reading_a_pipe(pid: int) -> bool:
    try:
        return "pipe_read" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_sources_are_read_is_not_an_internal_error(
    sig: signal.Signals, code: int
) -> None:
    """Past start-up, inside the command: click turned the interrupt into its
    Abort (a blank line, then "internal error: Abort", exit 3)."""
    proc = spawn_cli(["-"], stdin=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not _reading_a_pipe(proc.pid):
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            pytest.skip("the kernel does not say where the process waits (/proc/PID/wchan)")
        time.sleep(0.02)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == code, err
    assert_quiet(err)
    assert err.decode() in ("urlcheck: interrupted\n", "urlcheck: terminated\n")
    assert out == b""


def test_a_signal_while_a_tree_is_parsed_in_workers(tmp_path: Path) -> None:
    """Ctrl-C while --jobs workers parse a tree: 130, one line, no worker left behind."""
    tree = tmp_path / "tree"
    tree.mkdir()
    page = "".join(f"[l{n}](https://e.example/{n})\n" for n in range(2000))
    for n in range(400):
        (tree / f"p{n:03}.md").write_text(page)
    proc = spawn_cli([str(tree), "--dump", "--jobs", "2"])
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    wait_until(lambda: children.exists() and bool(children.read_text().split()))
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert_quiet(err)
    assert err.decode() == "urlcheck: interrupted\n"
