"""Containment per URL: a bug met while checking one URL is that URL's
``internal`` result; the run goes on and every other URL is reported.

Everything here runs against real servers on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

from checker import replies, strategies
from checker.api import build_index, check_sync
from checker.choices import StrategyName
from checker.engine import Run
from checker.models import ErrorKind, Outcome, Report, Result
from checker.optiontypes import MAX_WORKERS
from checker.settings import Settings
from checker.strategies.interface import Check
from tests.conftest import raw_server

URLS_PER_RUN = 6


async def _ok(request: web.BaseRequest) -> web.StreamResponse:
    return web.Response(text="ok")


async def _serve(aiohttp_raw_server: Any) -> str:
    server = await aiohttp_raw_server(_ok)
    return str(server.make_url("")).rstrip("/")


async def _run(urls: list[str], **options: Any) -> Report:
    settings = Settings.model_validate({"retries": 0, **options})
    with build_index(urls, settings=settings) as index:
        run = Run(settings, index)
        results = [result async for result in run.results()]
    return Report(run.summary, results)


def _by_url(report: Report) -> dict[str, Result]:
    return {result.url: result for result in report.results}


def _raise_inside_the_probe(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    """Make the probe's body handling raise ``exc`` for every URL whose path has /bug."""
    real = replies.drain

    def drain(resp: Any) -> None:
        if "/bug" in resp.url.path:
            raise exc
        real(resp)

    monkeypatch.setattr(replies, "drain", drain)


@pytest.mark.parametrize("strategy", list(StrategyName))
async def test_a_bug_in_the_probe_is_that_urls_result_and_the_run_goes_on(
    aiohttp_raw_server: Any, monkeypatch: pytest.MonkeyPatch, strategy: StrategyName
) -> None:
    base = await _serve(aiohttp_raw_server)
    _raise_inside_the_probe(monkeypatch, KeyError("boom"))
    urls = [f"{base}/{n}" for n in range(URLS_PER_RUN)] + [f"{base}/bug"]
    report = await _run(urls, method="get", strategy=strategy, concurrency=3)
    results = _by_url(report)
    assert len(report.results) == len(urls)
    assert set(results) == set(urls)
    bug = results[f"{base}/bug"]
    assert bug.outcome is Outcome.ERROR
    assert bug.error is not None
    assert bug.error.kind is ErrorKind.INTERNAL
    assert "KeyError" in bug.error.message
    assert "bug" in bug.error.message
    assert "report" in bug.error.message
    assert report.summary.internal == 1
    if strategy is not StrategyName.FIRST_EXCEPTION:  # which stops at the first failure
        assert all(results[url].outcome is Outcome.OK for url in urls[:-1])


async def test_a_builtin_error_from_our_code_is_not_a_urls_failure(
    aiohttp_raw_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ValueError of ours used to be mapped to ``invalid_url``, hiding the bug."""
    base = await _serve(aiohttp_raw_server)
    _raise_inside_the_probe(monkeypatch, ValueError("our own bug"))
    report = await _run([f"{base}/bug", f"{base}/fine"], method="get")
    results = _by_url(report)
    error = results[f"{base}/bug"].error
    assert error is not None
    assert error.kind is ErrorKind.INTERNAL
    assert "ValueError" in error.message
    assert results[f"{base}/fine"].outcome is Outcome.OK


async def test_a_bug_in_the_gate_is_contained_too(
    aiohttp_raw_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = await _serve(aiohttp_raw_server)
    from checker import gate

    real = gate.localfile.check

    def check(target: Any, *lookup: Any) -> Result | None:
        if target.url.endswith("/bug"):
            raise RuntimeError("gate bug")
        return real(target, *lookup)

    monkeypatch.setattr(gate.localfile, "check", check)
    report = await _run([f"{base}/bug", f"{base}/fine"])
    results = _by_url(report)
    assert results[f"{base}/bug"].error is not None
    assert results[f"{base}/bug"].error.kind is ErrorKind.INTERNAL
    assert results[f"{base}/fine"].outcome is Outcome.OK


async def test_the_traceback_is_printed_only_with_debug(
    aiohttp_raw_server: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = await _serve(aiohttp_raw_server)
    secret = "Bearer s3cr3t-token-value"
    _raise_inside_the_probe(monkeypatch, KeyError(f"leaked {secret}"))
    headers = [f"Authorization: {secret}"]
    await _run([f"{base}/bug"], method="get", headers=headers)
    assert "Traceback" not in capsys.readouterr().err
    await _run([f"{base}/bug"], method="get", headers=headers, debug=True)
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "KeyError" in err
    assert secret not in err


async def test_a_location_yarl_cannot_parse_never_ends_the_run(
    aiohttp_raw_server: Any,
) -> None:
    """``Location: http://][@`` makes yarl raise IndexError inside the redirect
    handling. Whether that is mapped there (bad_redirect) or not (internal),
    the run goes on and reports every URL."""

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 302 Found\r\nLocation: http://][@\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )
        await writer.drain()
        writer.close()

    base = await _serve(aiohttp_raw_server)
    async with raw_server(reply) as hostile:
        urls = [f"{base}/{n}" for n in range(URLS_PER_RUN)] + [f"{hostile}/"]
        report = await _run(urls)
    results = _by_url(report)
    assert set(results) == set(urls)
    error = results[f"{hostile}/"].error
    assert error is not None
    assert error.kind in {ErrorKind.INTERNAL, ErrorKind.BAD_REDIRECT}
    assert all(results[url].outcome is Outcome.OK for url in urls[:-1])


async def test_an_overflowing_retry_after_date_is_ignored(aiohttp_raw_server: Any) -> None:
    """This date gave OverflowError in the retry parser, which ended the run."""
    seen = 0

    async def throttle(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal seen
        seen += 1
        date = "Wed, 99999999999999999999 Dec 2025 00:00:00 GMT"
        return web.Response(status=429, headers={"Retry-After": date})

    server = await aiohttp_raw_server(throttle)
    url = str(server.make_url("/"))
    report = await _run([url], retries=1, method="get", max_retry_wait=0.01)
    (result,) = report.results
    assert result.status == 429
    assert result.outcome is Outcome.BROKEN
    assert result.attempts == 2
    assert seen == 2


@pytest.mark.parametrize("strategy", list(StrategyName))
def test_workers_are_never_more_than_targets(
    monkeypatch: pytest.MonkeyPatch, strategy: StrategyName
) -> None:
    """The largest ``-c`` with one URL must start one worker, not ten thousand.
    (``-c 1000000`` itself is refused by the option's bound: tests/cli/test_options.py.)"""
    asked: list[int] = []
    load = strategies.load

    def spy(name: StrategyName) -> strategies.Strategy:
        real = load(name)

        def run(targets: Any, check: Check, concurrency: int, *schedule: Any) -> Any:
            asked.append(concurrency)
            return real(targets, check, concurrency, *schedule)

        return run

    monkeypatch.setattr(strategies, "load", spy)
    options = {"concurrency": MAX_WORKERS, "strategy": strategy}
    report = check_sync(["mailto:a@example.com"], settings=Settings.model_validate(options))
    assert [r.outcome for r in report.results] == [Outcome.EXCLUDED]
    empty = check_sync([], settings=Settings.model_validate(options))
    assert empty.results == []
    assert asked == [1, 1]
