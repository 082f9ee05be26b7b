"""The ``urlcheck`` command: parse options, build Settings, run, report, exit.

Exit codes: 0 every URL ok; 1 something broken, errored or cancelled;
2 usage error or unreadable input; 130 interrupted; 141 stdout closed early.

aiohttp and pydantic are imported inside the command, not here, so that
``--help`` and ``--version`` stay fast (ENGINEERING.md: 257 ms → 116 ms).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from checker._version import __version__
from checker.choices import Format, Method, SchemaName, SourceFormat, StrategyName

if TYPE_CHECKING:
    from checker.filters import IgnoreRules
    from checker.reporters import Reporter
    from checker.settings import Settings
    from checker.targets import TargetIndex

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageFailure(Exception):
    """A bad option value or unreadable input: one line on stderr, exit 2."""


def _version(value: bool) -> None:
    if value:
        print(f"urlcheck {__version__}")
        raise typer.Exit()


@app.command(
    help="Check that the HTTP(S) URLs in SOURCES answer.",
    epilog="urlcheck schema [report|result] prints the JSON Schema of the json output.",
)
def urlcheck(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files (URL lists, Markdown, HTML, reStructuredText, sitemaps), directories, "
            "globs, '-' for stdin, or http(s):// URLs.",
            show_default=False,
        ),
    ] = None,
    strategy: Annotated[
        StrategyName,
        typer.Option(
            help="gather: input order. as-completed: stream as they finish. "
            "first-completed: sliding window. first-exception: stop at the first failure.",
        ),
    ] = StrategyName.AS_COMPLETED,
    format: Annotated[Format, typer.Option("--format", help="Report format.")] = Format.TEXT,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report here (atomically), not stdout."),
    ] = None,
    reports: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            metavar="FORMAT:PATH",
            help="Also write a report in FORMAT to PATH, e.g. junit:junit.xml (repeatable).",
        ),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="A progress bar on stderr [default: on a terminal, unless -q or CI is set].",
            show_default=False,
        ),
    ] = None,
    ci_annotations: Annotated[
        bool,
        typer.Option(
            help="Inside GitHub Actions, also print annotations with the text report and "
            "write the Markdown report to $GITHUB_STEP_SUMMARY.",
        ),
    ] = True,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Requests in flight overall.")
    ] = 128,
    per_host: Annotated[int, typer.Option(help="Requests in flight to one host.")] = 10,
    timeout: Annotated[
        float, typer.Option(help="Seconds per attempt, counted from when the request starts.")
    ] = 20.0,
    connect_timeout: Annotated[
        float, typer.Option(help="Seconds for the TCP and TLS handshake.")
    ] = 10.0,
    retries: Annotated[
        int, typer.Option(help="Retries after a timeout, disconnect, 408, 429 or 5xx.")
    ] = 2,
    max_retry_wait: Annotated[
        float, typer.Option(help="Cap in seconds on any wait, even one a server asks for.")
    ] = 60.0,
    dead_host_after: Annotated[
        int,
        typer.Option(
            help="After this many connection failures in a row on a host (DNS, refused, TLS, "
            "connect timeout; timeouts of distinct URLs), report its other URLs without "
            "trying them. 0: never."
        ),
    ] = 3,
    method: Annotated[
        Method,
        typer.Option(
            help="auto: HEAD, then GET when HEAD's status is not accepted; learns per host to "
            "send GET first or to believe HEAD. auto-strict: never believes a failing HEAD."
        ),
    ] = Method.AUTO,
    accept: Annotated[
        str, typer.Option(help="Statuses that count as ok, after redirects, e.g. 200..299,403.")
    ] = "200..299",
    max_redirects: Annotated[int, typer.Option(help="Redirect hops to follow.")] = 10,
    headers: Annotated[
        list[str] | None,
        typer.Option(
            "--header",
            "-H",
            help="'Name: value' sent with every request (repeatable). Never printed; "
            "dropped when a redirect leaves the origin.",
        ),
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option(help=f"User-Agent header [default: urlcheck/{__version__}].")
    ] = None,
    insecure: Annotated[bool, typer.Option(help="Skip TLS certificate checks.")] = False,
    exclude: Annotated[
        list[str] | None,
        typer.Option(help="Regex; matching URLs are reported as excluded (repeatable)."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(help="Regex; matching URLs are checked even if excluded (repeatable)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet/--no-quiet", "-q", help="Print failures only; no summary.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose/--no-verbose", "-v", help="Also list the URLs that are ok."),
    ] = False,
    header_for: Annotated[
        list[str] | None,
        typer.Option(
            metavar="'HOST=NAME: VALUE'",
            help="A header sent only to HOST (a host name or *.domain), never to another "
            "host nor after a redirect to another origin (repeatable). Never printed.",
        ),
    ] = None,
    host_stats: Annotated[
        bool,
        typer.Option(
            help='Per-host requests, outcomes, time and backoff: a "hosts" object in '
            "json, a table on stderr otherwise.",
        ),
    ] = False,
    cookie_jar: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Send the cookies of this Netscape cookie file (as curl and lychee "
            "write it) wherever their domain and path match.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Read settings from this TOML file; by default urlcheck.toml or "
            "pyproject.toml's [tool.urlcheck] is searched for from here up to the repository root.",
            show_default=False,
        ),
    ] = None,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Read no configuration file.")
    ] = False,
    default_format: Annotated[
        SourceFormat,
        typer.Option(help="Format of stdin and of files whose extension is not known."),
    ] = SourceFormat.URLLIST,
    hidden: Annotated[bool, typer.Option(help="Walk hidden files and directories too.")] = False,
    no_ignore: Annotated[
        bool, typer.Option("--no-ignore", help="Walk files that .gitignore excludes too.")
    ] = False,
    exclude_path: Annotated[
        list[str] | None,
        typer.Option(
            metavar="REGEX", help="Regex; input paths that match are not read (repeatable)."
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Resolve relative links in local files against this URL, not on disk.",
        ),
    ] = None,
    root_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Resolve root-relative /x links in local files under this directory.",
        ),
    ] = None,
    remap: Annotated[
        list[str] | None,
        typer.Option(
            metavar="'REGEX REPLACEMENT'",
            help="Rewrite URLs matching REGEX before checking (repeatable; first match wins).",
        ),
    ] = None,
    sitemap: Annotated[
        list[str] | None,
        typer.Option(
            metavar="URL",
            help="Check the URLs of this sitemap (an index is followed; repeatable).",
        ),
    ] = None,
    max_sitemaps: Annotated[
        int,
        typer.Option(
            help="Sitemaps fetched in one run, those an index names included; "
            "past it the rest are not followed, and a warning says so.",
        ),
    ] = 1000,
    files_from: Annotated[
        str | None,
        typer.Option(
            metavar="PATH",
            help="Read input paths from this file, one per line, '-' for stdin "
            "(git diff --name-only | urlcheck --files-from -); they are read as a walk's "
            "files are, and a listed path that is gone is skipped with a warning.",
        ),
    ] = None,
    allow_empty: Annotated[
        bool,
        typer.Option(
            help="Accept sources holding no link at all (exit 0); without it such "
            "a run exits 2, not a green run that checked nothing.",
        ),
    ] = False,
    fetch_timeout: Annotated[
        float,
        typer.Option(
            help="Seconds one fetched document (a sitemap) may take in all, "
            "however slowly it is sent.",
        ),
    ] = 60.0,
    scheme: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SCHEME",
            help="Check only URLs with this scheme; others are excluded (repeatable).",
        ),
    ] = None,
    exclude_private: Annotated[
        bool,
        typer.Option(
            help="Exclude loopback, private, link-local and unique-local hosts, "
            "literal or after DNS resolution."
        ),
    ] = False,
    dump: Annotated[
        bool, typer.Option(help="List the links that would be checked, with sources; check none.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    raise typer.Exit(run(_settings(given_options(ctx), config, no_config), sources or []))


def given_options(ctx: typer.Context) -> dict[str, object]:
    """The options the user actually gave, by Settings field name.

    Defaults are left out so that Settings' own defaults (and, later, a
    config file) apply; the CLI only overrides what was typed.
    """
    return {
        name: value
        for name, value in ctx.params.items()
        if name not in _NOT_SETTINGS
        and value is not None
        and getattr(ctx.get_parameter_source(name), "name", "DEFAULT") != "DEFAULT"
    }


_NOT_SETTINGS = frozenset({"sources", "version", "config", "no_config"})
# Repeatable options whose Settings field is plural.
_OPTION_NAMES = {"headers": "--header", "reports": "--report"}


def _settings(
    options: dict[str, object], config: Path | None = None, no_config: bool = False
) -> Settings:
    """The config file's settings, overridden by the options given (lists add up)."""
    from pydantic import ValidationError

    from checker.config import ConfigError, load, merge
    from checker.settings import Settings

    if config is not None and no_config:
        raise UsageFailure("--config and --no-config cannot be used together")
    try:
        file_values = load(config, no_config=no_config)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    try:
        return Settings.model_validate(merge(file_values, options))
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "options"
        option = _OPTION_NAMES.get(field, "--" + field.replace("_", "-"))
        message = str(error["msg"]).removeprefix("Value error, ")
        raise UsageFailure(f"invalid value for {option}: {message}") from None


