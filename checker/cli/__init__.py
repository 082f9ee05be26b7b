"""The ``urlcheck`` command: options (options.py), the command group
(command.py), one run (run.py), signals (signals.py), and here the entry
point, where every way of failing becomes one line and an exit code.

click, pydantic and aiohttp are imported only past ``--version``, so that it
stays fast (about 0.1 s, against 0.3 s for the whole stack).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import traceback
from typing import TYPE_CHECKING, NoReturn

from checker._version import __version__

if TYPE_CHECKING:
    from checker.cli.signals import SignalTrap

EXIT_USAGE, EXIT_INTERNAL = 2, 3
YOUNG_THRESHOLD = 10_000  # runner.GC_YOUNG_THRESHOLD, without importing the engine


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point. Every failure mode ends in one line and an exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    if _only_version(args):
        print(f"urlcheck {__version__}")
        sys.exit(0)
    # The young generation as wide from the start as runner.run_loop makes it
    # for the run (GC_YOUNG_THRESHOLD there): start-up (imports, the input's
    # index) made ~110 young collections and a full one at CPython's 700, ~0.1 s
    # of CPU (issue 15); a command is one short process either way.
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:  # 0: collection was turned off; left so
        gc.set_threshold(YOUNG_THRESHOLD, *older)
    from checker.cli.signals import SignalTrap

    trap = SignalTrap()
    with trap.installed():
        code = _main(args, trap)
    if trap.received:
        # A signal stopped the command before its run (a run stops in
        # cli/run.py). With CPython 3.11, a KeyboardInterrupt raised inside an
        # exec() of a string (dataclasses builds __init__ so, while imports are
        # under way) was seen to end the process by SIGINT at exit although it
        # was caught here: exit -2, not 130 (tests/cli/test_signals.py). Leave
        # with the code now, as cli/run.py does, past the interpreter's exit.
        _flush()
        os._exit(code)
    sys.exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say on it
            stream.flush()


def _main(args: list[str], trap: SignalTrap) -> int:
    import signal

    from checker.cli.signals import Terminated, exit_code

    try:
        try:
            return _command(args, trap)
        except Exception:
            if not trap.received:
                raise
            # The signal's exception came wrapped: Python 3.11 turns one raised
            # in a class's __set_name__ (while a module imports) into RuntimeError.
            raise trap.interrupt() from None
    except Terminated:
        sys.stderr.write("urlcheck: terminated\n")
        return exit_code(signal.SIGTERM)
    except KeyboardInterrupt:
        sys.stderr.write("urlcheck: interrupted\n")
        return exit_code(signal.SIGINT)


def _command(args: list[str], trap: SignalTrap) -> int:
    import click

    from checker.cli.command import build
    from checker.cli.run import EXIT_BROKEN_PIPE, ReportFailure, UsageFailure, silence_stdout
    from checker.cli.signals import Interrupted

    try:
        code = build().main(args=args, prog_name="urlcheck", standalone_mode=False, obj=trap)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except Interrupted as exc:
        raise exc.interrupt from None  # _main: 130 or 143, one line
    except click.exceptions.Abort as exc:  # a signal while click parsed the options
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None
        raise
    except (UsageFailure, click.ClickException) as exc:
        text = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        return _fail(" ".join(text.split()).replace("Value error, ", ""), EXIT_USAGE)
    except ReportFailure as exc:
        if _debug(args):
            traceback.print_exception(exc.__cause__ or exc)
        return _fail(str(exc), EXIT_INTERNAL)
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        if trap.received:  # not a bug: the signal's, wrapped (_main)
            raise
        # A bug: say so in one line, unless asked for the traceback.
        if _debug(args):
            traceback.print_exc()
        return _fail(
            f"internal error: {type(exc).__name__}: a bug in urlcheck, please report it "
            "(--debug or URLCHECK_DEBUG=1 shows the traceback)",
            EXIT_INTERNAL,
        )
    return code if isinstance(code, int) else 0


def _only_version(args: list[str]) -> bool:
    """``--version`` answered before click and pydantic are imported."""
    words = args[: args.index("--")] if "--" in args else args
    return "--version" in words and (not args or args[0] != "schema")


def _debug(args: list[str]) -> bool:
    flag = "--debug" in (args[: args.index("--")] if "--" in args else args)
    return flag or os.environ.get("URLCHECK_DEBUG", "").strip().lower() in ("1", "true", "yes")


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"urlcheck: error: {message}\n")
    return code
