"""The closed sets of option values, and how an option appears on the command line.

Kept free of heavy imports: ``urlcheck --version`` must not import aiohttp
or pydantic, and ``import checker`` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel


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
    LATE_SOURCES = "late-sources"  # --crawl: the closing jsonl lines
    SHARD = "shard"  # the first line of a --shard jsonl report


class Method(StrEnum):
    """``auto``: HEAD first, learning per host when to send GET first or believe
    HEAD; ``auto-strict``: the same, but every failing HEAD is confirmed by GET."""

    AUTO = "auto"
    AUTO_STRICT = "auto-strict"
    HEAD = "head"
    GET = "get"


class Fragments(StrEnum):
    """``--fragments``: which ``#anchor`` links are checked (checker/anchors/)."""

    OFF = "off"
    LOCAL = "local"  # fragments into local files, same-document ``#x`` links included
    ALL = "all"  # remote pages too: read with GET, capped by --max-page-size


class RedirectPolicy(StrEnum):
    """``--redirects``; wired in ``checker.levels.Judge``."""

    ALLOW = "allow"  # a redirect is followed, and the link is judged by where it ends
    WARN = "warn"  # a redirect no --allowed-redirect allows is a warning
    ERROR = "error"  # ... is broken (error kind ``redirected``)


class SourceFormat(StrEnum):
    """Document formats (``--default-format``); each value names its module
    under ``checker.sources``, and ``checker.sources.formats`` maps extensions."""

    URLLIST = "urllist"
    MARKDOWN = "markdown"
    HTML = "html"
    RST = "rst"
    SITEMAP = "sitemap"
    TEXT = "text"  # every URL in prose: files whose extension names no other format
    CSS = "css"  # url() and @import in stylesheets


class FailOnMode(StrEnum):
    """``--fail-on``: which failures make the exit code 1 (checker/store/health.py)."""

    ANY = "any"
    NEW = "new"
    PERSISTENT = "persistent"


class HistoryFormat(StrEnum):
    """``urlcheck history --format``; wired in ``checker.cli.store.render``."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


class Panel(StrEnum):
    """The groups ``--help`` shows options in, in this order."""

    INPUTS = "Inputs"
    CHECKING = "Checking"
    HTTP = "HTTP"
    OUTPUT = "Output"
    CRAWL = "Crawling"
    SCALING = "Scaling"
    CACHE = "Cache"
    CONFIGURATION = "Configuration"


@dataclass(frozen=True)
class Cli:
    """How a Settings field appears on the command line, beside its type,
    default and ``description``: ``Annotated[int, Cli(short="-c")]``.

    A field without one is still an option: ``--field-name`` in the Checking
    panel, a ``--flag/--no-flag`` pair for a bool, repeatable for a tuple.
    """

    long: str | None = None  # e.g. "--header" for the field ``headers``
    short: str | None = None
    metavar: str | None = None
    panel: Panel = Panel.CHECKING
    negatable: bool = True  # a bool has a --no- form
    default_help: str | None = None  # shown instead of the default value
    envvar: str | None = None
    option: bool = True  # False: only in configuration files (``hosts``)


def cli_of(name: str, model: type[BaseModel] | None = None) -> Cli:
    """How the field ``name`` of ``model`` (default: Settings) appears on the
    command line: its :class:`Cli` marker, or the defaults when it has none."""
    if model is None:
        from checker.settings import Settings

        model = Settings
    field = model.model_fields[name]
    return next((m for m in field.metadata if isinstance(m, Cli)), Cli())


def flag_of(name: str, model: type[BaseModel] | None = None) -> str:
    """The long option of the field ``name``: ``--per-host``, ``--header``."""
    return cli_of(name, model).long or "--" + name.replace("_", "-")