def run(settings: Settings, sources: list[str]) -> int:
    """Read every source, check, report. Returns the exit code."""
    from checker.api import build_index, run_loop
    from checker.filters import read_ignore_file
    from checker.output import OutputError, open_output
    from checker.reporting import reporters
    from checker.sources import SourceError

    if not sources and not settings.sitemap and settings.files_from is None:
        raise UsageFailure("no SOURCES: give files, directories, URLs or '-' (or --sitemap URL)")
    try:
        index = build_index(sources=sources, settings=settings)
        ignore = read_ignore_file()
    except SourceError as exc:
        raise UsageFailure(str(exc)) from None
    with index:
        if settings.dump:
            from checker.dump import dump

            try:
                with open_output(settings.output) as out:
                    return dump(settings, index, out, ignore)
            except OutputError as exc:
                raise UsageFailure(str(exc)) from None
        try:
            # Every output is opened before the first request, so an unwritable
            # path fails fast (exit 2), and each is renamed into place at the end.
            with contextlib.ExitStack() as outputs:
                out = outputs.enter_context(open_output(settings.output))
                files = [
                    (report.format, outputs.enter_context(open_output(report.path)))
                    for report in settings.reports
                ]
                reporter = outputs.enter_context(reporters(settings, out, files))
                return run_loop(_check(settings, index, reporter, ignore))
        except OutputError as exc:
            raise UsageFailure(str(exc)) from None
        except BrokenPipeError:  # here, because click would turn it into exit 1
            _silence_stdout()
            return EXIT_BROKEN_PIPE


