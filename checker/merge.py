"""``urlcheck merge REPORT...``: the shards' json or jsonl reports, as one report.

Every ``--shard K/N`` report names its shard and the fingerprint of its
input (checker/shard.py); the set is refused, one line and exit 2, when

- a report cannot be read, or is not a shard's report (checker/shardreports.py);
- two reports name the same shard (given twice);
- the reports disagree on N or on the input fingerprint (different inputs or settings);
- a result sits in a shard that does not own its host, or a URL is reported
  twice: the reports were edited, or come from different versions;
- a shard is missing, or a report holds fewer results than its shard
  announced (a shard stopped half-way): ``--partial`` accepts those two, says
  so on stderr, and merges what there is.

Each URL's result, with all its sources, comes from the one shard that owns
its host; results are ordered by their first source (path, line, column),
then URL: one input file comes out in its reading order. The summary is
recomputed from the results; its duration is the longest shard's (they ran
side by side). The exit code follows the merged results as a run's does:
3 for an ``internal`` result, 1 for a failure that fails the run
(``Result.fails_run``), else 0.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from checker import github_actions
from checker.choices import Format
from checker.models import Result, Summary
from checker.reporters import ReportOptions, make_reporter
from checker.shard import shard_of
from checker.shardreports import ReportError, ShardReport, read, shown

EXIT_OK, EXIT_FAILED, EXIT_INTERNAL = 0, 1, 3


class MergeError(Exception):
    """An incomplete or inconsistent set of reports: one line, exit 2."""


def combine(reports: Sequence[ShardReport], partial: bool = False) -> tuple[Summary, list[Result]]:
    """The merged results and their summary; notes on stderr for ``--partial``.
    Raises :class:`MergeError`."""
    if not reports:
        raise MergeError("no REPORT given")
    first = reports[0]
    by_index: dict[int, ShardReport] = {}
    for report in reports:
        _same_input(first, report)
        stamp = report.stamp
        if stamp.index in by_index:
            earlier = by_index[stamp.index].path
            raise MergeError(f"shard {stamp.text} is given twice ({earlier} and {report.path})")
        by_index[stamp.index] = report
    count = first.stamp.count
    missing = [k for k in range(1, count + 1) if k not in by_index]
    short = [r for r in reports if len(r.results) != r.stamp.urls]
    if short and any(len(r.results) > r.stamp.urls for r in short):
        worst = next(r for r in short if len(r.results) > r.stamp.urls)
        raise MergeError(f"{worst.path} holds more results than its shard announced")
    if not partial and missing:
        raise MergeError(
            f"shard {_list(missing)} of {count} missing: give every shard's report, "
            "or --partial to merge those given"
        )
    if not partial and short:
        raise MergeError(
            f"{short[0].path} holds {len(short[0].results)} of its shard's "
            f"{short[0].stamp.urls} results (cut short?): --partial merges it as it is"
        )
    if partial and (missing or short):
        sys.stderr.write(f"urlcheck: merging {len(reports)} of {count} shard report(s)")
        sys.stderr.write(f"; missing: shard {_list(missing)}" if missing else "")
        sys.stderr.write(f"; cut short: {', '.join(r.path for r in short)}" if short else "")
        sys.stderr.write(" (--partial)\n")
    results = _results(by_index[k] for k in sorted(by_index))
    summary = Summary(strategy=first.stamp.strategy)
    for result in results:
        summary.add(result)
    summary.duration_s = max(r.duration_s for r in reports)
    return summary, results


def _same_input(first: ShardReport, other: ShardReport) -> None:
    a, b = first.stamp, other.stamp
    if a.count != b.count:
        raise MergeError(
            f"{first.path} is shard {a.text} and {other.path} shard {b.text}: "
            "shards of different splits"
        )
    if (a.inputs, a.input_urls, a.strategy) != (b.inputs, b.input_urls, b.strategy):
        raise MergeError(
            f"{first.path} and {other.path} are shards of different inputs "
            "(URLs or settings differ: their fingerprints do not match)"
        )


def _results(reports: Iterable[ShardReport]) -> list[Result]:
    seen: set[str] = set()
    merged: list[Result] = []
    for report in reports:
        stamp = report.stamp
        for result in report.results:
            owner = shard_of(result.url, stamp.count)
            if owner != stamp.index:
                raise MergeError(
                    f"{report.path} reports {shown(result.url)[:200]!r}, "
                    f"a URL of shard {owner}/{stamp.count}, not {stamp.text}: edited, "
                    "or written by another version"
                )
            if result.url in seen:
                raise MergeError(f"{report.path} reports {shown(result.url)[:200]!r} twice")
            seen.add(result.url)
            merged.append(result)
    merged.sort(key=_order)
    for position, result in enumerate(merged):
        result.index = position
    return merged


def _order(result: Result) -> tuple[bool, str, int, int, str]:
    if not result.sources:
        return (True, "", 0, 0, result.url)
    source = result.sources[0]
    return (False, source.path, source.line, source.column or 0, result.url)


def _list(numbers: Sequence[int]) -> str:
    shown_numbers = ", ".join(map(str, numbers[:10]))
    return shown_numbers + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def write(summary: Summary, results: Sequence[Result], fmt: Format, output: Path | None) -> None:
    """The merged report in ``fmt``, through the reporters a run uses.
    Raises checker.output's OutputError (before writing) or ReportWriteError."""
    from checker.output import open_output

    options = ReportOptions(actions=github_actions.active(os.environ))
    with open_output(output) as out:
        reporter = make_reporter(fmt, out, sys.stderr, options)
        reporter.start(len(results))
        for result in results:
            reporter.add(result)
        reporter.finish(summary)


def exit_code(summary: Summary) -> int:
    if summary.internal:
        sys.stderr.write(
            f"urlcheck: {summary.internal} URL(s) met an internal error in their shard: "
            "a bug in urlcheck, please report it\n"
        )
        return EXIT_INTERNAL
    return EXIT_FAILED if summary.failed else EXIT_OK


def merge(paths: Sequence[Path], fmt: Format, output: Path | None, partial: bool) -> int:
    """Read, check, combine and write; the exit code. Raises :class:`MergeError`
    for what exits 2, checker.output's errors for an output that fails."""
    try:
        reports = [read(path) for path in paths]
    except ReportError as exc:
        raise MergeError(str(exc)) from None
    summary, results = combine(reports, partial)
    write(summary, results, fmt, output)
    sys.stdout.flush()
    return exit_code(summary)
