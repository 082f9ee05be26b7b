"""Where the report goes: stdout, or a file written atomically."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


class OutputError(Exception):
    """The output file cannot be opened, before any URL is checked. The CLI exits 2."""


class ReportWriteError(Exception):
    """The report could not be written once the run had started (a full disk,
    an I/O error, a failed rename). The CLI says so in one line and exits 3,
    so that CI can tell "urlcheck failed" from "a link failed"."""


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """Yield a stream for the report.

    A file is written to a temporary sibling and renamed into place when the
    report is complete, so a reader never sees half a report and a failed
    run leaves the previous report intact. The temporary file is created
    up front, so an unwritable path fails before any URL is checked.
    """
    if path is None:
        yield sys.stdout
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
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _open_in_place(path: Path) -> Iterator[TextIO]:
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    with stream:
        yield stream
