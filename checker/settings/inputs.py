"""The Inputs panel's settings: what is read, and how links are resolved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, field_validator

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

_EXTENSION = re.compile(r"[a-z0-9][a-z0-9_+-]{0,31}\Z")
_MAX_NAME = 255  # a file name's longest on common file systems
WALKED_HELP = "md, markdown, mdx, html, htm, rst, xml, css"


def _names(text: str, what: str) -> list[str]:
    names = [piece.strip() for piece in text.split(",") if piece.strip()]
    if not names:
        raise ValueError(f"{_shown(text)} names no {what}")
    return names


def _shown(text: str) -> str:
    """A bad value as the one-line error shows it: escaped, and cut if long."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


def extension_list(text: str) -> str:
    """``md, .HTML,rst`` → ``md,html,rst``: one item of ``--extensions`` or
    ``--fallback-extensions``, comma-separated, a leading dot and case ignored."""
    if not isinstance(text, str):
        raise ValueError("write file extensions as text, e.g. md,html")
    names = [name.removeprefix(".").lower() for name in _names(text, "file extension")]
    for name in names:
        if not _EXTENSION.match(name):
            raise ValueError(
                f"{_shown(name)} is not a file extension "
                "(up to 32 letters, digits, _ + -; e.g. md,html)"
            )
    return ",".join(dict.fromkeys(names))


def index_file_list(text: str) -> str:
    """One item of ``--index-files``: file names, comma-separated, looked up in
    a linked directory in order; ``.`` is the directory itself (it passes)."""
    if not isinstance(text, str):
        raise ValueError("write index file names as text, e.g. index.html,README.md")
    names = _names(text, "index file")
    for name in names:
        bad = (
            "/" in name
            or "\\" in name
            or name == ".."
            or len(name) > _MAX_NAME
            or not name.isprintable()
        )
        if bad:
            raise ValueError(f"{_shown(name)} is not a file name (no path, e.g. index.html)")
    return ",".join(dict.fromkeys(names))


def split_names(items: tuple[str, ...]) -> tuple[str, ...]:
    """The names of a list field whose items are comma-separated lists."""
    return tuple(dict.fromkeys(name for item in items for name in item.split(",")))


ExtensionsItem = Annotated[str, BeforeValidator(extension_list)]
IndexFilesItem = Annotated[str, BeforeValidator(index_file_list)]


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
    extensions: Annotated[
        tuple[ExtensionsItem, ...],
        Cli(panel=INPUTS, metavar="EXT,...", default_help=WALKED_HELP),
    ] = Field(
        default=(),
        description="File extensions a directory walk (and --files-from) reads, "
        "comma-separated or repeated; one no format knows (or .txt) is read as plain text.",
    )
    index_files: Annotated[tuple[IndexFilesItem, ...], Cli(panel=INPUTS, metavar="NAME,...")] = (
        Field(
            default=(),
            description="A link to a local directory must find one of these files in it "
            "(tried in order; '.' accepts the directory itself), else it is missing_file. "
            "Unset: an existing directory passes.",
        )
    )
    fallback_extensions: Annotated[
        tuple[ExtensionsItem, ...], Cli(panel=INPUTS, metavar="EXT,...")
    ] = Field(
        default=(),
        description="Extensions tried, in order, for a local link whose file is not "
        "there: with html,md, guide/intro finds guide/intro.html or guide/intro.md.",
    )
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
