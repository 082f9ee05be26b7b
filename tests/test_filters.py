"""Exclusions and their reasons: non-HTTP links, --scheme, --exclude/--include,
.urlcheckignore and --exclude-private."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import Settings, check_sync
from checker.filters import LinkFilter, PrivateHosts, read_ignore_file
from checker.models import Outcome
from checker.sources import SourceError
from tests.conftest import ServerThread, run_cli


def _reason(url: str, ignore: list[Any] | None = None, **options: object) -> str | None:
    return LinkFilter(Settings.model_validate(options), ignore or [])(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("#install", "a fragment of the same page (not resolved to a document)"),
        ("mailto:team@example.com", "a mailto: link (nothing to request)"),
        ("MAILTO:team@example.com", "a mailto: link (nothing to request)"),
        ("tel:+441234", "a tel: link (nothing to request)"),
        ("javascript:void(0)", "a javascript: link (nothing to request)"),
        ("data:image/png;base64,AA==", "a data: link (nothing to request)"),
        ("https://example.com/", None),
        ("file:///tmp/x.md", None),
        ("ftp://example.com/", None),  # not excluded: reported as unsupported_scheme
    ],
)
def test_links_with_nothing_to_request_are_excluded_with_a_reason(
    url: str, reason: str | None
) -> None:
    assert _reason(url) == reason


def test_scheme_keeps_only_the_schemes_listed() -> None:
    assert _reason("http://e.example/", scheme=["https", "FILE:"]) == (
        "scheme 'http' is not one of --scheme file, https"
    )
    assert _reason("https://e.example/", scheme=["https"]) is None
    assert _reason("file:///x", scheme=["file"]) is None


def test_urlcheckignore_and_exclude_give_their_reason_and_include_wins(tmp_path: Path) -> None:
    (tmp_path / ".urlcheckignore").write_text("# comment\n\n^https://skip\\.\n", encoding="utf-8")
    ignore = read_ignore_file(tmp_path)
    assert _reason("https://skip.example/", ignore) == (
        "matches '^https://skip\\\\.' in .urlcheckignore:3"
    )
    assert _reason("https://skip.example/", ignore, include=["skip"]) is None
    assert _reason("https://ex.example/", ignore, exclude=["ex"]) == "matches --exclude 'ex'"


def test_urlcheckignore_is_found_at_the_repository_root_from_a_subdirectory(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".urlcheckignore").write_text("root-rule\n")
    sub = tmp_path / "docs" / "deep"
    sub.mkdir(parents=True)
    assert [p.pattern for p, _ in read_ignore_file(sub)] == ["root-rule"]
    (sub / ".urlcheckignore").write_text("local-rule\n")
    assert [p.pattern for p, _ in read_ignore_file(sub)] == ["local-rule"]


def test_a_bad_urlcheckignore_regex_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / ".urlcheckignore").write_text("ok\n(unclosed\n")
    with pytest.raises(SourceError, match=r"\.urlcheckignore:2: '\(unclosed'"):
        read_ignore_file(tmp_path)


def test_a_bad_urlcheckignore_exits_2_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".urlcheckignore").write_text("(unclosed\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["--no-config", "https://e.example/", "--dump"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert ".urlcheckignore:1" in result.stderr


@pytest.mark.parametrize(
    ("url", "excluded"),
    [
        ("http://127.0.0.1:8080/", True),
        ("http://10.1.2.3/", True),
        ("http://192.168.0.1/", True),
        ("http://172.16.5.4/", True),
        ("http://169.254.169.254/latest/meta-data/", True),
        ("http://[::1]/", True),
        ("http://[fd12:3456::1]/", True),
        ("http://[fe80::1]/", True),
        ("http://[::ffff:10.0.0.1]/", True),
        ("http://localhost:3000/", True),
        ("http://app.localhost/", True),
        ("http://localhost./", True),
        ("http://93.184.216.34/", False),
        ("http://[2606:4700::1111]/", False),
        ("http://example.com/", False),
    ],
)
def test_exclude_private_catches_literal_addresses(url: str, excluded: bool) -> None:
    reason = _reason(url, exclude_private=True)
    assert (reason is not None) == excluded
    if excluded:
        assert reason is not None
        assert reason.endswith("(--exclude-private)")
    assert _reason(url) is None


async def test_exclude_private_resolves_names_once_per_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {"intranet.example": "10.0.0.7", "public.example": "93.184.216.34"}
    lookups: list[str] = []

    async def getaddrinfo(host: str, *args: object, **kwargs: object) -> list[Any]:
        lookups.append(host)
        await asyncio.sleep(0)
        if host not in answers:
            raise socket.gaierror("no such name")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", getaddrinfo)
    hosts = PrivateHosts(timeout=1)
    reasons = await asyncio.gather(*(hosts.reason("intranet.example") for _ in range(5)))
    assert set(reasons) == {
        "intranet.example resolves to private address 10.0.0.7 (--exclude-private)"
    }
    assert await hosts.reason("public.example") is None
    assert await hosts.reason("nowhere.example") is None  # left to the request: dns error
    assert await hosts.reason("127.0.0.1") is None  # literals are LinkFilter's
    assert lookups == ["intranet.example", "public.example", "nowhere.example"]


def test_excluded_urls_are_never_requested_and_say_why() -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    with ServerThread(app) as server:
        report = check_sync(
            urls=[server.url("/private"), "mailto:x@example.com", "#top"],
            settings=Settings(exclude_private=True, retries=0),
        )
    assert seen == []
    assert [(r.outcome, r.reason) for r in report.results] == [
        ("excluded", "127.0.0.1 is a private address (--exclude-private)"),
        ("excluded", "a mailto: link (nothing to request)"),
        ("excluded", "a fragment of the same page (not resolved to a document)"),
    ]
    assert report.ok


# --- --exclude-private judges the host the connection will really use ------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127\u30020\u30020\u30021/",  # ideographic full stops
        "http://127\uff0e0\uff0e0\uff0e1/",  # fullwidth full stops
        "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",  # fullwidth digits
        "http://LOCALHOST./",
        "http://LocalHost../",
        "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/",  # fullwidth letters
        "http://\u2113ocalhost/",  # script small l, NFKC-folded to l
        "http://app.LOCALHOST\uff0e/",
        "http://0x7f.1/",  # read by the resolver (inet_aton) as 127.0.0.1
        "http://0x0a.0x00.0x00.0x01/",
        "http://10.0.0.1.:8080/",
        "http://[::ffff:7f00:1]/",
        "http://user:pw@127\u30020\u30020\u30021:1/",
    ],
)
def test_exclude_private_sees_through_hostile_spellings(url: str) -> None:
    reason = _reason(url, exclude_private=True)
    assert reason is not None
    assert reason.endswith("(--exclude-private)")


@pytest.mark.parametrize(
    "url", ["http://0x7f.example/", "http://cafe.1/", "http://1e100.net/", "http://8.8.8.8./"]
)
def test_names_that_only_look_numeric_are_not_private(url: str) -> None:
    assert _reason(url, exclude_private=True) is None


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.builds(
        "http://{}/".format,
        st.text(st.sampled_from("0127.x:[]@%\u3002\uff0e\uff11LOCALHOST"), max_size=20)
        | st.text(max_size=20),
    )
)
def test_fuzz_exclude_private_never_raises(url: str) -> None:
    reason = _reason(url, exclude_private=True)
    assert reason is None or reason.endswith("(--exclude-private)")


def test_a_folded_loopback_host_is_excluded_before_any_connection() -> None:
    """``127。0。0。1`` really connects to 127.0.0.1 (shown by the first run), so
    --exclude-private must exclude it, not the request reach the server."""
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    with ServerThread(app) as server:
        folded = server.url("/folded").replace("127.0.0.1", "127\u30020\u30020\u30021")
        reached = check_sync(urls=[folded], settings=Settings(retries=0))
        assert [r.outcome for r in reached.results] == [Outcome.OK]
        assert seen == ["/folded"]
        excluded = check_sync(urls=[folded], settings=Settings(exclude_private=True, retries=0))
    assert [r.outcome for r in excluded.results] == [Outcome.EXCLUDED]
    assert seen == ["/folded"]
