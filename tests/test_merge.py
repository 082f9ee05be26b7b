"""``urlcheck merge``: three real shard processes plus merge equal one run,
URL for URL and source for source, in every format; incomplete and
inconsistent sets are refused with one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.choices import Format
from tests.conftest import run_cli, spawn_cli
from tests.sharding import site, write_inputs

COMMON = ["--strategy", "gather", "--retries", "0", "--timeout", "10"]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """Shards 1 and 3 of three as json, shard 2 as jsonl, each its own process,
    run side by side against the loopback site; the site stays up for the
    single runs they are compared with."""
    directory = tmp_path_factory.mktemp("shards")
    with site() as bases:
        files = write_inputs(directory, bases)
        procs = []
        for k, suffix in ((1, "json"), (2, "jsonl"), (3, "json")):
            args = [*files, *COMMON, "--shard", f"{k}/3", "--format", suffix]
            procs.append(spawn_cli([*args, "-o", f"s{k}.{suffix}"], cwd=directory))
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode in (0, 1), err.decode()
        yield directory, files


def _merge(directory: Path, *args: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        return run_cli(["merge", *args])


def _single(directory: Path, files: list[str], fmt: Format) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        return run_cli([*files, *COMMON, "--format", fmt.value])


SHARDS = ("s1.json", "s2.jsonl", "s3.json")
# Times differ between any two runs: every figure is compared as "0", and
# what is ordered or binned by time is left out: the text report's slowest
# URLs, the html report's latency chart.
_FIGURES = re.compile(r"\d+(?:\.\d+)?")
_BY_TIME = {
    Format.TEXT: re.compile(r"(?m)^ +[\d,]+ ms  .*\n"),
    Format.HTML: re.compile(r'<svg id="latency-chart".*?</svg>', re.DOTALL),
}


def _without_times(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "elapsed_ms"}


def _normalised(fmt: Format, text: str) -> Any:
    match fmt:
        case Format.JSON:
            document = json.loads(text)
            summary = {k: v for k, v in document["summary"].items() if k != "duration_s"}
            return [_without_times(r) for r in document["results"]], summary, set(document)
        case Format.JSONL:
            return [_without_times(json.loads(line)) for line in text.splitlines()]
        case Format.CSV:
            rows = list(csv.reader(io.StringIO(text)))
            drop = rows[0].index("elapsed_ms")
            return [row[:drop] + row[drop + 1 :] for row in rows]
        case _:
            by_time = _BY_TIME.get(fmt)
            return _FIGURES.sub("0", by_time.sub("", text) if by_time else text)


@pytest.mark.parametrize("fmt", list(Format))
def test_three_shards_merged_equal_one_run(sharded: tuple[Path, list[str]], fmt: Format) -> None:
    directory, files = sharded
    merged = _merge(directory, *SHARDS, "--format", fmt.value)
    single = _single(directory, files, fmt)
    assert merged.exit_code == single.exit_code == 1, merged.stderr
    assert _normalised(fmt, merged.stdout) == _normalised(fmt, single.stdout)


def _refused(result: Any, *words: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_a_missing_shard_is_refused_and_partial_merges_the_rest(
    sharded: tuple[Path, list[str]],
) -> None:
    directory, _ = sharded
    _refused(_merge(directory, "s1.json", "s3.json"), "shard 2 of 3 missing", "--partial")
    partial = _merge(directory, "s1.json", "s3.json", "--partial", "--format", "json")
    assert partial.exit_code == 1  # the merged results hold broken links
    assert "missing: shard 2" in partial.stderr
    urls = {r["url"] for r in json.loads(partial.stdout)["results"]}
    shard_2 = {
        json.loads(line)["url"]
        for line in (directory / "s2.jsonl").read_text().split("\n")[1:]
        if line
    }
    assert urls
    assert shard_2
    assert not urls & shard_2


def test_a_shard_given_twice_is_refused(sharded: tuple[Path, list[str]]) -> None:
    directory, _ = sharded
    (directory / "copy.json").write_bytes((directory / "s3.json").read_bytes())
    _refused(_merge(directory, *SHARDS, "copy.json"), "shard 3/3 is given twice")
    # --partial accepts a missing shard, never a repeated one.
    _refused(_merge(directory, "s1.json", "s1.json", "--partial"), "given twice")


def test_shards_of_different_inputs_or_settings_are_refused(
    sharded: tuple[Path, list[str]],
) -> None:
    directory, files = sharded
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        for name, args in (
            ("input.json", [files[0], *COMMON, "--shard", "3/3"]),  # b.md left out
            ("accept.json", [*files, *COMMON, "--accept", "200..499", "--shard", "3/3"]),
            ("split.json", [*files, *COMMON, "--shard", "3/4"]),
        ):
            assert run_cli([*args, "--format", "json", "-o", name]).exit_code in (0, 1)
    for other in ("input.json", "accept.json"):
        _refused(_merge(directory, "s1.json", "s2.jsonl", other), "different inputs")
        _refused(_merge(directory, "s1.json", other, "--partial"), "different inputs")
    _refused(_merge(directory, "s1.json", "s2.jsonl", "split.json"), "different splits")
    # Presentation is not an input: the same shard as jsonl or json merges alike.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        run_cli([*files, *COMMON, "--shard", "2/3", "--format", "json", "-q", "-o", "s2.json"])
    assert _merge(directory, "s1.json", "s2.json", "s3.json").exit_code == 1


def test_a_report_cut_short_is_refused_unless_partial(sharded: tuple[Path, list[str]]) -> None:
    directory, _ = sharded
    lines = (directory / "s2.jsonl").read_text().splitlines(keepends=True)
    assert len(lines) > 2
    (directory / "cut.jsonl").write_text("".join(lines[:-1]))  # a whole line lost
    _refused(_merge(directory, "s1.json", "cut.jsonl", "s3.json"), "cut short")
    partial = _merge(directory, "s1.json", "cut.jsonl", "s3.json", "--partial")
    assert partial.exit_code == 1
    assert "cut short: cut.jsonl" in partial.stderr
    # A json report cut anywhere is not JSON: refused even with --partial.
    text = (directory / "s1.json").read_text()
    (directory / "cut.json").write_text(text[: len(text) // 2])
    _refused(_merge(directory, "cut.json", "s2.jsonl", "s3.json", "--partial"), "cut.json")


def test_a_result_moved_to_another_shard_is_refused(sharded: tuple[Path, list[str]]) -> None:
    """An edited report: a result of shard 1 pasted into shard 3's."""
    directory, _ = sharded
    one = json.loads((directory / "s1.json").read_text())
    three = json.loads((directory / "s3.json").read_text())
    three["results"].append(one["results"][0])
    three["summary"]["total"] += 1
    three["shard"]["urls"] += 1
    (directory / "edited.json").write_text(json.dumps(three))
    _refused(_merge(directory, "s1.json", "s2.jsonl", "edited.json"), "a URL of shard 1/3")


