"""The generated site (site.py) and its out-of-scope neighbour, served for a test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import ServerThread, run_cli
from tests.crawl.site import Site, other_app


@dataclass
class Crawled:
    code: int
    results: list[dict[str, Any]]
    late: list[dict[str, Any]]
    stderr: str

    def by_url(self, path: str) -> dict[str, Any]:
        found = [r for r in self.results if r["url"].endswith(path)]
        assert len(found) == 1, (path, found)
        return found[0]

    def urls(self) -> list[str]:
        return [r["url"] for r in self.results]


class Served:
    def __init__(self, site: Site, server: ServerThread) -> None:
        self.site = site
        self.server = server

    def url(self, path: str) -> str:
        return self.server.url(path)

    def crawl(self, *args: str, seed: str = "/docs/") -> Crawled:
        result = run_cli(["--crawl", "--format", "jsonl", *args, self.url(seed)])
        records = [json.loads(line) for line in result.stdout.splitlines()]
        late = [r["late_sources"] for r in records if "late_sources" in r]
        results = [r for r in records if "late_sources" not in r]
        return Crawled(result.exit_code, results, late, result.stderr)


@pytest.fixture
def served() -> Iterator[Served]:
    site = Site()
    with ServerThread(other_app(site), host="127.0.0.2") as other:
        site.other = other.url("").rstrip("/")
        with ServerThread(site.app()) as server:
            yield Served(site, server)
