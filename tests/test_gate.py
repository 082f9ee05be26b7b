"""The gate (gate.py): the one step that decides, before the probe, whether a
target is requested; what it lets through reaches the probe parsed."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from checker.choices import Format
from checker.dump import dump
from checker.filters import read_ignore_file
from checker.gate import Gate
from checker.models import ErrorKind, Outcome, Result, Target
from checker.settings import Settings
from checker.sources.interface import Link
from checker.targets import TargetIndex


def _gate(**options: Any) -> Gate:
    return Gate(Settings.model_validate(options))


def _admit(url: str, gate: Gate | None = None) -> Result | URL:
    return asyncio.run((gate or _gate())(Target(0, url, ())))


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every lookup fails, and is recorded: tests never reach a real resolver."""
    asked: list[str] = []

    async def getaddrinfo(self: Any, host: str, *args: object, **kwargs: object) -> Any:
        asked.append(host)
        raise socket.gaierror("no lookups in tests")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)
    return asked


def test_a_checkable_url_passes_parsed() -> None:
    admitted = _admit("http://B\u00fccher.example:8080/p?q=1")
    assert isinstance(admitted, URL)
    assert (admitted.raw_host, admitted.port) == ("xn--bcher-kva.example", 8080)


@pytest.mark.parametrize(
    ("url", "outcome", "kind"),
    [
        ("#top", Outcome.EXCLUDED, None),
        ("mailto:a@example.com", Outcome.EXCLUDED, None),
        ("http://][@", Outcome.ERROR, ErrorKind.INVALID_URL),
        ("http://a..b/", Outcome.ERROR, ErrorKind.INVALID_URL),
        ("ftp://example.com/", Outcome.ERROR, ErrorKind.UNSUPPORTED_SCHEME),
        ("file://[x]/y", Outcome.ERROR, ErrorKind.INVALID_URL),  # urlsplit raised ValueError
        ("file://elsewhere/etc/passwd", Outcome.ERROR, ErrorKind.INVALID_URL),
        ("file:///no/such/file/here", Outcome.BROKEN, ErrorKind.MISSING_FILE),
        ("/root-relative", Outcome.ERROR, ErrorKind.INVALID_URL),
    ],
)
def test_what_is_not_requested_is_decided_here(
    url: str, outcome: Outcome, kind: ErrorKind | None
) -> None:
    result = _admit(url)
    assert isinstance(result, Result)
    assert result.outcome is outcome
    assert (result.error.kind if result.error else None) is kind
    assert result.attempts == 0 or outcome is Outcome.BROKEN


def test_a_local_file_is_checked_on_disk(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Anchor\n")
    result = _admit(page.as_uri() + "#anchor")
    assert isinstance(result, Result)
    assert result.outcome is Outcome.OK
    result = _admit(page.as_uri() + "#ancor")  # and its fragment against its anchors
    assert isinstance(result, Result)
    assert result.outcome is Outcome.BROKEN


def test_the_dns_half_runs_on_the_host_the_connection_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    async def getaddrinfo(self: Any, host: str, *args: object, **kwargs: object) -> Any:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)
    result = _admit("http://INTRANET\uff0eexample/", _gate(exclude_private=True))
    assert isinstance(result, Result)
    assert result.outcome is Outcome.EXCLUDED
    assert result.reason is not None
    assert "10.1.2.3" in result.reason
    assert asked == ["intranet.example"]  # folded and lower-cased, as aiohttp sends it


def test_without_exclude_private_nothing_is_looked_up(no_dns: list[str]) -> None:
    assert isinstance(_admit("http://intranet.example/"), URL)
    assert no_dns == []


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.text(max_size=40)
    | st.builds(
        "{}://{}/{}".format,
        st.sampled_from(["http", "https", "file", "HTTP"]),
        st.text(max_size=20),
        st.text(max_size=10),
    )
)
def test_fuzz_the_gate_always_answers(url: str) -> None:
    """Any link text gets a result or passes parsed; the gate never raises."""
    gate = _gate(exclude_private=True)

    async def admit() -> Result | URL:
        loop = asyncio.get_running_loop()

        async def fail(*args: object, **kwargs: object) -> Any:
            raise socket.gaierror("no lookups in tests")

        loop.getaddrinfo = fail  # type: ignore[method-assign]
        return await gate(Target(0, url, ()))

    admitted = asyncio.run(admit())
    assert isinstance(admitted, (Result, URL))


def test_dump_and_a_run_exclude_by_the_same_rules(tmp_path: Path, no_dns: list[str]) -> None:
    """--dump asks LinkFilter, the gate asks it first: same reasons for the
    same URLs, the ignore file included."""
    (tmp_path / ".urlcheckignore").write_text("ignored\\.example\n")
    ignore = read_ignore_file(tmp_path)
    options = {"exclude": ["^https://skip"], "exclude_private": True, "scheme": ["https", "http"]}
    settings_ = Settings.model_validate({**options, "format": Format.JSONL})
    urls = [
        "https://skip.example/",
        "https://ignored.example/x",
        "http://127\u30020\u30020\u30021/",
        "http://LOCALHOST./",
        "ftp://example.com/",
        "#frag",
        "https://kept.example/",
    ]
    index = TargetIndex()
    index.add(Link(url, "list.txt", n) for n, url in enumerate(urls, 1))
    out = io.StringIO()
    dump(settings_, index, out, ignore)
    dumped = {
        entry["url"]: entry["reason"] for entry in map(json.loads, out.getvalue().splitlines())
    }
    gate = Gate(settings_, ignore)
    for target in index:
        admitted = asyncio.run(gate(target))
        reason = admitted.reason if isinstance(admitted, Result) else None
        assert reason == dumped[target.url], target.url
    assert dumped["https://kept.example/"] is None
    assert no_dns == ["kept.example"]  # the run's DNS half, which a dump skips
    assert sum(reason is not None for reason in dumped.values()) == 6
    index.close()


def test_the_check_asks_dns_only_with_exclude_private(monkeypatch: pytest.MonkeyPatch) -> None:
    # targetcheck.Check takes the gate's offline answer when nothing needs DNS, and
    # awaits the whole gate (DNS included) with --exclude-private.
    from checker.targetcheck import Check

    async def private(self: Any, host: str, *args: object, **kwargs: object) -> Any:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", private)

    class Probe:
        async def __call__(self, target: Target, parsed: URL, tries: int = 1) -> Result:
            return Result.for_target(target, Outcome.OK, status=200)

        def limits(self, host: str) -> tuple[int, float]:
            return 1, 0.0

    def check(**options: Any) -> Result:
        settings = Settings.model_validate(options)
        target = Target(0, "http://intranet.example/", ())
        answer = asyncio.run(Check(Gate(settings), Probe(), settings)(target))
        assert isinstance(answer, Result)
        return answer

    excluded = check(exclude_private=True)
    assert excluded.outcome is Outcome.EXCLUDED
    assert excluded.reason is not None
    assert "10.1.2.3" in excluded.reason
    assert check().outcome is Outcome.OK
    assert check(exclude=["intranet"]).outcome is Outcome.EXCLUDED