def test_merge_writes_a_file_atomically_and_refuses_an_unwritable_one(
    sharded: tuple[Path, list[str]],
) -> None:
    directory, _ = sharded
    written = _merge(directory, *SHARDS, "--format", "json", "-o", "merged.json")
    assert written.exit_code == 1
    assert written.stdout == ""
    merged = json.loads((directory / "merged.json").read_text())
    assert "shard" not in merged
    assert (
        merged["summary"]["total"]
        == sum(
            json.loads((directory / name).read_text())["shard"]["urls"]
            for name in ("s1.json", "s3.json")
        )
        + len((directory / "s2.jsonl").read_text().splitlines())
        - 1
    )
    _refused(_merge(directory, *SHARDS, "-o", "no/such/dir/merged.json"))


def test_merge_without_reports_is_a_usage_error() -> None:
    result = run_cli(["merge"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_hostile_text_in_a_report_is_neutralised_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report is input: its URLs and messages reach the merged report only
    through the reporters' escaping, as a live server's answers do."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    url = "http://a.example/\x1b[2J\n::error file=x::owned\u202e"
    result = {
        "url": url,
        "outcome": "error",
        "status": None,
        "final_url": None,
        "redirects": [],
        "error": {"kind": "connect", "message": "::warning::x\x1b]8;;evil\x07"},
        "elapsed_ms": None,
        "attempts": 1,
        "sources": [{"path": "##[error]p\x1b", "line": 1}],
        "sources_total": 1,
        "reason": None,
    }
    stamp = {
        "index": 1,
        "count": 1,
        "inputs": "0" * 64,
        "urls": 1,
        "input_urls": 1,
        "strategy": "gather",
    }
    report = tmp_path / "r.jsonl"
    report.write_text(json.dumps({"shard": stamp}) + "\n" + json.dumps(result) + "\n")
    for fmt in Format:
        merged = run_cli(["merge", str(report), "--format", fmt.value])
        assert merged.exit_code == 1, merged.stderr
        for text in (merged.stdout, merged.stderr):
            assert "\x1b" not in text, fmt
            if fmt is Format.TEXT:  # json and the rest carry data verbatim, as in a run
                assert "\u202e" not in text
            assert not any(
                line.startswith(("::error file=x", "::warning::x", "##[error]"))
                for line in text.splitlines()
            ), fmt
