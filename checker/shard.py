"""``--shard K/N``: keep the hosts of one shard, and stamp its report.

Which shard owns a URL: ``host_bucket(host_of(url), N) + 1``, the stable
host hash that ``--workers`` uses too (checker/scheduler/hostkey.py). A URL
without a readable host (a relative link, ``mailto:``, an invalid URL) is in
bucket 0, so shard 1 reports it: every URL lands in exactly one shard. The
URLs of the other shards are dropped from the index before the run, so they
are neither requested nor reported; ``urlcheck merge`` adds the shards up.

The stamp, written into the json report (a ``"shard"`` key) and as the first
line of the jsonl report, lets the merge refuse an incomplete or
inconsistent set. Its ``inputs`` fingerprint is the SHA-256 of:

- the sorted unique URLs of the *whole* input (before sharding), after
  relative resolution and ``--remap``; and
- the settings that can change an outcome: every setting except where the
  report goes and how it looks, how many processes and connections run it,
  and the shard itself (:data:`NOT_OUTCOME`), as canonical JSON with every
  secret masked, so that no secret is written in any form.

Shards of one command on one checkout share it; a different input, or an
``--accept`` given to one machine only, does not.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from checker.models import Target
from checker.redact import Masker
from checker.scheduler.hostkey import host_bucket, host_of
from checker.settings import Settings, Shard
from checker.targets import TargetIndex

# Settings that change where a report goes, how it looks, or how many
# processes and connections produce it, never which outcome a URL gets.
NOT_OUTCOME = frozenset(
    {
        "shard",
        "workers",
        "jobs",
        "concurrency",
        "format",
        "output",
        "reports",
        "quiet",
        "verbose",
        "progress",
        "ci_annotations",
        "host_stats",
        "dump",
        "fix",
        "dry_run",
        "debug",
    }
)
_VERSION = b"urlcheck inputs v1\0"
_HOSTS_REMEMBERED = 100_000


@dataclass(frozen=True, slots=True)
class ShardStamp:
    """What a shard's report says of itself (the ``Shard`` of checker/schema.py)."""

    index: int  # K, 1-based
    count: int  # N
    inputs: str  # the fingerprint: 64 hex digits
    urls: int  # unique URLs in this shard: the results its report holds
    input_urls: int  # unique URLs in the whole input, every shard's
    strategy: str  # the --strategy: a merged summary names it, jsonl or json alike

    @property
    def text(self) -> str:
        return f"{self.index}/{self.count}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.count,
            "inputs": self.inputs,
            "urls": self.urls,
            "input_urls": self.input_urls,
            "strategy": self.strategy,
        }


def shard_of(url: str, count: int) -> int:
    """The shard (1-based) that checks ``url``; hostless URLs are shard 1's."""
    return host_bucket(host_of(Target(0, url, ())), count) + 1


def settings_digest_text(settings: Settings) -> str:
    """The settings part of the fingerprint: canonical JSON, secrets masked."""
    values = settings.model_dump(mode="json", exclude=set(NOT_OUTCOME))
    text = json.dumps(values, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return Masker.of(settings.secrets).text(text)


class _Mine:
    """Whether a URL is this shard's, asked once per URL: the host's bucket
    is remembered (hosts repeat; the digest costs as much as the rest)."""

    def __init__(self, shard: Shard) -> None:
        self._count = shard.count
        self._bucket = shard.index - 1
        self._buckets: dict[str | None, int] = {}

    def __call__(self, url: str) -> bool:
        host = host_of(Target(0, url, ()))
        bucket = self._buckets.get(host)
        if bucket is None:
            if len(self._buckets) >= _HOSTS_REMEMBERED:
                self._buckets.clear()  # a list of a million hosts: memory stays bounded
            bucket = self._buckets[host] = host_bucket(host, self._count)
        return bucket == self._bucket


def fingerprint(settings: Settings, index: TargetIndex) -> str:
    digest = hashlib.sha256(_VERSION)
    part = settings_digest_text(settings).encode()
    digest.update(len(part).to_bytes(8, "big") + part)
    for url in index.sorted_urls():
        # Length-prefixed: no URL, however written, can shift the next one's bytes.
        raw = url.encode("utf-8", "surrogatepass")
        digest.update(len(raw).to_bytes(8, "big") + raw)
    return digest.hexdigest()


def select(index: TargetIndex, shard: Shard, settings: Settings) -> ShardStamp:
    """Keep only ``shard``'s URLs in ``index``, and return the stamp for its report."""
    inputs = fingerprint(settings, index)
    total = len(index)
    if shard.count > 1:
        index.keep(_Mine(shard))
    return ShardStamp(
        shard.index, shard.count, inputs, len(index), total, str(settings.strategy.value)
    )