async def _check(
    settings: Settings, index: TargetIndex, reporter: Reporter, ignore: IgnoreRules
) -> int:
    import asyncio
    import signal

    from checker.engine import Run

    reporter.start(len(index))
    run = Run(settings, index, ignore)
    interrupted = False
    task = asyncio.current_task()
    assert task is not None

    def on_sigint() -> None:
        nonlocal interrupted
        interrupted = True
        task.cancel()

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, on_sigint)
    results = run.results()
    try:
        async for result in results:
            reporter.add(result)
    except asyncio.CancelledError:
        if not interrupted:
            raise
        task.uncancel()
        for result in run.unfinished():
            reporter.add(result)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        # Stop the checks now, in this loop, when the reporter raised (a closed
        # stdout): left to loop shutdown, they die noisily.
        await results.aclose()
    if run.host_stats is not None:
        reporter.host_stats(run.host_stats)
    reporter.finish(run.summary)
    if run.host_stats is not None and settings.format is not Format.JSON:
        from checker.hoststats import table

        # On stderr, after the report: stdout stays the same report as without it.
        sys.stderr.write(table(run.host_stats) + "\n")
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if run.summary.failed else EXIT_OK


schema_app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@schema_app.command(help="Print the JSON Schema of the json report, or of one RESULT (jsonl line).")
def schema(
    name: Annotated[
        SchemaName, typer.Argument(help="report: the --format json document. result: one RESULT.")
    ] = SchemaName.REPORT,
) -> None:
    from checker.schema import render

    sys.stdout.write(render(name))


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point. Every failure mode ends in one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    # `urlcheck schema` sits beside the positional SOURCES without turning the
    # main command into a group; a file named "schema" is checked as ./schema.
    sub = args[:1] == ["schema"]
    command = typer.main.get_command(schema_app if sub else app)
    try:
        code = command.main(
            args=args[1:] if sub else args,
            prog_name="urlcheck schema" if sub else "urlcheck",
            standalone_mode=False,
        )
    except typer.Exit as exc:
        code = exc.exit_code
    except UsageFailure as exc:
        _fail(str(exc))
    except typer.exceptions.TyperException as exc:  # click's usage errors
        text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        _fail(" ".join(text.split()).replace("Value error, ", ""), EXIT_USAGE)
    except KeyboardInterrupt:
        sys.stderr.write("urlcheck: interrupted\n")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_BROKEN_PIPE
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    sys.stderr.write(f"urlcheck: error: {message}\n")
    sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise
    again (the recipe in Python's signal docs for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
