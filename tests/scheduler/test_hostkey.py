"""The host hash --workers and --shard split a run by."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from checker.scheduler.hostkey import host_bucket


def test_a_host_lands_in_the_same_bucket_in_another_process() -> None:
    # Python's str hash is salted per process: a bucket taken from it would
    # send one host to two workers, or to two machines' shards.
    hosts = [f"h{i}.example" for i in range(50)]
    here = [host_bucket(h, 7) for h in hosts]
    code = (
        "from checker.scheduler.hostkey import host_bucket;"
        f"print([host_bucket(h, 7) for h in {hosts!r}])"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert there.stdout.strip() == str(here)


def test_buckets_are_in_range_and_spread() -> None:
    counts = Counter(host_bucket(f"host{i}.test", 4) for i in range(4000))
    assert set(counts) == {0, 1, 2, 3}
    assert min(counts.values()) > 800  # ~1000 each: no bucket starved


def test_one_bucket_and_the_hostless_queue_are_bucket_zero() -> None:
    assert host_bucket("a.test", 1) == 0
    assert host_bucket(None, 5) == 0
    assert host_bucket("\udcff.test", 3) in range(3)  # a lone surrogate from a bad byte
