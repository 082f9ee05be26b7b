"""File descriptors follow --concurrency, not the number of hosts.

aiohttp's connector limit counts connections in use; idle keep-alive sockets
come on top, one set per host. With 1,500 distinct hosts they exhausted the
file-descriptor limit and good links came back as ``connect [Too many open
files]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator

from checker.api import check_sync
from checker.models import Outcome, Target
from checker.probe import Probe
from checker.scheduler import Attempted
from checker.session import IdleCappedConnector, open_session
from checker.settings import Settings
from tests.hostile.servers import Behaviour, Replay, response, serving


class KeepAlive(Behaviour):
    """200 to every request, keeping the connection; counts connections open now."""

    def __init__(self) -> None:
        super().__init__()
        self.open = 0

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        try:
            await super().__call__(reader, writer)
        finally:
            self.open -= 1

    async def reply(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        await self.send(writer, head, response())
        return True


def _hosts(count: int) -> list[str]:
    """127.0.1.0, 127.0.1.1, …: all of 127/8 is loopback on Linux."""
    return [f"127.0.{1 + n // 250}.{n % 250 + 1}" for n in range(count)]


@contextlib.asynccontextmanager
async def _servers(behaviour: Behaviour, hosts: list[str]) -> AsyncIterator[list[str]]:
    servers = [await asyncio.start_server(behaviour, host, 0) for host in hosts]
    try:
        yield [
            f"http://{h}:{s.sockets[0].getsockname()[1]}/"
            for h, s in zip(hosts, servers, strict=True)
        ]
    finally:
        for server in servers:
            server.close()


async def test_idle_sockets_are_capped_at_the_concurrency() -> None:
    behaviour = KeepAlive()
    async with _servers(behaviour, _hosts(20)) as urls:
        settings = Settings(concurrency=3, retries=0)
        async with open_session(settings) as session:
            probe = Probe(session, settings)
            for n, url in enumerate(urls):
                attempt = await probe(Target(n, url, ()))  # one attempt
                assert isinstance(attempt, Attempted)
                assert attempt.result.outcome is Outcome.OK
            await asyncio.sleep(0.2)  # let the server see the closes
            connector = session.connector
            assert isinstance(connector, IdleCappedConnector)
            idle = sum(len(conns) for conns in connector._conns.values())
            assert idle <= 3
            assert behaviour.open <= 3, f"{behaviour.open} connections still open"


async def test_the_most_recent_hosts_keep_their_idle_socket() -> None:
    behaviour = KeepAlive()
    async with _servers(behaviour, _hosts(4)) as urls:
        settings = Settings(concurrency=2, retries=0)
        async with open_session(settings) as session:
            probe = Probe(session, settings)
            for n, url in enumerate(urls + urls[-2:]):
                await probe(Target(n, url, ()))
    assert behaviour.connections == 4, "the last two hosts' sockets were reused"


class _ServerThread:
    """A KeepAlive behaviour on many loopback addresses, from a thread."""

    def __init__(self, hosts: list[str]) -> None:
        self.behaviour = KeepAlive()
        self.hosts = hosts
        self.urls: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            async with _servers(self.behaviour, self.hosts) as urls:
                self.urls = urls
                self._ready.set()
                await self._stop.wait()

        loop = self._loop
        loop.run_until_complete(main())
        for task in asyncio.all_tasks(loop):  # handlers of connections still open
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0.05))
        loop.close()

    @contextlib.contextmanager
    def running(self) -> Iterator[list[str]]:
        self._thread.start()
        self._ready.wait(60)
        try:
            yield self.urls
        finally:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)


def _limit_files(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


def test_1500_hosts_do_not_exhaust_a_low_file_limit() -> None:
    """In a process that may open 200 files, 1,500 hosts at -c 16 are all ok."""
    server = _ServerThread(_hosts(1500))
    with server.running() as urls:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "checker",
                "--no-config",
                "--format",
                "json",
                "-c",
                "16",
                "--retries",
                "0",
                "-",
            ],
            input="\n".join(urls).encode(),
            capture_output=True,
            check=False,
            timeout=300,
            preexec_fn=lambda: _limit_files(200),
        )
    report = json.loads(done.stdout)
    failed = [r for r in report["results"] if r["outcome"] != "ok"]
    assert not failed, failed[:3]
    assert report["summary"]["total"] == 1500


def test_the_soft_file_limit_is_raised_to_what_the_run_needs() -> None:
    code = (
        "import resource; from checker.session import raise_fd_limit; raise_fd_limit(1000);"
        "print(*resource.getrlimit(resource.RLIMIT_NOFILE))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 4096)),
    )
    assert done.stdout.split() == ["1000", "4096"]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_run_leaves_no_file_descriptor_open() -> None:
    """The library may be called many times in one process (a docs server, a
    test suite): each run must give back every descriptor it took."""
    with serving(Replay(response())) as server:
        check_sync([server.url("/")], settings=Settings(retries=0))  # imports, caches
        before = _open_fds()
        for _ in range(3):
            check_sync([server.url("/")], settings=Settings(retries=0))
        # The server, in this process too, closes its side in its own time.
        deadline = time.monotonic() + 10
        while _open_fds() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _open_fds() <= before
