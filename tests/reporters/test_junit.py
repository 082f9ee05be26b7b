"""junit: read back with junitparser, the library CI tooling uses."""

from __future__ import annotations

import io
from pathlib import Path

from junitparser import Attr, IntAttr, JUnitXml, TestCase

from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporters.junit import JunitReporter
from tests.reporters.conftest import Site


class LinkCase(TestCase):  # type: ignore[misc]
    """The attributes GitLab and annotation actions read to point at a line."""

    file = Attr()
    line = IntAttr()


def cases(xml: JUnitXml) -> list[tuple[str, LinkCase]]:
    return [(suite.name, LinkCase.fromelem(case)) for suite in xml for case in suite]


def test_cli_writes_a_suite_per_file_and_a_case_per_line(site: Site, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    result = site.run("junit", "-o", str(report))
    assert result.exit_code == 1
    xml = JUnitXml.fromfile(str(report))
    [suite] = list(xml)
    assert suite.name == str(site.urls)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (5, 2, 1, 1)
    found = [(case.line, case.name, case.file) for _, case in cases(xml)]
    assert found == [
        (1, site.ok, str(site.urls)),
        (2, site.missing, str(site.urls)),
        (3, site.down, str(site.urls)),
        (4, site.missing, str(site.urls)),
        (5, site.excluded, str(site.urls)),
    ]
    ok, broken, down, _, excluded = (case for _, case in cases(xml))
    assert ok.is_passed
    assert broken.is_failure
    [failure] = broken.result
    assert (failure.type, failure.message) == ("broken", "HTTP 404")
    assert down.is_error
    assert down.result[0].type == "error/connect"
    assert excluded.is_skipped
    assert "matches --exclude" in excluded.result[0].message


def test_cancelled_is_skipped_and_stdin_gets_its_own_suite() -> None:
    out = io.StringIO()
    reporter = JunitReporter(out)
    reporter.start(2)
    reporter.add(Result("http://b.test/", Outcome.CANCELLED, (Source("b.md", 2), Source("-", 1))))
    reporter.add(
        Result(
            "http://a.test/\x00<&>",  # not even XML 1.0 can hold NUL
            Outcome.ERROR,
            (Source("a.md", 7),),
            error=Failure(ErrorKind.TIMEOUT, "no complete response within 3 s"),
            elapsed_ms=3000.0,
        )
    )
    reporter.finish(Summary("gather", total=2, error=1, cancelled=1, duration_s=3.2))
    xml = JUnitXml.fromstring(out.getvalue().encode())
    assert [s.name for s in xml] == ["-", "a.md", "b.md"]  # sorted: stable run to run
    assert (xml.tests, xml.errors, xml.skipped, xml.time) == (3, 1, 2, 3.2)
    by_suite = dict(cases(xml))
    assert by_suite["-"].is_skipped
    assert by_suite["-"].file is None  # stdin is no file
    assert by_suite["a.md"].name == "http://a.test/\\x00<&>"
    assert by_suite["a.md"].time == 3.0
    assert by_suite["b.md"].is_skipped
