"""Every declared format is wired to a reporter, and none leaks a secret."""

from __future__ import annotations

import io

import pytest

from checker.choices import Format
from checker.models import Outcome, Result, Source, Summary
from checker.reporters import Reporter, make_reporter
from checker.reporters.interface import ReportOptions
from tests.reporters.conftest import SECRET, Site


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_is_wired_to_a_reporter(fmt: Format) -> None:
    """Fails when a Format member is added without its ``case`` in make_reporter."""
    out, err = io.StringIO(), io.StringIO()
    reporter = make_reporter(fmt, out, err, ReportOptions())
    assert isinstance(reporter, Reporter)
    reporter.start(1)
    reporter.add(Result("http://x.test/", Outcome.BROKEN, (Source("a.md", 1),), status=404))
    reporter.finish(Summary("gather", total=1, broken=1))
    assert "x.test" in out.getvalue()


@pytest.mark.parametrize("fmt", list(Format))
def test_no_format_ever_writes_a_header_value(site: Site, fmt: Format) -> None:
    result = site.run(str(fmt), "-v")
    assert result.exit_code == 1
    assert site.missing in result.stdout
    assert SECRET not in result.stdout + result.stderr
