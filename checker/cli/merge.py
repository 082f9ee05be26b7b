"""``urlcheck merge``: checker/merge.py's errors as the command line's exit codes.

2: a report unreadable or not a shard's, an incomplete or inconsistent set,
or an output that cannot be opened; 3: the merged report could not be
written; otherwise the merged results' code (checker/merge.py).
"""

from __future__ import annotations

from pathlib import Path

from checker.choices import Format
from checker.cli.run import ReportFailure, UsageFailure, silence_stdout


def merge(reports: list[Path], fmt: Format, output: Path | None, partial: bool) -> int:
    from checker import merge as merging
    from checker.output import OutputError, ReportWriteError

    try:
        return merging.merge(reports, fmt, output, partial)
    except merging.MergeError as exc:
        raise UsageFailure(str(exc)) from None
    except OutputError as exc:
        raise UsageFailure(str(exc)) from None
    except (ReportWriteError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        if output is None:
            silence_stdout()
        if isinstance(exc, ReportWriteError):  # it names the stream and the reason
            raise ReportFailure(str(exc)) from exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ReportFailure(f"cannot write the merged report: {reason}") from exc
