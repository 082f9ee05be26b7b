"""junit: JUnit XML for CI test reports (GitLab, Jenkins, test-report actions).

One ``<testsuite>`` per source file, one ``<testcase>`` per place a link was
read from (``name`` the URL, ``classname`` and ``file`` the path, ``line``),
so a link used on three pages is three test cases. The idiom maps outcomes:

- ok: a passing test case;
- broken: ``<failure>`` (the link answered, wrongly), type ``broken``;
- error: ``<error>`` (no usable answer), type ``error/<kind>``;
- cancelled and excluded: ``<skipped>`` (never finished, or never checked),
  with the reason. Cancelled still fails the run through the exit code;
- a broken or errored link reported as a warning (``--warn``,
  ``--redirects warn``): ``<skipped>`` typed ``warning/<rule>``, since it
  does not fail the run and a ``<failure>`` would fail CI's test report.

Suites are sorted by path and cases by line, so the file is stable from run to
run whatever order the checks finished in. The whole report is held until the
end, because each suite opens with its counts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from checker.models import LateSources, Outcome, Result, Summary
from checker.reporters.describe import is_file, occurrences, reason, rule_id
from checker.reporters.interface import Kept, Reporter
from checker.reporters.neutral import xml_safe
from checker.reporters.plain import escape


def _xml(text: str) -> str:
    """Printable: the characters XML 1.0 cannot carry at all (not even as
    references), terminal escapes and C1 controls are shown as escapes."""
    return escape(text, keep="\t\n\r")


def _seconds(result: Result) -> str:
    return f"{(result.elapsed_ms or 0.0) / 1000:.3f}"


def _details(result: Result) -> str:
    lines = [f"url: {result.url}", f"outcome: {result.outcome}"]
    if result.status is not None:
        lines.append(f"status: {result.status}")
    if result.redirects:
        lines += [f"redirect: {url}" for url in result.redirects]
    if result.error is not None:
        lines.append(f"error: {result.error.kind}: {result.error.message}")
    if result.warning is not None:
        lines.append(f"warning: {result.warning}")
    lines.append(f"attempts: {result.attempts}")
    return "\n".join(lines)


def testcase(result: Result, path: str, line: int, file: bool) -> ET.Element:
    case = ET.Element("testcase", name=_xml(result.url), classname=_xml(path))
    if file:
        case.set("file", _xml(path))
    case.set("line", str(line))
    case.set("time", _seconds(result))
    kind = {Outcome.BROKEN: "failure", Outcome.ERROR: "error"}.get(result.outcome)
    if kind is not None and result.warning is not None:
        # Only a warning: not a failing test, which CI report tools count as
        # a failed build; <skipped> shows it, typed "warning/<rule>".
        detail = ET.SubElement(case, "skipped", message=_xml(reason(result)))
        detail.set("type", f"warning/{rule_id(result)}")
        detail.text = _xml(_details(result))
    elif kind is not None:
        detail = ET.SubElement(case, kind, message=_xml(reason(result)))
        detail.set("type", rule_id(result))
        detail.text = _xml(_details(result))
    elif result.outcome in (Outcome.CANCELLED, Outcome.EXCLUDED):
        ET.SubElement(case, "skipped", message=_xml(reason(result)))
    return case


def document(results: list[Result], summary: Summary) -> ET.Element:
    root = ET.Element("testsuites", name="urlcheck")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for path, group in groupby(occurrences(results), key=lambda pair: pair[0].path):
        suite = ET.SubElement(root, "testsuite", name=_xml(path))
        cases = [testcase(result, path, source.line, is_file(source)) for source, result in group]
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{sum(float(c.get('time', 0)) for c in cases):.3f}")
        suite.extend(cases)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{summary.duration_s:.3f}")
    return root


class JunitReporter(Reporter):
    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._results: list[Result] = []
        self._kept = Kept()  # for places found late (--crawl)

    def add(self, result: Result) -> None:
        self._results.append(self._kept.keep(result))

    def late_sources(self, late: LateSources) -> None:
        self._kept.late(late)

    def finish(self, summary: Summary) -> None:
        root = document(self._results, summary)
        ET.indent(root)
        self._out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        # ElementTree writes "\x1b" and other C0 controls as they are (they
        # are replaced by _xml); "##[" becomes a character reference.
        self._out.write(xml_safe(ET.tostring(root, encoding="unicode")) + "\n")
        self._out.flush()
