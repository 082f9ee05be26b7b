"""The Scaling panel's settings: splitting one input across machines (``--shard``).

A shard is a set of hosts, chosen by the stable host hash of
``checker.scheduler.hostkey.host_bucket``: every machine given the same input
and ``--shard K/N`` checks only the hosts of bucket K-1, so N machines check
every URL exactly once and each host is touched by one machine only.
``urlcheck merge`` joins their reports (checker/merge.py).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from checker.choices import Cli, Panel
from checker.optiontypes import MAX_SHARDS

_SPEC = re.compile(r"[ \t]*([0-9]{1,6})[ \t]*/[ \t]*([0-9]{1,6})[ \t]*\Z")


class Shard(BaseModel):
    """Shard ``index`` (1-based) of ``count``: written ``K/N``."""

    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=1, le=MAX_SHARDS)
    count: int = Field(ge=1, le=MAX_SHARDS)

    @model_validator(mode="after")
    def _within(self) -> Shard:
        if self.index > self.count:
            raise ValueError(f"shard {self.index}/{self.count}: K must be between 1 and N")
        return self

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.match(text)
        if match is None:
            # The text is shown cut short and escaped: it may be anything.
            raise ValueError(f"{text[:40]!r} is not K/N, e.g. 2/5 (shard 2 of 5)")
        index, count = int(match.group(1)), int(match.group(2))
        if not (1 <= count <= MAX_SHARDS):
            raise ValueError(f"N in {index}/{count} must be between 1 and {MAX_SHARDS}")
        if not (1 <= index <= count):
            raise ValueError(f"K in {index}/{count} must be between 1 and N ({count})")
        return cls(index=index, count=count)

    @property
    def text(self) -> str:
        return f"{self.index}/{self.count}"

    def __str__(self) -> str:
        return self.text


def _shard(value: Any) -> Any:
    return Shard.parse(value) if isinstance(value, str) else value


class ScaleSettings(BaseModel):
    shard: Annotated[
        Annotated[Shard, BeforeValidator(_shard)] | None,
        Cli(panel=Panel.SCALING, metavar="K/N"),
    ] = Field(
        default=None,
        description="Check only the hosts of shard K of N (1 <= K <= N), chosen by a stable "
        "hash of the host; the json or jsonl report records the shard for 'urlcheck merge'.",
    )

    @field_validator("shard")
    @classmethod
    def _not_with_crawl(cls, value: Shard | None, info: ValidationInfo) -> Shard | None:
        # A shard keeps the hosts of its share of the input before the run;
        # a crawl finds its URLs during the run, on any host.
        if value is not None and info.data.get("crawl"):
            raise ValueError("--shard splits a list of URLs; it does not apply to --crawl")
        return value
