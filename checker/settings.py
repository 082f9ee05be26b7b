"""The one settings model shared by the CLI and the library.

Every CLI option is a field here, with the same default, so ``--help``, the
README and library callers cannot drift apart. Header values are
``SecretStr``: they are masked in ``repr`` and never reach a report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from checker import __version__
from checker.choices import Format, Method, StrategyName

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


class Header(BaseModel):
    """One ``Name: value`` header. The value is secret by default."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: SecretStr

    @classmethod
    def parse(cls, text: str) -> Header:
        name, sep, value = text.partition(":")
        name = name.strip()
        if not sep or not _TOKEN.match(name):
            # Never echo the text: a header missing its colon is all value.
            raise ValueError("a header must be written 'Name: value' (the text is not shown)")
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"the value of header {name!r} contains a line break")
        return cls(name=name, value=SecretStr(value.strip()))


class StatusSet(BaseModel):
    """Accepted statuses, written like ``200..299,403``."""

    model_config = ConfigDict(frozen=True)

    ranges: tuple[tuple[int, int], ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> StatusSet:
        ranges: list[tuple[int, int]] = []
        for raw in text.split(","):
            part = raw.strip()
            low, sep, high = part.partition("..")
            try:
                lo, hi = int(low), int(high if sep else low)
            except ValueError:
                raise ValueError(f"{part!r} is not a status or a range like 200..299") from None
            if not (100 <= lo <= hi <= 999):
                raise ValueError(f"{part!r} is not a range of HTTP statuses (100..999)")
            ranges.append((lo, hi))
        return cls(ranges=tuple(ranges), text=text)

    def __contains__(self, status: object) -> bool:
        return isinstance(status, int) and any(lo <= status <= hi for lo, hi in self.ranges)


PositiveInt = Annotated[int, Field(ge=1)]


class Settings(BaseModel):
    """Everything that shapes a run. Defaults follow lychee unless the README says why not."""

    # Inputs stay out of error messages: a malformed header is all value.
    model_config = ConfigDict(
        extra="forbid", validate_default=True, frozen=True, hide_input_in_errors=True
    )

    strategy: StrategyName = StrategyName.AS_COMPLETED
    format: Format = Format.TEXT
    output: Path | None = None
    concurrency: PositiveInt = 128
    per_host: PositiveInt = 10
    timeout: Annotated[float, Field(gt=0)] = 20.0
    connect_timeout: Annotated[float, Field(gt=0)] = 10.0
    retries: Annotated[int, Field(ge=0)] = 2
    max_retry_wait: Annotated[float, Field(ge=0)] = 60.0
    method: Method = Method.AUTO
    accept: StatusSet = StatusSet.parse("200..299")
    max_redirects: Annotated[int, Field(ge=0)] = 10
    headers: tuple[Header, ...] = ()
    user_agent: str = f"urlcheck/{__version__}"
    insecure: bool = False
    exclude: tuple[re.Pattern[str], ...] = ()
    include: tuple[re.Pattern[str], ...] = ()
    quiet: bool = False
    verbose: bool = False

    @field_validator("accept", mode="before")
    @classmethod
    def _accept(cls, value: Any) -> Any:
        return StatusSet.parse(value) if isinstance(value, str) else value

    @field_validator("headers", mode="before")
    @classmethod
    def _headers(cls, value: Any) -> Any:
        return tuple(Header.parse(v) if isinstance(v, str) else v for v in value)

    @field_validator("exclude", "include", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> Any:
        return tuple(_compile(v) if isinstance(v, str) else v for v in value)

    @field_validator("user_agent")
    @classmethod
    def _user_agent(cls, value: str) -> str:
        if any(c in value for c in "\r\n\0"):
            raise ValueError("the user agent contains a line break")
        return value

    def exclusion(self, url: str) -> str | None:
        """Why ``url`` is excluded, or None. ``--include`` wins over ``--exclude``."""
        if not self.exclude or any(p.search(url) for p in self.include):
            return None
        for pattern in self.exclude:
            if pattern.search(url):
                return f"matches --exclude {pattern.pattern!r}"
        return None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every header value, so that output can be checked never to contain one."""
        return tuple(h.value.get_secret_value() for h in self.headers if h.value)


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
