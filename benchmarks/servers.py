"""Start and stop the benchmark servers (loopback only), as context managers.

    with Nginx(port) as server:              # nginx.conf.tmpl, foreground, temp prefix
        server.requests()                    # requests served so far
    with LatencyServer(port, delay=0.1) as server:
        server.reset_peaks(); ...; server.stats()

Both listen on 127.0.0.1 .. 127.0.0.<hosts> on one port, so a list spans that
many distinct hosts (Linux routes all of 127/8 to ``lo``). Each is stopped by
the PID of the process started here. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Self

HERE = Path(__file__).resolve().parent


def loopback_hosts(count: int) -> list[str]:
    if not 1 <= count <= 254:
        raise ValueError("hosts must be 1..254")
    return [f"127.0.0.{i}" for i in range(1, count + 1)]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_listening(
    hosts: list[str], port: int, proc: subprocess.Popen[Any], timeout: float = 15.0
) -> None:
    deadline = time.monotonic() + timeout
    pending = list(hosts)
    while pending and time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with rc={proc.returncode}")
        try:
            with socket.create_connection((pending[0], port), timeout=0.5):
                pending.pop(0)
        except OSError:
            time.sleep(0.05)
    if pending:
        raise RuntimeError(f"server not listening on {pending[0]}:{port} after {timeout}s")


def stop(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL, to the one process we started."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def http_get(host: str, port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().read()
    finally:
        conn.close()


class Nginx:
    """Debian's nginx, one worker, keep-alive, no access log."""

    def __init__(self, port: int, hosts: int = 21, workers: int = 1, root: Path | None = None):
        self.port = port
        self.hosts = loopback_hosts(hosts)
        self.workers = workers
        self.root = root or Path(tempfile.gettempdir())
        self.proc: subprocess.Popen[bytes] | None = None
        self.prefix: Path | None = None

    def __enter__(self) -> Self:
        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is already in use on 127.0.0.1")
        self.root.mkdir(parents=True, exist_ok=True)
        self.prefix = Path(tempfile.mkdtemp(prefix="nginx-", dir=self.root))
        (self.prefix / "tmp").mkdir()
        listen = "\n".join(f"        listen {h}:{self.port} backlog=4096;" for h in self.hosts)
        subst = {"@PREFIX@": str(self.prefix), "@WORKERS@": str(self.workers), "@LISTEN@": listen}
        lines = []
        for raw in (HERE / "nginx.conf.tmpl").read_text().splitlines():
            line = raw
            if not line.lstrip().startswith("#"):  # comments keep their placeholders
                for key, value in subst.items():
                    line = line.replace(key, value)
            lines.append(line)
        conf = self.prefix / "nginx.conf"
        conf.write_text("\n".join(lines) + "\n")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        cmd = [nginx, "-p", str(self.prefix), "-e", str(self.prefix / "error.log"), "-c", str(conf)]
        log = (self.prefix / "stdout.log").open("wb")
        self.proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        try:
            wait_listening(self.hosts, self.port, self.proc)
        except RuntimeError as exc:
            error_log = self.prefix / "error.log"
            detail = error_log.read_text()[-2000:] if error_log.exists() else ""
            self.__exit__()
            raise RuntimeError(f"nginx failed to start ({exc}): {detail}") from None
        return self

    def requests(self) -> int:
        """Requests served so far, this one included (stub_status)."""
        body = http_get(self.hosts[0], self.port, "/__stats").decode()
        # "Active connections: 1 \nserver accepts handled requests\n 5 5 7 \n..."
        return int(body.splitlines()[2].split()[2])

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None
        if self.prefix is not None:
            shutil.rmtree(self.prefix, ignore_errors=True)
            self.prefix = None


class LatencyServer:
    """latency_server.py: every answer ``delay`` seconds after its request."""

    def __init__(self, port: int, hosts: int = 21, delay: float = 0.1, python: str | None = None):
        self.port = port
        self.hosts = loopback_hosts(hosts)
        self.delay = delay
        self.python = python or sys.executable
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is already in use on 127.0.0.1")
        cmd = [
            self.python,
            str(HERE / "latency_server.py"),
            *("--port", str(self.port), "--hosts", str(len(self.hosts))),
            *("--delay", str(self.delay), "--max-seconds", "7200"),
        ]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY"):
            self.__exit__()
            raise RuntimeError(f"latency_server failed to start: {line!r}")
        wait_listening(self.hosts, self.port, self.proc)
        return self

    def stats(self, reset: bool = False) -> dict[str, Any]:
        body = http_get(self.hosts[0], self.port, "/__stats?reset" if reset else "/__stats")
        stats: dict[str, Any] = json.loads(body)
        return stats

    def requests(self) -> int:
        return int(self.stats()["requests"])

    def reset_peaks(self) -> None:
        self.stats(reset=True)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop(self.proc)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.proc = None
