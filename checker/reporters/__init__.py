"""Reporters: one module per output format.

Adding one is one module with a :class:`Reporter` subclass, plus one member
of ``Format`` (choices.py) and one ``case`` below; ``tests/reporters`` fails
if a format is not wired in.
"""

from __future__ import annotations

from typing import TextIO, assert_never

from checker.choices import Format
from checker.reporters.interface import Reporter
from checker.settings import Settings

__all__ = ["Reporter", "make_reporter"]


def make_reporter(fmt: Format, out: TextIO, err: TextIO, settings: Settings) -> Reporter:
    return _reporter_class(fmt)(out, err, settings)


def _reporter_class(fmt: Format) -> type[Reporter]:
    # Each import sits in its case: a json run must not pay for rich (text) or
    # ElementTree (junit) at start-up.
    match fmt:
        case Format.TEXT:
            from checker.reporters.text import TextReporter

            return TextReporter
        case Format.JSON:
            from checker.reporters.json import JsonReporter

            return JsonReporter
        case Format.JSONL:
            from checker.reporters.jsonl import JsonLinesReporter

            return JsonLinesReporter
        case Format.CSV:
            from checker.reporters.csv import CsvReporter

            return CsvReporter
        case Format.MARKDOWN:
            from checker.reporters.markdown import MarkdownReporter

            return MarkdownReporter
        case Format.JUNIT:
            from checker.reporters.junit import JunitReporter

            return JunitReporter
        case Format.SARIF:
            from checker.reporters.sarif import SarifReporter

            return SarifReporter
        case Format.GITHUB:
            from checker.reporters.github import GithubReporter

            return GithubReporter
        case Format.HTML:
            from checker.reporters.html import HtmlReporter

            return HtmlReporter
        case _:
            assert_never(fmt)
