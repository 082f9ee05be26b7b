"""Reading shard reports back (checker/shardreports.py): whatever a file
holds, it is read or refused with one ReportError line, never a crash; what
a shard wrote reads back to the very same results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.shardreports import MAX_LINE, ReportError, read
from tests.conftest import run_cli

INPUTS = "a" * 64
STAMP = {"index": 1, "count": 1, "inputs": INPUTS, "urls": 1, "input_urls": 1, "strategy": "gather"}
RESULT = {
    "url": "http://a.example/x",
    "outcome": "broken",
    "status": 404,
    "final_url": "http://a.example/x",
    "redirects": [],
    "error": None,
    "elapsed_ms": 1.5,
    "attempts": 1,
    "sources": [{"path": "in.txt", "line": 3, "column": 7}],
    "sources_total": 250,
    "reason": None,
    "moved_to": "http://a.example/y",
    "suggestion": "http://web.archive.org/x",
    "warning": "--warn 404",
    "health": {
        "first_failed_at": "2026-01-01T00:00:00Z",
        "consecutive_failures": 2,
        "last_ok_at": None,
        "flaky": False,
        "new": False,
        "counts": False,
    },
    "cached": True,
    "checked_at": "2026-01-02T00:00:00Z",
}
SUMMARY = {
    "total": 1,
    "ok": 0,
    "broken": 1,
    "error": 0,
    "excluded": 0,
    "cancelled": 0,
    "warnings": 1,
    "duration_s": 0.5,
    "strategy": "gather",
}


def _jsonl(tmp_path: Path, *lines: Any) -> Path:
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_every_field_of_a_result_reads_back_as_written(tmp_path: Path) -> None:
    report = read(_jsonl(tmp_path, {"shard": STAMP}, RESULT))
    assert [r.to_dict() for r in report.results] == [RESULT]
    layout = tmp_path / "r.json"  # the json reporter's own layout, streamed
    layout.write_text(
        '{"results": [\n  '
        + json.dumps(RESULT)
        + '\n], "summary": '
        + json.dumps(SUMMARY)
        + ', "shard": '
        + json.dumps(STAMP)
        + "}\n"
    )
    assert [r.to_dict() for r in read(layout).results] == [RESULT]
    assert read(layout).duration_s == 0.5
    pretty = tmp_path / "pretty.json"  # any other layout, e.g. jq's
    pretty.write_text(
        json.dumps({"results": [RESULT], "summary": SUMMARY, "shard": STAMP}, indent=2)
    )
    assert [r.to_dict() for r in read(pretty).results] == [RESULT]


def _refused(path: Path, *words: str) -> None:
    with pytest.raises(ReportError) as caught:
        read(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "\x1b" not in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ["not a urlcheck"]),
        (b"\x00" * 100, ["not a urlcheck"]),
        (b"\xff\xfe{", ["not a urlcheck"]),
        (b'{"shard": ' + b"\xff" + b"}\n", ["not UTF-8"]),
        (b"[" * 100_000 + b"\n", ["not a urlcheck"]),
        (b'{"a":' * 100_000 + b"\n", ["nested too deeply"]),
        (b'{"results": [\n  {"url": 1e999}\n], "summary": {}}\n', ["not JSON"]),
        (b'{"results": [\n  {"url": NaN}\n]}\n', ["not JSON"]),
        (b'{"results": [\n  {"n": ' + b"9" * 5000 + b"}\n]}\n", ["not JSON"]),
        (b'{"results": [\n  {"url": "x"', ["not JSON"]),
        (b'{"results": [\n', ["cut short"]),
        (b'{"results": []}\n', ['no "shard"']),
        (b'{"results": [], "summary": {}, "shard": {}, "evil": 1}\n', ["unknown key"]),
        (b'{"shard": {"index": 2, "count": 1}}\n', ["shard"]),
        (b'{"shard": {"index": 0, "count": 1, "inputs": "x"}}\n', ["shard"]),
        (b'{"shard": null}\n', ["shard"]),
        (b"{}\n", ["not a urlcheck"]),
        (b"\x1b[31m::error::x\n", ["not a urlcheck"]),
    ],
)
def test_garbage_is_refused_in_one_line(tmp_path: Path, content: bytes, words: list[str]) -> None:
    path = tmp_path / "report"
    path.write_bytes(content)
    _refused(path, *words)


def test_results_that_no_run_writes_are_refused(tmp_path: Path) -> None:
    for bad in (
        {**RESULT, "outcome": "fine"},
        {**RESULT, "status": 42},
        {**RESULT, "sources_total": 0},  # below the sources listed
        {**RESULT, "sources": [{"path": "x", "line": -1}]},
        {**RESULT, "unknown": True},
        {**RESULT, "error": {"kind": "bug", "message": "x"}},
        {**RESULT, "elapsed_ms": -1},
        [RESULT],
        "http://a.example/",
    ):
        _refused(_jsonl(tmp_path, {"shard": STAMP}, bad))
    inconsistent = tmp_path / "sum.json"
    inconsistent.write_text(
        json.dumps({"results": [RESULT], "summary": {**SUMMARY, "total": 3}, "shard": STAMP})
    )
    _refused(inconsistent, "summary counts 3")


def test_files_that_are_no_files(tmp_path: Path) -> None:
    _refused(tmp_path, "cannot read")
    _refused(tmp_path / "missing.json", "cannot read", "No such file")
    _refused(Path("/dev/zero"), "not a urlcheck")
    long_line = tmp_path / "long.jsonl"
    with long_line.open("wb") as file:
        file.write(json.dumps({"shard": STAMP}).encode() + b"\n")
        file.write(b'{"url": "' + b"x" * (MAX_LINE + 10))
    _refused(long_line, "longer than")
    odd = tmp_path / "a\x1b[2Jname\n.json"
    odd.write_bytes(b"nope")
    with pytest.raises(ReportError) as caught:
        read(odd)
    assert "\x1b" not in str(caught.value)
    assert "\n" not in str(caught.value)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz"
    path.write_bytes(content)
    try:
        read(path)
    except ReportError as exc:
        message = str(exc)
        assert "\n" not in message


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(sorted(RESULT)), _json, st.sampled_from(sorted(STAMP)), _json)
def test_any_value_in_any_field_is_read_or_refused(
    tmp_path: Path, key: str, value: Any, stamp_key: str, stamp_value: Any
) -> None:
    for stamp, result in (
        ({**STAMP, stamp_key: stamp_value}, RESULT),
        (STAMP, {**RESULT, key: value}),
    ):
        path = _jsonl(tmp_path, {"shard": stamp}, result)
        try:
            report = read(path)
        except ReportError as exc:
            message = str(exc)
            assert "\n" not in message
            continue
        # Accepted: then it is what a run would write, and writes back as JSON.
        for each in report.results:
            json.dumps(each.to_dict(), allow_nan=False)


@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=100) | _json.map(lambda v: json.dumps(v).encode()))
def test_merge_of_garbage_exits_2_in_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    result = run_cli(["merge", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("urlcheck: error: ")
    assert result.stderr.count("\n") == 1
