"""The Checking panel's settings: what is checked, how many at once, what counts as ok."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from checker.choices import Cli, Fragments, Panel, RedirectPolicy, StrategyName
from checker.levels import AllowedRedirectItem, WarnRuleItem
from checker.optiontypes import (
    Accept,
    Processes,
    RegexItem,
    SchemeItem,
    StatusSet,
    Workers,
)

# The largest --max-page-size: a page is held in memory while it is parsed.
MAX_PAGE_SIZE = 1 << 30

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
        "(auto: one per usable core); --concurrency is split among them. --crawl and "
        "--cache run in one process.",
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
    fragments: Fragments = Field(
        default=Fragments.LOCAL,
        description="Check #anchors. local: in local files, same-document #x links "
        "included. all: on remote pages too (read with GET). off: never.",
    )
    max_page_size: Annotated[int, Field(ge=1024, le=MAX_PAGE_SIZE), Cli(metavar="BYTES")] = Field(
        default=10_000_000,
        description="Read at most this many bytes of a page whose anchors are checked; "
        "past it only the status is checked, and the result says so.",
    )
    warn: Annotated[tuple[WarnRuleItem, ...], Cli(metavar="RULE")] = Field(
        default=(),
        description="Report failures that match as warnings, which do not fail the run "
        "(repeatable): a status (403, 400..499), an error kind (timeout) or url:REGEX; "
        "several in one rule must all match: '403 url:^https://x\\.com/'.",
    )
    redirects: Annotated[RedirectPolicy, Cli()] = Field(
        default=RedirectPolicy.ALLOW,
        description="A link that is ok only after redirecting elsewhere: allow it, warn, or "
        "error (broken, error kind redirected), unless an --allowed-redirect allows it.",
    )
    allowed_redirects: Annotated[
        tuple[AllowedRedirectItem, ...],
        Cli(long="--allowed-redirect", metavar="'SOURCE_REGEX TARGET_REGEX'"),
    ] = Field(
        default=(),
        description="With --redirects warn|error: a redirect from a URL matching SOURCE_REGEX "
        "to one matching TARGET_REGEX is fine; both matched from the start, as Sphinx's "
        "linkcheck_allowed_redirects (repeatable).",
    )
