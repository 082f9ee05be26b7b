"""The public JSON contract as pydantic models, for ``urlcheck schema`` and ``schema/``.

A run never builds these: results are slots dataclasses on the hot path
(models.py), about 80 bytes and 0.35 µs each against about 1 KB and 0.9 µs
for a pydantic model. These models only describe the dicts those
dataclasses' ``to_dict()`` produce; ``tests/reporters/test_json_schema.py``
validates real output against the generated schema and fails when
``schema/*.json`` drifts.

Regenerate after a change: ``urlcheck schema report > schema/report.schema.json``
and ``urlcheck schema result > schema/result.schema.json``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic.json_schema import GenerateJsonSchema, SkipJsonSchema

from checker.choices import SchemaName, StrategyName
from checker.models import ErrorKind, Outcome

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _one_of(values: type[StrEnum], description: str) -> WithJsonSchema:
    """An enum inlined as a plain list of strings, so the schema carries the
    public values and not the Python classes' docstrings."""
    return WithJsonSchema(
        {"type": "string", "enum": [v.value for v in values], "description": description}
    )


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class _Model(BaseModel):
    # Exact: a key that to_dict() adds without the schema knowing fails the tests.
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    """One place the URL was read from."""

    path: str = Field(
        description="the file, '-' for standard input, '<arg>' for a command-line argument"
    )
    line: int = Field(ge=1, description="1-based line in the file, or the argument's position")
    # Absent rather than null when unknown, so the schema shows no null and no default.
    column: Annotated[int, Field(ge=1)] | SkipJsonSchema[None] = Field(
        default=None,
        description="1-based column, when the link was found in a document",
        json_schema_extra=_no_default,
    )


class Failure(_Model):
    """Why no usable HTTP response came back."""

    kind: Annotated[
        ErrorKind,
        _one_of(
            ErrorKind,
            "a stable identifier to match on (--warn takes it too); internal: urlcheck met a "
            "bug while checking this URL (the message names it; please report it), and the "
            "run exits 3; redirected: with --redirects warn|error, the URL was ok only after "
            "redirecting elsewhere (outcome broken)",
        ),
    ]
    message: str = Field(description="a human-readable explanation")


class Health(_Model):
    """With ``--cache``: a URL's record in the store, as of this run."""

    first_failed_at: str | None = Field(
        description="when the current run of failures began (ISO 8601, UTC); null when ok"
    )
    consecutive_failures: int = Field(ge=0, description="failed checks in a row, this one included")
    last_ok_at: str | None = Field(description="the last check that was ok; null if none")
    flaky: bool = Field(
        description="the outcome flipped between ok and failed at least twice in the last 10 checks"
    )
    new: bool = Field(description="failed now, and ok (or never seen) in its previous check")
    counts: bool = Field(description="whether this failure fails the run under --fail-on")


class Result(_Model):
    """What became of one unique URL: one RESULT, one jsonl line."""

    model_config = ConfigDict(title="RESULT")

    url: str = Field(description="the URL as written in the source")
    outcome: Annotated[
        Outcome,
        _one_of(
            Outcome,
            "ok: the final status is accepted; broken: a response with a status not accepted "
            "(or a redirect --redirects refuses, or a missing local file); "
            "error: no usable response; excluded: matched --exclude, never requested; "
            "cancelled: stopped before it finished by fail-fast, Ctrl-C (exit 130) "
            "or SIGTERM (exit 143)",
        ),
    ]
    status: int | None = Field(ge=100, le=999, description="final HTTP status, after redirects")
    final_url: str | None = Field(description="the URL that gave the final status")
    redirects: list[str] = Field(
        description="each URL a redirect led to, in order (the last is final_url)"
    )
    error: Failure | None = Field(
        description="set when the outcome is error, and on a broken result that has no "
        "status of its own to blame (missing_file, missing_fragment, redirected)"
    )
    elapsed_ms: float | None = Field(
        ge=0, description="time of the last attempt, from when its request started"
    )
    attempts: int = Field(ge=0, description="attempts made (1 + retries used); 0 when never sent")
    sources: list[Source] = Field(
        description="the places the URL was read from, in reading order; at most the first 100"
    )
    sources_total: int = Field(
        ge=0, description="every place the URL was read from, counting those past the 100 listed"
    )
    reason: str | None = Field(
        description="why the URL was excluded; on an ok http:// URL with --require-https, "
        "'also answers over https: use URL'; null otherwise"
    )
    moved_to: str | SkipJsonSchema[None] = Field(
        default=None,
        description="where the permanent redirects (301/308) that began the chain led: "
        "the URL to use instead (--fix writes it); absent otherwise",
        json_schema_extra=_no_default,
    )
    suggestion: str | SkipJsonSchema[None] = Field(
        default=None,
        description="with --suggest, for a broken or errored URL: an archived copy from "
        "the Wayback Machine; absent otherwise",
        json_schema_extra=_no_default,
    )
    warning: str | SkipJsonSchema[None] = Field(
        default=None,
        description="why this failure (broken or error) is reported as a warning, which does "
        "not fail the run: the --warn rule that matched ('--warn 403') or '--redirects warn'; "
        "absent otherwise",
        json_schema_extra=_no_default,
    )
    health: Health | SkipJsonSchema[None] = Field(
        default=None,
        description="with --cache: what the store remembers of this URL's earlier checks; "
        "absent otherwise",
        json_schema_extra=_no_default,
    )
    cached: bool | SkipJsonSchema[None] = Field(
        default=None,
        description="with --cache: true when the result was reused from the store, "
        "without a request; absent otherwise",
        json_schema_extra=_no_default,
    )
    checked_at: str | SkipJsonSchema[None] = Field(
        default=None,
        description="with cached: when the reused result was checked (ISO 8601, UTC)",
        json_schema_extra=_no_default,
    )


