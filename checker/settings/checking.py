"""The Checking panel's settings: what is checked, how many at once, what counts as ok."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from checker.choices import Cli, Panel, StrategyName
from checker.optiontypes import (
    Accept,
    Processes,
    RegexItem,
    SchemeItem,
    StatusSet,
    Workers,
)

INPUTS, CHECKING, HTTP, OUTPUT = Panel.INPUTS, Panel.CHECKING, Panel.HTTP, Panel.OUTPUT


class CheckingSettings(BaseModel):
    strategy: Annotated[StrategyName, Cli()] = Field(
        default=StrategyName.AS_COMPLETED,
        description="gather: input order. as-completed: stream as they finish. "
        "first-completed: sliding window. first-exception: stop at the first failure.",
    )
    concurrency: Annotated[Workers, Cli(short="-c")] = Field(
        default=128, description="Requests in flight overall."
    )
    workers: Annotated[Processes, Cli(metavar="N|auto")] = Field(
        default=1,
        description="Worker processes, each checking the URLs of its share of the hosts "
        "(auto: one per usable core); --concurrency is split among them.",
    )
    per_host: Workers = Field(default=10, description="Requests in flight to one host.")
    accept: Annotated[Accept, Cli(metavar="STATUSES")] = Field(
        default=StatusSet.parse("200..299"),
        description="Statuses that count as ok, after redirects, e.g. 200..299,403.",
    )
    exclude: Annotated[tuple[RegexItem, ...], Cli(metavar="REGEX")] = Field(
        default=(), description="Regex; matching URLs are reported as excluded (repeatable)."
    )
    include: Annotated[tuple[RegexItem, ...], Cli(metavar="REGEX")] = Field(
        default=(), description="Regex; matching URLs are checked even if excluded (repeatable)."
    )
    scheme: Annotated[tuple[SchemeItem, ...], Cli(metavar="SCHEME")] = Field(
        default=(),
        description="Check only URLs with this scheme; others are excluded (repeatable).",
    )
    exclude_private: bool = Field(
        default=False,
        description="Exclude loopback, private, link-local and unique-local hosts, "
        "literal or after DNS resolution.",
    )
