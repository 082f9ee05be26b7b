"""The value types of settings: headers, status sets, remaps, report files, host tables.

Each type parses its own text form (``Header.parse("Name: value")``), and the
``*Item`` aliases let pydantic do it for one item of a list. Parsing per item
keeps an error's location precise (``exclude[2]``), which is how a merged
list tells the configuration file's items from the command line's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
)

from checker.choices import Format

_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*\Z")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")

# Upper bounds on option values. Past these a value is a typo or an attack
# rather than a setting, and some (a float too large for a timer) crash aiohttp.
MAX_WORKERS = 10_000
# Worker processes (--workers): one per core is the useful most; past this a typo.
MAX_PROCESSES = 256
MAX_SECONDS = 86_400.0  # a day
MAX_COUNT = 1_000  # retries, redirect hops
# --shard N: GitHub Actions runs at most 256 jobs of one matrix; past this a
# shard count is a typo, and every shard still reads the whole input.
MAX_SHARDS = 10_000

T = TypeVar("T")


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
        return cls.of(name, value)

    @classmethod
    def of(cls, name: str, value: str) -> Header:
        if not _TOKEN.match(name):
            raise ValueError(f"{name!r} is not a valid header name")
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"the value of header {name!r} contains a line break")
        return cls(name=name, value=SecretStr(value.strip()))


class StatusSet(BaseModel):
    """Accepted statuses, written like ``200..299,403``."""

    model_config = ConfigDict(frozen=True)

    ranges: tuple[tuple[int, int], ...]
    text: str
    _statuses: frozenset[int] = PrivateAttr(default=frozenset())

    def model_post_init(self, context: Any, /) -> None:
        self._statuses = frozenset(s for lo, hi in self.ranges for s in range(lo, hi + 1))

    @classmethod
    def parse(cls, text: str) -> StatusSet:
        """Ours, ``200..299`` (both ends included), and lychee's beside it:
        ``200..=299``, open ranges ``..299`` and ``200..``. A bare ``a..b`` keeps
        our meaning (lychee's excludes ``b``), so existing settings do not change."""
        ranges: list[tuple[int, int]] = []
        for raw in text.split(","):
            part = raw.strip()
            low, sep, high = part.partition("..")
            high = high.removeprefix("=") if sep else high
            if sep and not low and not high:
                raise ValueError(f"{part!r} names no status: write e.g. 200..299 or ..=299")
            try:
                lo = int(low) if low or not sep else 100
                hi = (int(high) if high else 999) if sep else lo
            except ValueError:
                raise ValueError(
                    f"{part!r} is not a status or a range like 200..299 or 200..=299"
                ) from None
            if not (100 <= lo <= hi <= 999):
                raise ValueError(f"{part!r} is not a range of HTTP statuses (100..999)")
            ranges.append((lo, hi))
        return cls(ranges=tuple(ranges), text=text)

    @property
    def statuses(self) -> frozenset[int]:
        """Every accepted status. The probe holds this set itself: a pydantic
        private attribute costs ~1.5 µs to reach, the set lookup 0.02 µs."""
        return self._statuses


class Remap(BaseModel):
    """One ``--remap 'REGEX REPLACEMENT'``: rewrites a URL before it is checked.

    REPLACEMENT is Python's ``re.sub`` template (``\\1``, ``\\g<name>``).
    """

    model_config = ConfigDict(frozen=True)

    pattern: re.Pattern[str]
    replacement: str

    @classmethod
    def parse(cls, text: str) -> Remap:
        parts = text.split()
        if len(parts) != 2:
            raise ValueError(f"{text!r} is not 'REGEX REPLACEMENT' (two words)")
        return cls(pattern=compile_regex(parts[0]), replacement=parts[1])


class ReportFile(BaseModel):
    """One ``--report FORMAT:PATH``: a report written to a file besides the main one."""

    model_config = ConfigDict(frozen=True)

    format: Format
    path: Path

    @classmethod
    def parse(cls, text: str) -> ReportFile:
        # Split at the first colon: formats have none, paths may.
        name, sep, path = text.partition(":")
        if not sep or not name.strip() or not path:
            raise ValueError(f"{text!r} is not FORMAT:PATH, e.g. junit:junit.xml")
        try:
            fmt = Format(name.strip().lower())
        except ValueError:
            raise ValueError(
                f"{name.strip()!r} is not a format (one of {', '.join(Format)})"
            ) from None
        return cls(format=fmt, path=Path(path))


def compile_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None


def host_pattern(text: str) -> str:
    """Normalise a host table's key: ``Docs.Example.com``, ``*.example.com``,
    or ``*`` (every host: defaults under the other tables).

    Lowercase and IDNA-encoded, as yarl's ``raw_host`` is, so matching is a
    plain dict lookup.
    """
    if text.strip() == "*":
        return "*"
    from yarl import URL

    from checker.urls import valid_host

    name = text.strip().lower().removesuffix(".")
    wildcard = name.startswith("*.")
    bare = name.removeprefix("*.")
    try:
        encoded = URL.build(scheme="http", host=bare).raw_host or ""
    except (ValueError, UnicodeError):
        encoded = ""
    if not encoded or not valid_host(encoded):
        raise ValueError(f"{text!r} is not a host name or a '*.domain' pattern")
    return "*." + encoded if wildcard else encoded


def scoped_header(text: str) -> tuple[str, Header]:
    """``HOST=Name: value``: a host cannot contain ``=`` and a header name
    cannot either, so the first ``=`` always separates them."""
    host, sep, header = text.partition("=")
    if not sep or ":" not in header:
        raise ValueError("write it as 'HOST=Name: value' (the text is not shown)")
    try:
        pattern = host_pattern(host)
    except ValueError:
        # Not echoed either: a forgotten HOST would put the value here.
        raise ValueError("HOST is not a host name or a '*.domain' pattern (not shown)") from None
    return pattern, Header.parse(header)


def http_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{text!r} is not an http:// or https:// URL")
    return text.strip()


def url_scheme(text: str) -> str:
    scheme = text.strip().lower().removesuffix(":")
    if not _SCHEME.match(scheme):
        raise ValueError(f"{scheme!r} is not a URL scheme")
    return scheme


def check_user_agent(value: str) -> str:
    if any(c in value for c in "\r\n\0"):
        raise ValueError("the user agent contains a line break")
    return value


def _from_text(parse: Callable[[str], T]) -> BeforeValidator:
    """Parse an item given as text; an item already parsed passes as it is."""
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


def _header(value: Any) -> Any:
    if isinstance(value, str):
        return Header.parse(value)
    if isinstance(value, tuple) and len(value) == 2:  # (name, value): a TOML table's item
        return Header.of(str(value[0]), str(value[1]))
    return value


HeaderItem = Annotated[Header, BeforeValidator(_header)]
RegexItem = Annotated[re.Pattern[str], _from_text(compile_regex)]
RemapItem = Annotated[Remap, _from_text(Remap.parse)]
ReportItem = Annotated[ReportFile, _from_text(ReportFile.parse)]
ScopedHeaderItem = Annotated[tuple[str, Header], _from_text(scoped_header)]
UrlItem = Annotated[str, _from_text(http_url)]
SchemeItem = Annotated[str, _from_text(url_scheme)]
Accept = Annotated[StatusSet, _from_text(StatusSet.parse)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Workers = Annotated[int, Field(ge=1, le=MAX_WORKERS)]
# A count of processes, or "auto": the usable cores (checker/workers/).
Processes = Annotated[int, Field(ge=1, le=MAX_PROCESSES)] | Literal["auto"]
Seconds = Annotated[float, Field(gt=0, le=MAX_SECONDS)]
Wait = Annotated[float, Field(ge=0, le=MAX_SECONDS)]


def listed(model: type[BaseModel], values: Any) -> Any:
    """The one rule for every list field (see :func:`as_list`).

    Applied to the raw input before any field is validated, so that a
    configuration file's ``exclude = "abc"`` is one regex, not three.
    """
    if not isinstance(values, dict):
        return values
    return {
        key: as_list(value) if is_list_field(model, key) else value for key, value in values.items()
    }


def as_list(value: Any) -> Any:
    """A list field's raw value as a list: a bare string is one item, and a
    table (a configuration file's ``headers = {Name = "value"}``) is its
    ``(name, value)`` pairs. Anything else is left for validation to judge."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list | tuple):
        return list(value)
    return value


def is_list_field(model: type[BaseModel], name: str) -> bool:
    field = model.model_fields.get(name)
    return field is not None and get_origin(field.annotation) is tuple
