"""The published JSON Schema: generated from checker.schema, committed in
schema/, and obeyed by what the json and jsonl reporters really write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.choices import SchemaName, StrategyName
from checker.hoststats import HostStats
from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.schema import json_schema, render
from tests.conftest import run_cli
from tests.reporters.conftest import Site

SCHEMA_DIR = Path(__file__).parent.parent.parent / "schema"


def validator(name: SchemaName) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", list(SchemaName))
def test_committed_schema_matches_the_models(name: SchemaName) -> None:
    """Fails when checker/schema.py changes and schema/ is not regenerated:
    urlcheck schema report > schema/report.schema.json (and result)."""
    committed = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == render(name)


@pytest.mark.parametrize("name", list(SchemaName))
def test_cli_prints_the_schema(name: SchemaName) -> None:
    result = run_cli(["schema", str(name)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema(name)


def test_schema_defaults_to_the_report_and_rejects_other_names() -> None:
    assert json.loads(run_cli(["schema"]).stdout)["title"] == "urlcheck report"
    bad = run_cli(["schema", "nope"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("urlcheck: error:")
    assert len(bad.stderr.splitlines()) == 1


def test_a_file_named_schema_is_checked_as_dot_slash_schema(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("schema").write_text(site.ok + "\n")
    result = run_cli(["./schema", "--format", "jsonl"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["url"] == site.ok


def test_real_json_report_validates(site: Site) -> None:
    result = site.run("json", "-v")
    document = json.loads(result.stdout)
    validator(SchemaName.REPORT).validate(document)
    outcomes = {r["outcome"] for r in document["results"]}
    assert outcomes == {"ok", "broken", "error", "excluded"}


def test_real_json_report_with_host_stats_validates(site: Site) -> None:
    document = json.loads(site.run("json", "--host-stats").stdout)
    validator(SchemaName.REPORT).validate(document)
    [figures] = document["hosts"].values()
    assert figures["ok"] == 1


def test_real_jsonl_lines_validate(site: Site) -> None:
    check = validator(SchemaName.RESULT)
    lines = site.run("jsonl").stdout.splitlines()
    assert len(lines) == 4
    for line in lines:
        check.validate(json.loads(line))


def test_schema_is_exact_an_unknown_key_fails() -> None:
    """So a field added to to_dict() without the schema cannot go unnoticed."""
    data = Result("http://x.test/", Outcome.OK, (Source("a", 1),)).to_dict()
    check = validator(SchemaName.RESULT)
    check.validate(data)
    with pytest.raises(jsonschema.ValidationError):
        check.validate({**data, "surprise": 1})
    with pytest.raises(jsonschema.ValidationError):
        check.validate({k: v for k, v in data.items() if k != "reason"})


REPORT = validator(SchemaName.REPORT)
RESULT = validator(SchemaName.RESULT)

sources = st.builds(
    Source,
    path=st.text(min_size=1, max_size=20),
    line=st.integers(1, 10**6),
    column=st.none() | st.integers(1, 10**4),
)
results = st.builds(
    Result,
    url=st.text(max_size=40),
    outcome=st.sampled_from(Outcome),
    sources=st.lists(sources, max_size=3).map(tuple),
    status=st.none() | st.integers(100, 999),
    final_url=st.none() | st.text(max_size=20),
    redirects=st.lists(st.text(max_size=20), max_size=3),
    error=st.none() | st.builds(Failure, st.sampled_from(ErrorKind), st.text(max_size=20)),
    elapsed_ms=st.none() | st.floats(0, 1e7),
    attempts=st.integers(0, 10),
    reason=st.none() | st.text(max_size=20),
)


seconds = st.floats(0, 1e6)
host_stats = st.builds(
    HostStats,
    requests=st.integers(0, 10**6),
    throttled=st.integers(0, 10**6),
    time_s=seconds,
    waited_s=seconds,
    interval_s=seconds,
    max_interval_s=seconds,
)


@settings(max_examples=60, deadline=None)
@given(
    results=st.lists(results, max_size=4),
    strategy=st.sampled_from(StrategyName),
    hosts=st.none() | st.dictionaries(st.text(max_size=10), host_stats, max_size=3),
)
def test_every_dataclass_to_dict_validates(
    results: list[Result], strategy: StrategyName, hosts: dict[str, HostStats] | None
) -> None:
    summary = Summary(strategy.value)
    for result in results:
        summary.add(result)
    document: dict[str, Any] = {
        "results": [r.to_dict() for r in results],
        "summary": summary.to_dict(),
    }
    if hosts is not None:
        document["hosts"] = {host: entry.to_dict() for host, entry in hosts.items()}
    REPORT.validate(document)
    for result in results:
        RESULT.validate(result.to_dict())
