"""The Checking panel's settings: what is checked, how many at once, what counts as ok."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from checker.choices import Cli, Panel, RedirectPolicy, StrategyName
from checker.levels import AllowedRedirectItem, WarnRuleItem
from checker.optiontypes import (
    Accept,
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
