"""``urlcheck cache stats|clear|prune`` and ``urlcheck history``: the store
(checker/store/) seen from the command line."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, assert_never

import click

from checker.choices import HistoryFormat

if TYPE_CHECKING:  # imported where used: every command builds this group, few use the store
    from checker.store.queries import Timeline

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _path(cache_file: Path | None, *, must_exist: bool = True) -> Path:
    from checker.cli.run import UsageFailure, settings_from
    from checker.store import path_of

    if cache_file is None:  # the configuration file's, as a run would use
        cache_file = settings_from({}, None, no_config=False).cache_file
    path = path_of(cache_file)
    if must_exist and not path.is_file():
        raise UsageFailure(f"no store at {str(path)!r}: a run with --cache makes one")
    return path


def _duration(text: str | None, flag: str) -> float | None:
    from checker.cli.run import UsageFailure
    from checker.durations import parse_duration

    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise UsageFailure(f"{flag}: {exc}") from None


def _guarded(call: Any) -> Any:
    """A damaged or foreign store: one line, exit 2 (as a run says it)."""
    from checker.cli.run import UsageFailure
    from checker.store import StoreError

    try:
        return call()
    except StoreError as exc:
        raise UsageFailure(str(exc)) from None


def _stats(cache_file: Path | None) -> None:
    from checker.store import queries

    found = _guarded(lambda: queries.stats(_path(cache_file)))
    width = max(map(len, found))
    for key, value in found.items():
        sys.stdout.write(f"{key:<{width}}  {'-' if value is None else value}\n")


def _clear(cache_file: Path | None) -> None:
    from checker.store import queries

    path = _path(cache_file, must_exist=False)
    removed = _guarded(lambda: queries.clear(path))
    sys.stdout.write(f"{'removed' if removed else 'no store at'} {path}\n")


def _prune(cache_file: Path | None, older_than: str) -> None:
    from checker.store import queries

    age = _duration(older_than, "--older-than")
    assert age is not None
    urls, runs = _guarded(lambda: queries.prune(_path(cache_file), age))
    sys.stdout.write(f"pruned {urls} URL(s) and {runs} run(s) older than {older_than}\n")


def _history(
    urls: tuple[str, ...],
    cache_file: Path | None,
    failing: bool,
    flaky: bool,
    since: str | None,
    format: str,
) -> None:
    from checker.store import queries

    age = _duration(since, "--since")
    path = _path(cache_file)
    lines = _guarded(
        lambda: list(queries.timelines(path, urls, failing=failing, flaky=flaky, since=age))
    )
    render(HistoryFormat(format), lines, sys.stdout)


def render(format: HistoryFormat, lines: Iterable[Timeline], out: IO[str]) -> None:
    from checker.reporters.csv import cell  # the report's rule: no escape, no formula
    from checker.store.codec import iso

    match format:
        case HistoryFormat.TEXT:
            for line in lines:
                out.write(_text(line) + "\n")
        case HistoryFormat.JSON:
            json.dump([line.to_dict() for line in lines], out, indent=2)
            out.write("\n")
        case HistoryFormat.JSONL:
            for line in lines:
                out.write(json.dumps(line.to_dict(), separators=(",", ":")) + "\n")
        case HistoryFormat.CSV:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["url", "checked_at", "outcome", "status"])
            for line in lines:
                for check in line.checks:
                    writer.writerow(
                        [cell(line.url), iso(check.at), check.outcome, check.status or ""]
                    )
        case _:
            assert_never(format)


def _text(line: Timeline) -> str:
    """``URL  ..x.xx  404 broken, failing 2 runs since …, flaky``: one mark per check."""
    from checker.store.codec import iso

    marks = "".join("." if c.ok else "x" for c in line.checks)
    last = line.checks[-1] if line.checks else None
    notes = []
    if last is not None:
        notes.append(f"{last.status or ''} {last.outcome}".strip())
    if line.failing:
        notes.append(
            f"failing {line.consecutive_failures} run(s) since {iso(line.first_failed_at)}"
        )
    if line.flaky:
        notes.append("flaky")
    return f"{_shown(line.url)}  {marks}  {', '.join(notes)}"


def _shown(text: str) -> str:
    """A stored URL may hold anything: no control character reaches the terminal."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


_FILE = click.Option(
    ["--cache-file", "cache_file"],
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="PATH",
    help="The store (default: the configuration's cache_file, else "
    ".urlcheck/cache.sqlite at the repository root).",
)


def commands() -> list[click.Command]:
    cache = click.Group(
        "cache",
        help="Look after the store of results (--cache).",
        short_help="The store of results: stats, clear, prune.",
        context_settings=CONTEXT,
    )
    cache.add_command(
        click.Command(
            "stats",
            params=[_FILE],
            callback=_stats,
            help="What the store holds.",
            context_settings=CONTEXT,
        )
    )
    cache.add_command(
        click.Command(
            "clear",
            params=[_FILE],
            callback=_clear,
            help="Remove the store, even a damaged one.",
            context_settings=CONTEXT,
        )
    )
    cache.add_command(
        click.Command(
            "prune",
            params=[
                _FILE,
                click.Option(
                    ["--older-than"],
                    required=True,
                    metavar="DURATION",
                    help="Forget URLs last checked longer ago than this, e.g. 30d.",
                ),
            ],
            callback=_prune,
            help="Forget URLs and runs older than --older-than.",
            context_settings=CONTEXT,
        )
    )
    history = click.Command(
        "history",
        params=[
            click.Argument(["urls"], nargs=-1),
            _FILE,
            click.Option(["--failing"], is_flag=True, help="Only URLs failing now."),
            click.Option(["--flaky"], is_flag=True, help="Only flaky URLs."),
            click.Option(["--since"], metavar="DURATION", help="Only checks this recent, e.g. 7d."),
            click.Option(
                ["--format"],
                type=click.Choice([f.value for f in HistoryFormat]),
                default=HistoryFormat.TEXT.value,
                show_default=True,
            ),
        ],
        callback=_history,
        help="Each URL's recent checks as a timeline (. ok, x failed), oldest first.",
        short_help="Each URL's recent checks as a timeline.",
        context_settings=CONTEXT,
    )
    return [cache, history]
