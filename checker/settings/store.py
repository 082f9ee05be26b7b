"""The Cache panel's settings: the store of earlier results
(checker/store/), what of it is reused, and which failures fail the run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from checker.choices import Cli, FailOnMode, Panel
from checker.durations import MAX_DURATION, as_duration
from checker.optiontypes import MAX_COUNT, StatusSet

CACHE = Panel.CACHE


class FailOn(BaseModel):
    """``any``, ``new`` or ``persistent:N`` (N consecutive failing checks)."""

    model_config = ConfigDict(frozen=True)

    mode: FailOnMode
    runs: int = 1
    text: str

    @classmethod
    def parse(cls, text: str) -> FailOn:
        word, sep, count = text.strip().lower().partition(":")
        try:
            mode = FailOnMode(word)
        except ValueError:
            raise ValueError(f"{text[:40]!r} is not any, new or persistent:N") from None
        if mode is not FailOnMode.PERSISTENT:
            if sep:
                raise ValueError(f"--fail-on {word} takes no count")
            return cls(mode=mode, text=word)
        if not count.isascii() or not count.isdigit() or len(count) > 4:
            raise ValueError(f"{text[:40]!r}: write persistent:N with N a number of runs, e.g. 3")
        runs = int(count)
        if not 1 <= runs <= MAX_COUNT:
            raise ValueError(f"persistent:N takes N from 1 to {MAX_COUNT}")
        return cls(mode=mode, runs=runs, text=f"persistent:{runs}")


def _fail_on(value: Any) -> Any:
    return FailOn.parse(value) if isinstance(value, str) else value


def _statuses(value: Any) -> Any:
    return StatusSet.parse(value) if isinstance(value, str) else value


Age = Annotated[float, BeforeValidator(as_duration), Field(ge=0, le=MAX_DURATION)]


class StoreSettings(BaseModel):
    cache: Annotated[bool, Cli(panel=CACHE)] = Field(
        default=False,
        description="Keep results and their history in a store (SQLite), and reuse recent "
        "ok results without a request.",
    )
    cache_file: Annotated[
        Path | None,
        Cli(
            panel=CACHE,
            metavar="PATH",
            default_help=".urlcheck/cache.sqlite at the repository root, else here",
        ),
    ] = Field(default=None, description="Where the store lives.")
    max_cache_age: Annotated[Age, Cli(panel=CACHE, metavar="DURATION", default_help="1d")] = Field(
        default=86_400.0,
        description="Reuse a stored result this young, e.g. 1d, 6h, 30m (0: never reuse).",
    )
    cache_status: Annotated[
        StatusSet | None, BeforeValidator(_statuses), Cli(panel=CACHE, metavar="STATUSES")
    ] = Field(
        default=None,
        description="Broken results with these statuses may be reused too, e.g. 404,410 "
        "(ok ones always are).",
    )
    fail_on: Annotated[
        FailOn, BeforeValidator(_fail_on), Cli(panel=CACHE, metavar="any|new|persistent:N")
    ] = Field(
        default=FailOn(mode=FailOnMode.ANY, text="any"),
        description="What fails the run (with --cache): any failure; new ones (ok or unseen "
        "in the previous check); or those failing N runs in a row. Flaky links count only "
        "with any.",
    )

    @field_validator("fail_on")
    @classmethod
    def _needs_cache(cls, value: FailOn, info: ValidationInfo) -> FailOn:
        if value.mode is not FailOnMode.ANY and not info.data.get("cache"):
            raise ValueError(f"--fail-on {value.text} needs the store's history: add --cache")
        return value
