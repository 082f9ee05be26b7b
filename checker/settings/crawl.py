"""The Crawling panel's settings: reading the pages of ``http(s)://`` sources
and following their links (checker/crawl/)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from checker.choices import Cli, Panel
from checker.optiontypes import RegexItem

CRAWL = Panel.CRAWL
MAX_DEPTH = 1_000_000
MAX_PAGES = 100_000_000


class CrawlSettings(BaseModel):
    crawl: Annotated[bool, Cli(panel=CRAWL, negatable=False)] = Field(
        default=False,
        description="Read each http(s) SOURCE as a page: check its links, and read "
        "and follow the pages inside the crawl scope.",
    )
    depth: Annotated[int | None, Cli(panel=CRAWL, metavar="N", default_help="unlimited")] = Field(
        default=None,
        ge=0,
        le=MAX_DEPTH,
        description="How far --crawl follows links: 0 checks the seed's links only.",
    )
    max_pages: Annotated[int, Cli(panel=CRAWL, metavar="N")] = Field(
        default=10_000,
        ge=1,
        le=MAX_PAGES,
        description="Pages --crawl reads at most; links past it are still checked.",
    )
    crawl_scope: Annotated[tuple[RegexItem, ...], Cli(panel=CRAWL, metavar="REGEX")] = Field(
        default=(),
        description="Regex; pages whose URL matches are read and followed (repeatable). "
        "Default: the seed's origin and path prefix.",
    )
    ignore_robots: Annotated[bool, Cli(panel=CRAWL, negatable=False)] = Field(
        default=False,
        description="Read pages that robots.txt disallows (it is honoured by default).",
    )
    crawl_sitemap: Annotated[bool, Cli(panel=CRAWL, negatable=False)] = Field(
        default=False,
        description="Add the pages of each seed's /sitemap.xml to the crawl.",
    )
