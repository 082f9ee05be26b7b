"""The progress bar: on a terminal only, never on stdout, gone when the run ends.

The end-to-end tests run urlcheck as a real process whose stderr is a
pseudo-terminal, and replay what it wrote through pyte, a terminal emulator,
to see the screen a user would: the bar while checking, nothing after.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from typing import Any

import pyte
import pytest

from checker.choices import Format
from checker.models import Outcome, Result, Summary
from checker.progress import ProgressReporter
from checker.reporting import wanted
from checker.settings import Settings
from tests.conftest import ServerThread, SlowSite, spawn_cli

COLUMNS, LINES = 120, 24


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


TTY, PIPE = Stream(tty=True), Stream(tty=False)


@pytest.mark.parametrize(
    ("options", "stdout", "stderr", "environ", "expected"),
    [
        ({}, PIPE, TTY, {}, True),
        ({}, TTY, TTY, {}, True),  # text prints only after the bar is gone
        ({}, PIPE, PIPE, {}, False),
        ({"quiet": True}, PIPE, TTY, {}, False),
        ({}, PIPE, TTY, {"CI": "true"}, False),
        ({}, PIPE, TTY, {"CI": "1"}, False),
        ({}, PIPE, TTY, {"CI": "false"}, True),
        ({"format": Format.JSONL}, TTY, TTY, {}, False),  # lines would tear the bar
        ({"format": Format.JSONL, "output": "r.jsonl"}, TTY, TTY, {}, True),
        ({"progress": True}, PIPE, PIPE, {"CI": "true"}, True),
        ({"progress": True, "quiet": True}, PIPE, PIPE, {}, True),
        ({"progress": False}, PIPE, TTY, {}, False),
    ],
)
def test_when_the_bar_is_wanted(
    options: dict[str, object],
    stdout: Stream,
    stderr: Stream,
    environ: dict[str, str],
    expected: bool,
) -> None:
    assert wanted(Settings.model_validate(options), stdout, stderr, environ) is expected


def test_the_bar_counts_every_outcome_and_is_cleared_at_the_end() -> None:
    err = io.StringIO()
    reporter = ProgressReporter(err, force=True)
    reporter.start(4)
    for outcome in (Outcome.OK, Outcome.OK, Outcome.BROKEN, Outcome.ERROR):
        reporter.add(Result("http://x.test/", outcome))
    reporter.finish(Summary("gather", total=4, ok=2, broken=1, error=1))
    screen = replay(err.getvalue())
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err.getvalue())  # colours and cursor moves
    assert "4/4" in drawn
    assert "ok 2  broken 1  error 1" in drawn
    assert "ETA" in drawn
    assert not "".join(screen.display).strip()  # transient: nothing left on screen
    reporter.close()  # a second close is harmless


def replay(data: str) -> pyte.Screen:
    screen = pyte.Screen(COLUMNS, LINES)
    pyte.Stream(screen).feed(data)
    return screen


@pytest.fixture
def terminal() -> Iterator[type[Terminal]]:
    started: list[Terminal] = []

    class Started(Terminal):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    yield Started
    for term in started:
        term.close()


class Terminal:
    """urlcheck running with its stderr on a pseudo-terminal (stdout a pipe)."""

    def __init__(self, args: list[str], environ: dict[str, str] | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), **(environ or {}))
        env.pop("NO_COLOR", None)
        self.proc = spawn_cli(args, stderr=slave, stdin=subprocess.DEVNULL, env=env)
        os.close(slave)
        self.master = master
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.Stream(self.screen)
        self.written = ""

    def read(self, seconds: float) -> None:
        """Feed what the process writes to the terminal for ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError as exc:  # EIO: the process closed the terminal
                if exc.errno != errno.EIO:
                    raise
                return
            if not data:
                return
            self.written += data
            self.stream.feed(data)

    def wait(self) -> tuple[int, str]:
        stdout, _ = self.proc.communicate(timeout=10)
        self.read(1)
        self.close()
        return self.proc.returncode, stdout.decode()

    def close(self) -> None:
        """Also after a failed assertion: no process or descriptor outlives the test."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=10)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display).strip()


def test_on_a_terminal_the_bar_shows_live_counts_then_disappears(
    slow_site: tuple[SlowSite, ServerThread], terminal: type[Terminal]
) -> None:
    site, server = slow_site
    urls = [server.url("/ok/1"), server.url("/fail"), server.url("/slow")]
    term = terminal(["--retries", "0", *urls])
    deadline = time.monotonic() + 10
    while "2/3" not in term.text() and time.monotonic() < deadline:
        term.read(0.1)
    # Mid-run, while /slow is still in flight: done/total, counts, rate, ETA.
    screen = term.text()
    assert "checking" in screen
    assert "2/3" in screen
    assert "ok 1  broken 1  error 0" in screen
    assert "/s" in screen
    assert "ETA" in screen
    assert site.in_flight == 1
    site.released = True
    code, stdout = term.wait()
    assert code == 1
    assert "checking" not in term.text()  # cleared from the screen
    # stdout has the report and nothing of the bar.
    assert "\x1b" not in stdout
    assert "checking" not in stdout
    assert urls[1] in stdout


@pytest.mark.parametrize(
    ("args", "environ"),
    [(["--no-progress"], {}), (["-q"], {}), ([], {"CI": "true"})],
    ids=["--no-progress", "--quiet", "CI"],
)
def test_on_a_terminal_the_bar_stays_off_when_asked(
    slow_site: tuple[SlowSite, ServerThread],
    terminal: type[Terminal],
    args: list[str],
    environ: dict[str, str],
) -> None:
    _, server = slow_site
    term = terminal(["--retries", "0", *args, server.url("/ok")], environ)
    term.read(0.5)
    code, _ = term.wait()
    assert code == 0
    assert "checking" not in term.written


def test_progress_forces_the_bar_onto_a_pipe(
    slow_site: tuple[SlowSite, ServerThread],
) -> None:
    _, server = slow_site
    proc = spawn_cli(["--progress", "--retries", "0", server.url("/ok")])
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "checking" in err.decode()
    assert "checking" not in out.decode()
