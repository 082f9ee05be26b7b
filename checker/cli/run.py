"""One ``urlcheck SOURCES...`` run: settings, sources, outputs, the run
driver (checker/runner.py) wired to the reporters, and the exit code.

Exit codes: 0 every URL ok; 1 something broken, errored or cancelled;
2 usage error or unreadable input; 3 urlcheck itself failed (an
``internal`` result, or the report could not be written); 130 SIGINT;
141 stdout closed early; 143 SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from checker.cli.signals import SignalTrap

if TYPE_CHECKING:
    from checker.filters import IgnoreRules
    from checker.models import Result
    from checker.runner import Driver
    from checker.settings import Settings
    from checker.targets import TargetIndex

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141


class UsageFailure(Exception):
    """A bad option value or unreadable input: one line on stderr, exit 2."""


class ReportFailure(Exception):
    """The report could not be written once the run had started: one line, exit 3."""


def settings_from(options: dict[str, object], config: Path | None, no_config: bool) -> Settings:
    """The config file's settings, overridden by the options given (lists add up),
    validated once."""
    from checker import config as configuration

    if config is not None and no_config:
        raise UsageFailure("--config and --no-config cannot be used together")
    try:
        file = configuration.read(config, no_config=no_config)
        return configuration.settings(file, options)
    except configuration.ConfigError as exc:
        raise UsageFailure(str(exc)) from None


def run(settings: Settings, sources: list[str], trap: SignalTrap) -> int:
    """Read every source, check, report. Returns the exit code."""
    from checker.api import build_index
    from checker.filters import read_ignore_file
    from checker.output import OutputError, ReportWriteError, open_output
    from checker.sources import SourceError

    if not sources and not settings.sitemap and settings.files_from is None:
        raise UsageFailure("no SOURCES: give files, directories, URLs or '-' (or --sitemap URL)")
    trap.checkpoint()
    try:
        ignore = read_ignore_file()  # before the sources: a sitemap fetch asks it too
        index = build_index(sources=sources, settings=settings, ignore=ignore)
    except SourceError as exc:
        raise UsageFailure(str(exc)) from None
    with index:
        trap.checkpoint()
        if settings.dump:
            from checker.dump import dump

            try:
                with open_output(settings.output) as out:
                    return dump(settings, index, out, ignore)
            except OutputError as exc:
                raise UsageFailure(str(exc)) from None
        try:
            # Imported here: the engine and aiohttp (~0.3 s, SSL contexts built
            # at import) are not needed by a --dump. A signal meanwhile is the
            # command's (cli/command.py carries it past click).
            from checker.runner import run_loop

            return run_loop(_check(settings, index, ignore, trap))
        except BrokenPipeError:  # here, because click would turn it into exit 1
            silence_stdout()
            return EXIT_BROKEN_PIPE
        except (ReportWriteError, OutputError, OSError) as exc:
            if settings.output is None:
                silence_stdout()  # what could not be written must not fail again at exit
            if isinstance(exc, ReportWriteError):  # it names the stream and the reason
                raise ReportFailure(str(exc)) from exc
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise ReportFailure(f"cannot write the report: {reason}") from exc
        finally:
            trap.after_loop()


async def _check(
    settings: Settings, index: TargetIndex, ignore: IgnoreRules, trap: SignalTrap
) -> int:
    from checker.output import OutputError, open_output
    from checker.reporting import reporters
    from checker.runner import Driver
    from checker.store import StoreError

    try:
        driver = Driver(settings, index, ignore)
    except StoreError as exc:
        raise UsageFailure(str(exc)) from None
    with contextlib.ExitStack() as outputs:
        # Every output is opened before the first request, so an unwritable
        # path fails fast (exit 2), and each is renamed into place at the end.
        try:
            out = outputs.enter_context(open_output(settings.output))
            files = [
                (report.format, outputs.enter_context(open_output(report.path)))
                for report in settings.reports
            ]
        except OutputError as exc:
            raise UsageFailure(str(exc)) from None
        crawl = driver.crawl_stats if settings.crawl else None
        reporter = outputs.enter_context(
            reporters(settings, out, files, crawl=crawl, shard=index.shard)
        )
        moved: list[Result] = []  # for --fix: the links that moved permanently
        with trap.in_loop(driver):
            reporter.start(driver.total)
            async with contextlib.aclosing(driver.results()) as results:
                async for result in results:
                    reporter.add(result)
                    if result.moved_to is not None and settings.fix:
                        moved.append(result)  # kept only for --fix: ~700 B a 301, for the whole run
            for late in driver.late_sources():
                reporter.late_sources(late)
            if driver.host_stats is not None:
                reporter.host_stats(driver.host_stats)
            reporter.finish(driver.summary)  # with --host-stats, checker.reporting adds the table
    if settings.fix and not trap.received:
        from checker.fix import fix_and_tell

        fix_and_tell(moved, settings)
    sys.stdout.flush()  # a full disk must show here, not in the interpreter's last flush
    code = _exit_code(driver, trap)
    if trap.received:
        # Interrupted, and the report is written: exit now rather than wait for
        # the loop's shutdown, during which the default handlers are back and a
        # further signal would kill the process.
        sys.stderr.flush()
        os._exit(code)
    trap.hold()  # the run is complete: a late signal must not kill it during shutdown
    return code


def _exit_code(driver: Driver, trap: SignalTrap) -> int:
    summary = driver.summary
    if trap.code is not None:
        return trap.code
    if summary.internal:
        sys.stderr.write(
            f"urlcheck: {summary.internal} URL(s) met an internal error: a bug in urlcheck, "
            "please report it (the report names them; --debug shows tracebacks)\n"
        )
        return EXIT_INTERNAL
    return EXIT_FAILED if summary.failed else EXIT_OK


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise
    again (the recipe in Python's signal docs for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a replaced stdout without a descriptor (tests)
        pass
