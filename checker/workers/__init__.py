"""``--workers N``: a run over N worker processes, one event loop and one
session each, with the targets partitioned by host.

Each host belongs to exactly one worker (scheduler/hostkey:host_bucket), so
its ``--per-host`` limit, its pacing, backoff and HEAD habits hold as in one
process. The run (pool.py) keeps the one target index and the reporters: it
streams each worker its share, a bounded window at a time, and takes the
results back; the strategy's order and stopping are kept there. A worker
(child.py) runs the same check path a one-process run does.
"""

from __future__ import annotations

import os

from checker.settings import Settings


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def processes(settings: Settings, targets: int) -> int:
    """How many worker processes a run of ``targets`` uses: ``--workers``
    (``auto``: the usable cores), never more than the slots of
    ``--concurrency`` or the targets there are. 1 is no worker at all.

    A crawl runs in one process: its frontier grows from the pages it reads,
    and the index it grows lives in that process (checker/crawl/). So does a
    run with the store (--cache): its results are recorded as they are
    reported, by the run that reports them (engine.Run).
    """
    if settings.crawl or settings.cache:
        return 1
    wanted = usable_cores() if settings.workers == "auto" else settings.workers
    return max(1, min(wanted, settings.concurrency, targets))


def shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` as evenly as whole numbers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]
