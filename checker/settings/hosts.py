"""One ``[hosts."PATTERN"]`` table of a configuration file: a host's own
limits, pace, headers, accepted statuses, timeout and method."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from checker.choices import Method
from checker.optiontypes import (
    Accept,
    HeaderItem,
    Seconds,
    Wait,
    Workers,
    check_user_agent,
    listed,
)


class HostPolicy(BaseModel):
    """One ``[hosts."PATTERN"]`` table. A field left unset inherits from a
    less specific pattern, then from the top-level setting (hostpolicy.py)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, hide_input_in_errors=True, allow_inf_nan=False
    )

    concurrency: Workers | None = None
    request_interval: Wait | None = None
    headers: tuple[HeaderItem, ...] = ()
    accept: Accept | None = None
    user_agent: str | None = None
    timeout: Seconds | None = None
    method: Method | None = None
    # false: never read this host's pages for anchors (--fragments all);
    # its links are checked by status alone.
    fragments: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, values: Any) -> Any:
        return listed(cls, values)

    @field_validator("user_agent")
    @classmethod
    def _user_agent(cls, value: str | None) -> str | None:
        return None if value is None else check_user_agent(value)
