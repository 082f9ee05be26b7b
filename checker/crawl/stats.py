"""What the progress bar shows of a crawl, counted as it goes (crawler.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class CrawlStats:
    pages_read: int = 0
    links_found: int = 0
