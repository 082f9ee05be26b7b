"""Starting a worker process: forked where that is safe, else a fresh interpreter.

A fresh interpreter (``python -m checker.workers.child``) imports aiohttp,
pydantic and the checker again: about 1 s of CPU per worker on the 2-core
benchmark machine, as much as checking 3,000 URLs. A fork costs milliseconds
and inherits those imports. It is safe on Linux when no other thread runs
(a forked child would inherit a lock held mid-call by one), the rule
checker/sources/parallel.py follows for its parsers; the child then takes no
part in the parent's event loop (asyncio does not see a loop of another
process as running), resets the signals, and leaves with ``os._exit``, so
nothing the parent had buffered is flushed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path


class Handle:
    """A started worker: its two pipes, and how to wait for it or kill it."""

    def __init__(
        self, pid: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.pid = pid
        self.reader = reader
        self.writer = writer
        self.returncode: int | None = None
        self._exited: asyncio.Future[None] | None = None
        self.process: asyncio.subprocess.Process | None = None  # when spawned
        self.descriptors: list[int] = []  # the run's pipe ends, when forked

    def send(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)

    async def drain(self) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.drain()

    def close_input(self) -> None:
        self.writer.close()

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    async def wait(self) -> int:
        if self.process is not None:
            self.returncode = await self.process.wait()
            return self.returncode
        assert self._exited is not None
        await asyncio.shield(self._exited)
        assert self.returncode is not None
        return self.returncode

    def watch(self) -> None:
        """Reap the forked child when it exits, without a thread (a pidfd)."""
        loop = asyncio.get_running_loop()
        self._exited = loop.create_future()
        pidfd = os.pidfd_open(self.pid)

        def reap() -> None:
            loop.remove_reader(pidfd)
            os.close(pidfd)
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
            if self._exited is not None and not self._exited.done():
                self._exited.set_result(None)

        loop.add_reader(pidfd, reap)


def can_fork() -> bool:
    return sys.platform == "linux" and hasattr(os, "pidfd_open") and threading.active_count() == 1


async def start(number: int, inherited: list[int]) -> Handle:
    """Worker ``number``; ``inherited``: the parent's ends of the pipes to the
    workers started before, which a forked child must close (else a worker
    would not see its pipe end when the run dies)."""
    if can_fork():
        return await _fork(inherited)
    return await _spawn()


async def _fork(inherited: list[int]) -> Handle:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        with contextlib.suppress(Exception):
            stream.flush()
    pid = os.fork()
    if pid == 0:  # the worker; it never returns
        code = 70  # EX_SOFTWARE, should the worker itself fail
        try:
            for fd in (to_child_w, from_child_r, *inherited):
                os.close(fd)
            from checker.workers.child import forked

            forked(to_child_r, from_child_w)
            code = 0
        finally:
            os._exit(code)
    os.close(to_child_r)
    os.close(from_child_w)
    reader, writer = await connect(from_child_r, to_child_w)
    handle = Handle(pid, reader, writer)
    handle.descriptors = [from_child_r, to_child_w]
    handle.watch()
    return handle


async def _spawn() -> Handle:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "checker.workers.child",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdout is not None
    assert process.stdin is not None
    handle = Handle(process.pid, process.stdout, process.stdin)
    handle.process = process
    return handle


async def connect(
    incoming: int, outgoing: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Stream ends over two pipe descriptors (the worker's side does the same)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(incoming, "rb", buffering=0)
    )
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(outgoing, "wb", buffering=0)
    )
    return reader, asyncio.StreamWriter(transport, protocol, None, loop)


def _environment() -> dict[str, str]:
    """The worker imports this very package, wherever it was imported from."""
    import checker

    root = str(Path(checker.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env
