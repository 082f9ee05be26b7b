"""A flipping loopback site, and a run of the CLI over one store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServerThread, run_cli
from tests.store.site import FlipSite


@pytest.fixture
def site() -> Iterator[tuple[FlipSite, ServerThread]]:
    flip = FlipSite()
    with ServerThread(flip.app()) as server:
        yield flip, server


def run_with_store(store: Path, urls: list[str], *options: str) -> tuple[int, dict[str, Any], str]:
    """``urlcheck --cache --cache-file STORE --format json URLS``: exit code, report, stderr."""
    done = run_cli(
        [
            "--no-config",
            "--cache",
            "--cache-file",
            str(store),
            "--format",
            "json",
            "--retries",
            "0",
            *options,
            *urls,
        ]
    )
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.exit_code, report, done.stderr


def by_url(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in report["results"]}
