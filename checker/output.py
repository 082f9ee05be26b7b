"""Where the report goes: stdout, or a file written atomically.

Either way the stream handed out turns a failed write or flush (a full disk,
an I/O error) into :class:`ReportWriteError`, and a file's temporary sibling
is removed whatever happens: a run that cannot write its report says so in
one line and exits 3 (the CLI maps it), rather than a traceback and exit 1,
the code for "a link is broken".
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO, cast


class OutputError(Exception):
    """The output file cannot be opened, before any URL is checked. The CLI exits 2."""


class ReportWriteError(Exception):
    """The report could not be written once the run had started (a full disk,
    an I/O error, a failed rename). The CLI says so in one line and exits 3,
    so that CI can tell "urlcheck failed" from "a link failed"."""


def _failure(name: str, exc: OSError) -> ReportWriteError:
    return ReportWriteError(f"cannot write the report to {name}: {exc.strerror or exc}")


class _Guarded(io.TextIOBase):
    """A stream whose write and flush failures are :class:`ReportWriteError`.

    A closed pipe stays ``BrokenPipeError``: the CLI exits 141 for it, as a
    shell expects of ``urlcheck … | head``.
    """

    def __init__(
        self, stream: TextIO, name: str, on_failure: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._on_failure = on_failure

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: OSError) -> ReportWriteError:
        if self._on_failure is not None:
            self._on_failure()
        return _failure(self._name, exc)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._stream.isatty()


def _guard(stream: TextIO, name: str, on_failure: Callable[[], None] | None = None) -> TextIO:
    # _Guarded offers what reporters use of a TextIO: write, flush, isatty.
    return cast(TextIO, _Guarded(stream, name, on_failure))


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """Yield a stream for the report.

    A file is written to a temporary sibling and renamed into place when the
    report is complete, so a reader never sees half a report and a failed
    run leaves the previous report intact. The temporary file is created
    up front, so an unwritable path fails before any URL is checked.
    """
    if path is None:
        stream = _guard(sys.stdout, "standard output", _silence_stdout)
        yield stream
        stream.flush()
        return
    directory = path.parent
    if path.is_dir():  # caught here, before the run, rather than by the rename after it
        raise OutputError(f"cannot write {str(path)!r}: Is a directory")
    if path.exists() and not path.is_file():
        # /dev/null, a FIFO, /dev/stderr: a rename would replace the device
        # node itself (as root), so these are written in place.
        with _open_in_place(path) as stream:
            yield stream
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    name = repr(str(path))
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        raw = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with _closing(raw, name) as stream:
            yield stream
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise _failure(name, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _closing(stream: TextIO, name: str) -> Iterator[TextIO]:
    """Yield ``stream`` guarded, and close it; its last flush may fail like any
    write, and then the run's own exception, if any, is the one that counts."""
    try:
        yield _guard(stream, name)
    except BaseException:
        _drop(stream)
        raise
    try:
        stream.close()
    except OSError as exc:
        _drop(stream)
        raise _failure(name, exc) from None


def _drop(stream: TextIO) -> None:
    # The file descriptor is closed by the first attempt even when its flush
    # fails; the second marks the wrapper closed, so garbage collection does
    # not try (and fail) to flush it again.
    for _ in range(2):
        with contextlib.suppress(OSError, ValueError):
            stream.close()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of what
    could not be written cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def _open_in_place(path: Path) -> Iterator[TextIO]:
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    with _closing(stream, repr(str(path))) as guarded:
        yield guarded
