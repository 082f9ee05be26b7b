"""sarif: validated against the official SARIF 2.1.0 schema (tests/data)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checker import __version__
from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporters.sarif import ERROR_KINDS, SarifReporter
from tests.reporters.conftest import Site

SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text())
# jsonschema does not check the "uri-reference" format without extra packages.
_URI_REFERENCE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*\Z")


def validate(document: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    for run in document["runs"]:
        for result in run["results"]:
            for location in result["locations"]:
                assert _URI_REFERENCE.match(location["physicalLocation"]["artifactLocation"]["uri"])


def render(*results: Result) -> dict[str, Any]:
    out = io.StringIO()
    reporter = SarifReporter(out)
    reporter.start(len(results))
    for result in results:
        reporter.add(result)
    reporter.finish(Summary("gather"))
    document: dict[str, Any] = json.loads(out.getvalue())
    validate(document)
    return document


def test_cli_output_is_valid_sarif_pointing_at_each_failing_line(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site.urls.parent)
    result = site.run("sarif", source="./urls.txt")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    validate(document)
    [run] = document["runs"]
    assert run["tool"]["driver"]["name"] == "urlcheck"
    assert run["tool"]["driver"]["version"] == __version__
    found = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ]
    where = {"uri": "urls.txt", "uriBaseId": "%SRCROOT%"}
    assert found == [
        ("broken", "error", where, {"startLine": 2}),
        ("error/connect", "error", where, {"startLine": 3}),
        ("broken", "error", where, {"startLine": 4}),
    ]
    assert run["results"][0]["message"]["text"] == f"{site.missing} — HTTP 404"
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_every_error_kind_has_a_rule() -> None:
    assert set(ERROR_KINDS) == set(ErrorKind)


def test_columns_absolute_paths_and_files_that_are_not_files() -> None:
    document = render(
        Result("http://x.test/", Outcome.BROKEN, (Source("docs/a b#1.md", 3, 14),), status=410),
        Result(
            "http://y.test/",
            Outcome.ERROR,
            (Source("/srv/site/ü.md", 1), Source("-", 1), Source("<arg>", 2)),
            error=Failure(ErrorKind.DNS, "no such host"),
        ),
        Result("http://z.test/", Outcome.CANCELLED, (Source("c.md", 5),)),
        Result("http://ok.test/", Outcome.OK, (Source("c.md", 6),), status=200),
    )
    locations = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"])
        for r in document["runs"][0]["results"]
    ]
    assert locations == [
        (
            "error/dns",
            "error",
            {"artifactLocation": {"uri": "file:///srv/site/%C3%BC.md"}, "region": {"startLine": 1}},
        ),
        (
            "cancelled",
            "warning",
            {
                "artifactLocation": {"uri": "c.md", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 5},
            },
        ),
        (
            "broken",
            "error",
            {
                "artifactLocation": {"uri": "docs/a%20b%231.md", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 14},
            },
        ),
    ]


def test_a_clean_run_is_an_empty_but_valid_log() -> None:
    assert render()["runs"][0]["results"] == []
