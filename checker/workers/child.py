"""One worker process: ``python -m checker.workers.child``.

It checks the targets the run sends it, down the same path a one-process run
takes (engine:checks: one session, the strategy, the scheduler, the gate and
the probe), and sends the results back in batches. Its share of the targets
is every host of one bucket (checker/scheduler/hostkey:host_bucket), so each
host's limits, backoff and HEAD habits live here and nowhere else.

The pipes are stdin and stdout, moved aside at once: fd 1 then points at
stderr, so a stray print cannot corrupt the stream of messages. Ctrl-C and
SIGTERM are left to the run, which stops its workers and writes the report
(a worker killed by them would turn a cancelled run into lost URLs). A run
that goes away closes the pipe, and the worker stops.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from typing import Any

from checker.workers.wire import Start, WireError, encode, pack, receive


def main() -> None:
    """A fresh interpreter, its pipes on stdin and stdout."""
    incoming, outgoing = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    _run(incoming, outgoing)


def forked(incoming: int, outgoing: int) -> None:
    """A fork of the run (checker/workers/process.py): its stdin and stdout are
    the run's, and stay untouched."""
    signal.set_wakeup_fd(-1)  # the run's loop's, not ours
    _run(incoming, outgoing)


def _run(incoming: int, outgoing: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.dup2(2, 1)  # a stray print goes to stderr, not into a pipe or the report
    from checker.runner import run_loop

    run_loop(_serve(incoming, outgoing))


class Outbox:
    """Results go out in batches: one write per turn of the loop, not per result."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._batch: list[Any] = []
        self._loop = asyncio.get_running_loop()

    def add(self, result: Any) -> None:
        if not self._batch:
            self._loop.call_soon(self.flush)
        self._batch.append(result)

    def flush(self) -> None:
        if self._batch and not self._writer.is_closing():
            self._writer.write(encode(("results", self._batch)))
        self._batch = []


async def _serve(incoming: int, outgoing: int) -> None:
    from checker.engine import checks
    from checker.models import Target
    from checker.redact import forms, redact
    from checker.scheduler.feed import Feed
    from checker.workers.process import connect

    reader, writer = await connect(incoming, outgoing)
    start = await receive(reader)
    if not isinstance(start, Start):
        return
    settings = start.settings
    secrets = forms(settings.secrets)
    host_stats: dict[str, Any] | None = {} if settings.host_stats else None
    feed = Feed()
    outbox = Outbox(writer)

    async def check_all() -> None:
        checked = checks(settings, feed, settings.concurrency, start.ignore, host_stats)
        async for result in checked:
            given = result.sources
            masked = redact(result, secrets)
            if masked.sources is given:  # unmasked: the run holds them, no need to send them
                masked.sources = ()
            outbox.add(pack(masked))

    def targets(batch: list[tuple[int, str, Any]]) -> Iterator[Target]:
        for index, url, sources in batch:
            yield Target(index, url, sources)

    async def listen(task: asyncio.Task[None]) -> None:
        try:
            while (message := await receive(reader)) is not None and message[0] != "stop":
                if message[0] == "targets":
                    feed.put(targets(message[1]))
                elif message[0] == "end":
                    feed.close()
        except WireError:
            pass
        task.cancel()  # stopped, or the run is gone

    task = asyncio.create_task(check_all())
    listener = asyncio.create_task(listen(task))
    try:
        await task
    except asyncio.CancelledError:
        pass
    finally:
        listener.cancel()
    outbox.flush()
    try:
        writer.write(encode(("done", host_stats)))
        await writer.drain()
        writer.close()
    except (ConnectionError, OSError):
        pass  # the run is gone: nobody to tell


if __name__ == "__main__":
    main()
