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
    from checker.reporters.csv import CsvReporter
    from checker.reporters.github import GithubReporter
    from checker.reporters.html import HtmlReporter
    from checker.reporters.json import JsonReporter
    from checker.reporters.jsonl import JsonLinesReporter
    from checker.reporters.junit import JunitReporter
    from checker.reporters.markdown import MarkdownReporter
    from checker.reporters.sarif import SarifReporter
    from checker.reporters.text import TextReporter

    match fmt:
        case Format.TEXT:
            return TextReporter(out, err, settings)
        case Format.JSON:
            return JsonReporter(out, err, settings)
        case Format.JSONL:
            return JsonLinesReporter(out, err, settings)
        case Format.CSV:
            return CsvReporter(out, err, settings)
        case Format.MARKDOWN:
            return MarkdownReporter(out, err, settings)
        case Format.JUNIT:
            return JunitReporter(out, err, settings)
        case Format.SARIF:
            return SarifReporter(out, err, settings)
        case Format.GITHUB:
            return GithubReporter(out, err, settings)
        case Format.HTML:
            return HtmlReporter(out, err, settings)
        case _:
            assert_never(fmt)
