"""SIGINT and SIGTERM during one ``urlcheck`` run.

``timeout``, ``docker stop`` and a cancelled CI job send SIGTERM; a user
types Ctrl-C. Both mean the same: stop checking, report every URL (the
unfinished ones ``cancelled``), exit 128 + the signal's number. A second
signal stops waiting for the checks in flight, but the report is still
written whole.

Three phases, one handler each:
- before the event loop (reading sources): the signal raises, as Ctrl-C
  always does, and nothing has been reported yet;
- in the loop: the handler asks the run driver to stop;
- after the checks: the report is being written; a signal is only noted.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # not imported here: the handlers are installed before the heavy imports
    from checker.runner import Driver

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM before any URL was checked: handled like Ctrl-C, exit 143."""


class Interrupted(Exception):
    """A signal raised inside the command (while sources are read), carried
    past click, which would turn it into ``Abort``: a blank line and exit 3."""

    def __init__(self, interrupt: KeyboardInterrupt) -> None:
        super().__init__()
        self.interrupt = interrupt


def exit_code(signum: int) -> int:
    return 128 + signum


class SignalTrap:
    def __init__(self) -> None:
        self.received: list[int] = []
        self._raising = True
        self._driver: Driver | None = None
        self._held = False

    @property
    def code(self) -> int | None:
        """The exit code the first signal asks for, if one came."""
        return exit_code(self.received[0]) if self.received else None

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """For the whole command; the previous handlers come back afterwards
        (the test suite runs the command in its own process)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
        unraisable = sys.unraisablehook
        sys.unraisablehook = functools.partial(_unraisable, unraisable)
        try:
            self._python_handlers()
            yield
        finally:
            sys.unraisablehook = unraisable
            if self._held:  # a signal held back since the run completed is dropped
                for sig in SIGNALS:
                    signal.signal(sig, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def interrupt(self) -> KeyboardInterrupt:
        """The exception the first signal stands for."""
        return Terminated() if self.received[0] == signal.SIGTERM else KeyboardInterrupt()

    def checkpoint(self) -> None:
        """Before the run: raise for a signal whose exception was swallowed
        where Python cannot raise (see :func:`_unraisable`)."""
        if self.received and self._raising:
            raise self.interrupt()

    @contextlib.contextmanager
    def in_loop(self, driver: Driver) -> Iterator[None]:
        """While the checks run and the report is written, in the running loop."""
        import asyncio

        loop = asyncio.get_running_loop()
        main = threading.current_thread() is threading.main_thread()
        self._driver = driver
        if main:
            for sig in SIGNALS:
                loop.add_signal_handler(sig, self._in_loop, sig)
        try:
            yield
        finally:
            # The loop's handlers stay until it closes, now only noting a signal:
            # the checks are over and the report is being written.
            self._driver = None
            self._raising = False

    def hold(self) -> None:
        """Block the signals until the command returns: the run is complete and
        reported, and the loop's shutdown puts the default handlers back."""
        if threading.current_thread() is threading.main_thread():
            signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
            self._held = True

    def after_loop(self) -> None:
        """The loop's shutdown reset the handlers to the defaults: note signals again."""
        self._raising = False
        if threading.current_thread() is threading.main_thread():
            self._python_handlers()

    def _python_handlers(self) -> None:
        for sig in SIGNALS:
            signal.signal(sig, self._outside_loop)

    def _outside_loop(self, signum: int, frame: FrameType | None) -> Any:
        self.received.append(signum)
        if self._raising:
            raise self.interrupt()

    def _in_loop(self, signum: int) -> None:
        self.received.append(signum)
        if len(self.received) == 2:
            # Asked not to wait: the checks are abandoned mid-cleanup, and the
            # loop would log each one's leftover CancelledError as a traceback.
            import asyncio

            asyncio.get_running_loop().set_exception_handler(_quiet)
        if self._driver is not None:
            self._driver.stop()


def _quiet(loop: object, context: dict[str, Any]) -> None:
    """An exception handler for a run the user stopped twice: nothing to report."""


def _unraisable(default: Any, unraisable: Any) -> None:
    """A signal's exception raised inside a weakref callback or a finaliser
    (the import machinery runs some) cannot propagate; Python would print it
    as "Exception ignored". The signal is noted all the same, and
    :meth:`SignalTrap.checkpoint` raises it before the run starts."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        default(unraisable)
