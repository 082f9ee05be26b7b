"""The Output and Configuration panels' settings: where the report goes and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from checker.choices import Cli, Format, Panel
from checker.optiontypes import (
    ReportFile,
    ReportItem,
    http_url,
)

INPUTS, CHECKING, HTTP, OUTPUT = Panel.INPUTS, Panel.CHECKING, Panel.HTTP, Panel.OUTPUT


class OutputSettings(BaseModel):
    format: Annotated[Format, Cli(panel=OUTPUT)] = Field(
        default=Format.TEXT, description="Report format."
    )
    output: Annotated[Path | None, Cli(panel=OUTPUT, short="-o", metavar="PATH")] = Field(
        default=None, description="Write the report here (atomically), not stdout."
    )
    # After output: its validator compares with it.
    reports: Annotated[
        tuple[ReportItem, ...], Cli(panel=OUTPUT, long="--report", metavar="FORMAT:PATH")
    ] = Field(
        default=(),
        description="Also write a report in FORMAT to PATH, e.g. junit:junit.xml (repeatable).",
    )
    quiet: Annotated[bool, Cli(panel=OUTPUT, short="-q")] = Field(
        default=False, description="Print failures only; no summary."
    )
    verbose: Annotated[bool, Cli(panel=OUTPUT, short="-v")] = Field(
        default=False, description="Also list the URLs that are ok."
    )
    progress: Annotated[
        bool | None, Cli(panel=OUTPUT, default_help="on a terminal, unless -q or CI is set")
    ] = Field(default=None, description="A progress bar on stderr.")
    ci_annotations: Annotated[bool, Cli(panel=OUTPUT)] = Field(
        default=True,
        description="Inside GitHub Actions, also print annotations with the text report and "
        "write the Markdown report to $GITHUB_STEP_SUMMARY.",
    )
    host_stats: Annotated[bool, Cli(panel=OUTPUT)] = Field(
        default=False,
        description='Per-host requests, outcomes, time and backoff: a "hosts" object in '
        "json, a table on stderr otherwise.",
    )
    dump: Annotated[bool, Cli(panel=OUTPUT, negatable=False)] = Field(
        default=False, description="List the links that would be checked, with sources; check none."
    )
    fix: Annotated[bool, Cli(panel=OUTPUT)] = Field(
        default=False,
        description="Rewrite links that moved permanently (301/308) in the local files "
        "they were read from, where written verbatim; each file atomically.",
    )
    dry_run: Annotated[bool, Cli(panel=OUTPUT, negatable=False)] = Field(
        default=False,
        description="With --fix: write nothing, print the unified diff on stderr.",
    )
    suggest: Annotated[bool, Cli(panel=OUTPUT)] = Field(
        default=False,
        description="For each broken or errored link, ask the Wayback Machine for an "
        "archived copy and add it to the result (suggestion).",
    )
    wayback_url: Annotated[str, Cli(panel=OUTPUT, metavar="URL")] = Field(
        default="https://archive.org",
        description="The Wayback Machine to ask with --suggest (its /wayback/available API).",
    )
    debug: Annotated[
        bool, Cli(panel=Panel.CONFIGURATION, negatable=False, envvar="URLCHECK_DEBUG")
    ] = Field(
        default=False,
        description="Print the traceback of an internal error (also URLCHECK_DEBUG=1).",
    )

    @field_validator("reports")
    @classmethod
    def _reports(cls, reports: tuple[ReportFile, ...], info: ValidationInfo) -> Any:
        paths = [r.path for r in reports]
        output = info.data.get("output")
        for i, path in enumerate(paths):
            if path in paths[:i] or path == output:
                raise ValueError(f"two reports would be written to {str(path)!r}")
        return reports

    @field_validator("dry_run")
    @classmethod
    def _dry_run(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not info.data.get("fix"):
            raise ValueError("--dry-run only applies to --fix")
        return value

    @field_validator("wayback_url")
    @classmethod
    def _wayback_url(cls, value: str) -> str:
        return http_url(value)