class Summary(_Model):
    """Counts by outcome; they add up to total."""

    total: int = Field(ge=0)
    ok: int = Field(ge=0)
    broken: int = Field(ge=0)
    error: int = Field(ge=0)
    excluded: int = Field(ge=0)
    cancelled: int = Field(ge=0)
    warnings: int = Field(
        ge=0,
        description="failures reported as warnings (counted in broken, error or cancelled "
        "too); they do not fail the run",
    )
    duration_s: float = Field(ge=0, description="wall-clock seconds for the whole run")
    strategy: Annotated[StrategyName, _one_of(StrategyName, "the --strategy that ran")]


class HostStats(_Model):
    """``--host-stats``: what one host was asked and how it answered."""

    requests: int = Field(ge=0, description="attempts, retries included")
    ok: int = Field(ge=0, description="URLs on this host that were ok")
    broken: int = Field(ge=0, description="URLs on this host that were broken")
    error: int = Field(ge=0, description="URLs on this host that errored")
    excluded: int = Field(ge=0, description="URLs on this host that were excluded")
    cancelled: int = Field(ge=0, description="URLs on this host that were cancelled")
    throttled: int = Field(ge=0, description="rate limits: 429, and 503 with Retry-After")
    rate_limit_steps: int = Field(ge=0, description="bursts of rate limits, each slowing the host")
    server_errors: int = Field(ge=0, description="5xx answers without Retry-After")
    not_tried: int = Field(ge=0, description="URLs not tried: the host was unreachable")
    concurrency: int = Field(ge=0, description="requests in flight allowed at the end")
    head: str = Field(description="head, get-first (HEAD answers wrong) or trusted")
    time_s: float = Field(ge=0, description="time spent in requests")
    waited_s: float = Field(ge=0, description="time its URLs spent queued for the host or a slot")
    interval_s: float = Field(ge=0, description="the interval between requests at the end")
    max_interval_s: float = Field(ge=0, description="the largest interval kept")
    mean_ms: float | None = Field(
        ge=0, description="mean elapsed_ms of the URLs' last attempts; null when none was timed"
    )
    max_ms: float | None = Field(
        ge=0, description="largest elapsed_ms of a last attempt; null when none was timed"
    )


class Report(_Model):
    """The document ``urlcheck --format json`` writes. Key order carries no meaning."""

    model_config = ConfigDict(title="urlcheck report")

    results: list[Result] = Field(description="one RESULT per unique URL")
    summary: Summary
    hosts: dict[str, HostStats] | SkipJsonSchema[None] = Field(
        default=None,
        description="only with --host-stats: figures per host name (as requested: "
        "lower-case, IDNA-encoded; '(no host)' for URLs without one), busiest first",
        json_schema_extra=_no_default,
    )


MODELS: dict[SchemaName, type[BaseModel]] = {
    SchemaName.REPORT: Report,
    SchemaName.RESULT: Result,
}


class _Generator(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # "Final Url" for final_url says nothing the name does not


def json_schema(name: SchemaName) -> dict[str, Any]:
    return {"$schema": DIALECT, **MODELS[name].model_json_schema(schema_generator=_Generator)}


def render(name: SchemaName) -> str:
    """The schema as committed in ``schema/``: indented, UTF-8, one final newline."""
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n"
