"""The closed sets of option values.

Kept free of heavy imports: the CLI needs them to build ``--help``, and
``--help`` must not import aiohttp or pydantic.
"""

from __future__ import annotations

from enum import StrEnum


class StrategyName(StrEnum):
    """Wired to implementations in ``checker.strategies.load``."""

    GATHER = "gather"
    AS_COMPLETED = "as-completed"
    FIRST_COMPLETED = "first-completed"
    FIRST_EXCEPTION = "first-exception"


class Format(StrEnum):
    """Wired to reporters in ``checker.reporters.make_reporter``."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    SARIF = "sarif"
    GITHUB = "github"
    HTML = "html"


class SchemaName(StrEnum):
    """``urlcheck schema NAME``; wired to models in ``checker.schema.MODELS``."""

    REPORT = "report"
    RESULT = "result"


class Method(StrEnum):
    """``auto``: HEAD first, learning per host when to send GET first or believe
    HEAD; ``auto-strict``: the same, but every failing HEAD is confirmed by GET."""

    AUTO = "auto"
    AUTO_STRICT = "auto-strict"
    HEAD = "head"
    GET = "get"


class SourceFormat(StrEnum):
    """Document formats (``--default-format``); each value names its module
    under ``checker.sources``, and ``checker.sources.formats`` maps extensions."""

    URLLIST = "urllist"
    MARKDOWN = "markdown"
    HTML = "html"
    RST = "rst"
    SITEMAP = "sitemap"
    TEXT = "text"  # every URL in prose: files whose extension names no other format
