"""The one settings model shared by the CLI, configuration files and the library.

Each option is declared here once: its type, default, limits and help
(``Field(description=...)``), and how it looks on the command line
(:class:`checker.choices.Cli`). The CLI is built from these fields
(checker/cli/options.py), so ``--help``, the README and library callers
cannot drift apart. Header values are ``SecretStr``: they are masked in
``repr`` and never reach a report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from checker._version import __version__
from checker.choices import Cli, Format, Method, Panel, SourceFormat, StrategyName
from checker.optiontypes import (
    Accept,
    Count,
    Header,
    HeaderItem,
    HostPolicy,
    RegexItem,
    Remap,
    RemapItem,
    ReportFile,
    ReportItem,
    SchemeItem,
    ScopedHeaderItem,
    Seconds,
    StatusSet,
    UrlItem,
    Wait,
    Workers,
    check_user_agent,
    host_pattern,
    http_url,
    listed,
)

__all__ = ["Header", "HostPolicy", "Remap", "ReportFile", "Settings", "StatusSet", "host_pattern"]

INPUTS, CHECKING, HTTP, OUTPUT = Panel.INPUTS, Panel.CHECKING, Panel.HTTP, Panel.OUTPUT


class Settings(BaseModel):
    """Everything that shapes a run. Defaults follow lychee unless the README says why not.

    Validated once, from raw values: the command line's strings and a
    configuration file's TOML values alike (checker/config.py merges them).
    """

    # Inputs stay out of error messages: a malformed header is all value.
    # No float may be inf or nan: aiohttp's timers overflow on them.
    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        frozen=True,
        hide_input_in_errors=True,
        allow_inf_nan=False,
    )

    # --- Inputs
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

    # --- Checking
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

    # --- HTTP
    timeout: Annotated[Seconds, Cli(panel=HTTP)] = Field(
        default=20.0, description="Seconds per attempt, counted from when the request starts."
    )
    connect_timeout: Annotated[Seconds, Cli(panel=HTTP)] = Field(
        default=10.0, description="Seconds for the TCP and TLS handshake."
    )
    retries: Annotated[Count, Cli(panel=HTTP)] = Field(
        default=2, description="Retries after a timeout, disconnect, 408, 429 or 5xx."
    )
    max_retry_wait: Annotated[Wait, Cli(panel=HTTP)] = Field(
        default=60.0, description="Cap in seconds on any wait, even one a server asks for."
    )
    method: Annotated[Method, Cli(panel=HTTP)] = Field(
        default=Method.AUTO, description="auto: HEAD, then GET when HEAD's status is not accepted."
    )
    max_redirects: Annotated[Count, Cli(panel=HTTP)] = Field(
        default=10, description="Redirect hops to follow."
    )
    headers: Annotated[
        tuple[HeaderItem, ...],
        Cli(panel=HTTP, long="--header", short="-H", metavar="'NAME: VALUE'"),
    ] = Field(
        default=(),
        description="Sent with every request (repeatable). Never printed; dropped when a "
        "redirect leaves the origin.",
    )
    header_for: Annotated[
        tuple[ScopedHeaderItem, ...], Cli(panel=HTTP, metavar="'HOST=NAME: VALUE'")
    ] = Field(
        default=(),
        description="A header sent only to HOST (a host name or *.domain), never to another "
        "host nor after a redirect to another origin (repeatable). Never printed.",
    )
    user_agent: Annotated[str, Cli(panel=HTTP, default_help="urlcheck/VERSION")] = Field(
        default=f"urlcheck/{__version__}", description="User-Agent header."
    )
    insecure: Annotated[bool, Cli(panel=HTTP)] = Field(
        default=False, description="Skip TLS certificate checks."
    )
    cookie_jar: Annotated[Path | None, Cli(panel=HTTP, metavar="FILE")] = Field(
        default=None,
        description="Send the cookies of this Netscape cookie file (as curl and lychee "
        "write it) wherever their domain and path match. Never printed.",
    )
    # Per-host policy: only in configuration files.
    hosts: Annotated[dict[str, HostPolicy], Cli(option=False)] = {}

    # --- Output
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
    debug: Annotated[
        bool, Cli(panel=Panel.CONFIGURATION, negatable=False, envvar="URLCHECK_DEBUG")
    ] = Field(
        default=False,
        description="Print the traceback of an internal error (also URLCHECK_DEBUG=1).",
    )

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, values: Any) -> Any:
        return listed(cls, values)

    @field_validator("reports")
    @classmethod
    def _reports(cls, reports: tuple[ReportFile, ...], info: ValidationInfo) -> Any:
        paths = [r.path for r in reports]
        output = info.data.get("output")
        for i, path in enumerate(paths):
            if path in paths[:i] or path == output:
                raise ValueError(f"two reports would be written to {str(path)!r}")
        return reports

    @field_validator("hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        hosts: dict[str, Any] = {}
        for key, policy in value.items():
            pattern = host_pattern(str(key))
            if pattern in hosts:
                raise ValueError(f"two tables name the host {pattern!r}")
            hosts[pattern] = policy
        return hosts

    @field_validator("user_agent")
    @classmethod
    def _user_agent(cls, value: str) -> str:
        return check_user_agent(value)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = http_url(value)
        # The base names a directory: without the slash, urljoin would drop its last segment.
        return url if url.endswith("/") else url + "/"

    @field_validator("cookie_jar")
    @classmethod
    def _cookie_jar(cls, value: Path | None) -> Path | None:
        if value is not None:
            from checker import cookies

            cookies.read(value)  # CookieFileError (a ValueError) names what is wrong
        return value

    @field_validator("root_dir")
    @classmethod
    def _root_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{str(value)!r} is not a directory")
        return None if value is None else value.resolve()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value (headers, cookie-jar values), masked in every output."""
        every = (
            *self.headers,
            *(h for _, h in self.header_for),
            *(h for policy in self.hosts.values() for h in policy.headers),
        )
        from checker import cookies

        values = tuple(h.value.get_secret_value() for h in every if h.value)
        return values + cookies.values(self.cookie_jar)
