"""Reporters: one module per output format.

Adding one is one module with a :class:`Reporter` subclass, plus one member
of ``Format`` (choices.py) and one ``case`` below; ``tests/reporters`` fails
if a format is not wired in. Each reporter is given the streams it writes
to and the :class:`ReportOptions` it reads, nothing more.
"""

from __future__ import annotations

from typing import TextIO, assert_never

from checker.choices import Format
from checker.reporters.interface import Reporter, ReportOptions

__all__ = ["ReportOptions", "Reporter", "make_reporter"]


def make_reporter(fmt: Format, out: TextIO, err: TextIO, options: ReportOptions) -> Reporter:
    """The ``fmt`` report on ``out``; a streaming format's summary line goes to ``err``."""
    # Each import sits in its case: a json run must not pay for rich (text) or
    # ElementTree (junit) at start-up.
    match fmt:
        case Format.TEXT:
            from checker.reporters.text import TextReporter

            return TextReporter(out, options)
        case Format.JSON:
            from checker.reporters.json import JsonReporter

            return JsonReporter(out, options)
        case Format.JSONL:
            from checker.reporters.jsonl import JsonLinesReporter

            return JsonLinesReporter(out, err, options)
        case Format.CSV:
            from checker.reporters.csv import CsvReporter

            return CsvReporter(out, err, options)
        case Format.MARKDOWN:
            from checker.reporters.markdown import MarkdownReporter

            return MarkdownReporter(out, options)
        case Format.JUNIT:
            from checker.reporters.junit import JunitReporter

            return JunitReporter(out)
        case Format.SARIF:
            from checker.reporters.sarif import SarifReporter

            return SarifReporter(out)
        case Format.GITHUB:
            from checker.reporters.github import GithubReporter

            return GithubReporter(out, err, options)
        case Format.HTML:
            from checker.reporters.html import HtmlReporter

            return HtmlReporter(out, options)
        case _:
            assert_never(fmt)
