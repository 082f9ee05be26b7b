"""The Inputs panel's settings: what is read, and how links are resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from checker.choices import Cli, Panel, SourceFormat
from checker.optiontypes import (
    RegexItem,
    RemapItem,
    Seconds,
    UrlItem,
    Workers,
    http_url,
)

INPUTS, CHECKING, HTTP, OUTPUT = Panel.INPUTS, Panel.CHECKING, Panel.HTTP, Panel.OUTPUT


class InputSettings(BaseModel):
    default_format: Annotated[SourceFormat, Cli(panel=INPUTS)] = Field(
        default=SourceFormat.URLLIST,
        description="Format of stdin and of files whose extension is not known.",
    )
    hidden: Annotated[bool, Cli(panel=INPUTS, negatable=False)] = Field(
        default=False, description="Walk hidden files and directories too."
    )
    no_ignore: Annotated[bool, Cli(panel=INPUTS, negatable=False)] = Field(
        default=False, description="Walk files that .gitignore excludes too."
    )
    exclude_path: Annotated[tuple[RegexItem, ...], Cli(panel=INPUTS, metavar="REGEX")] = Field(
        default=(), description="Regex; input paths that match are not read (repeatable)."
    )
    base_url: Annotated[str | None, Cli(panel=INPUTS, metavar="URL")] = Field(
        default=None,
        description="Resolve relative links in local files against this URL, not on disk.",
    )
    root_dir: Annotated[Path | None, Cli(panel=INPUTS, metavar="DIR")] = Field(
        default=None,
        description="Resolve root-relative /x links in local files under this directory.",
    )
    remap: Annotated[tuple[RemapItem, ...], Cli(panel=INPUTS, metavar="'REGEX REPLACEMENT'")] = (
        Field(
            default=(),
            description="Rewrite URLs matching REGEX before checking (repeatable; "
            "first match wins).",
        )
    )
    sitemap: Annotated[tuple[UrlItem, ...], Cli(panel=INPUTS, metavar="URL")] = Field(
        default=(), description="Check the URLs of this sitemap (an index is followed; repeatable)."
    )
    max_sitemaps: Annotated[Workers, Cli(panel=INPUTS)] = Field(
        default=1000,
        description="Sitemaps fetched in one run, those an index names included; "
        "past it the rest are not followed, and a warning says so.",
    )
    fetch_timeout: Annotated[Seconds, Cli(panel=INPUTS)] = Field(
        default=60.0,
        description="Seconds one fetched document (a sitemap) may take in all, "
        "however slowly it is sent.",
    )
    files_from: Annotated[str | None, Cli(panel=INPUTS, metavar="PATH")] = Field(
        default=None,
        description="Read input paths from this file, one per line, '-' for stdin "
        "(git diff --name-only | urlcheck --files-from -); they are read as a walk's "
        "files are, and a listed path that is gone is skipped with a warning.",
    )
    jobs: Annotated[
        Workers | None, Cli(panel=INPUTS, metavar="N", default_help="the CPU cores")
    ] = Field(default=None, description="Processes that parse the documents of a large tree.")
    allow_empty: Annotated[bool, Cli(panel=INPUTS, negatable=False)] = Field(
        default=False,
        description="Accept sources holding no link at all (exit 0); without it such "
        "a run exits 2, not a green run that checked nothing.",
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = http_url(value)
        # The base names a directory: without the slash, urljoin would drop its last segment.
        return url if url.endswith("/") else url + "/"

    @field_validator("root_dir")
    @classmethod
    def _root_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{str(value)!r} is not a directory")
        return None if value is None else value.resolve()
