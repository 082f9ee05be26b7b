"""Hostile input lines and links: each is that URL's result, never the run's end."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.api import check_sync
from checker.settings import Settings
from checker.sources import SourceError, read_sources
from checker.sources.resolve import Resolver
from checker.sources.urllist import parse_lines
from checker.sources.walk import Document

BAD_URLS = ["http://][@", "file://[x]/y", "//[x]/y", "http://[::1/", "https://a:99999999/"]


def _by_url(report_results: list) -> dict[str, tuple[str, str | None]]:  # type: ignore[type-arg]
    return {r.url: (r.outcome, r.error and r.error.kind) for r in report_results}


def test_bad_lines_in_a_url_list_are_each_an_invalid_url_result(tmp_path: Path) -> None:
    listed = tmp_path / "urls.txt"
    listed.write_text("\n".join(BAD_URLS[:2]) + "\n")
    report = check_sync(sources=[str(listed)], settings=Settings(retries=0))
    assert _by_url(report.results) == {
        "http://][@": ("error", "invalid_url"),
        "file://[x]/y": ("error", "invalid_url"),
    }


def test_bad_hrefs_in_html_are_each_an_invalid_url_result(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("".join(f'<a href="{url}">x</a>\n' for url in BAD_URLS[:3]))
    for options in ({}, {"base_url": "https://docs.example/"}):
        settings = Settings.model_validate({"retries": 0, **options})
        report = check_sync(sources=[str(page)], settings=settings)
        assert len(report.results) == 3
        assert {r.outcome for r in report.results} == {"error"}
        assert {r.error.kind for r in report.results if r.error} == {"invalid_url"}


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=40) | st.sampled_from(BAD_URLS).map(lambda u: u + "x"))
def test_resolution_never_raises(url: str) -> None:
    """Every link a document may hold resolves to some text, never an exception."""
    resolver = Resolver("https://docs.example/", "/srv/site")
    doc = Document("docs/page.md", "docs")
    assert isinstance(resolver.for_file(doc)(url), str)
    assert isinstance(resolver.for_stream("https://e.example/sitemap.xml")(url), str)
    assert isinstance(Resolver(None, None).for_file(doc)(url), str)


def test_an_invalid_utf8_line_is_a_source_error_naming_the_file_and_line() -> None:
    data = b"http://a.example/\n# ok\nhttp://b.example/\xff\xfe\n"
    with pytest.raises(
        SourceError, match=r"^urls\.txt:3: not valid UTF-8 \(byte 0xff at column 18\)"
    ):
        list(parse_lines(io.BytesIO(data), "urls.txt"))


def test_an_invalid_utf8_line_on_stdin_exits_2_naming_it() -> None:
    from tests.conftest import run_cli

    result = run_cli(["--no-config", "-"], stdin=b"http://a.example/\n\xc3(\n")
    assert result.exit_code == 2
    assert result.stderr == "urlcheck: error: -:2: not valid UTF-8 (byte 0xc3 at column 1)\n"


_SCALE = 200_000


@pytest.mark.parametrize(
    "text",
    [
        "/" * _SCALE,
        "a:" * _SCALE,
        "[" * _SCALE,
        "?#" * _SCALE,
        "%" * _SCALE,
        "\\" * _SCALE,
        "../" * _SCALE,
    ],
    ids=["slashes", "colons", "brackets", "query", "percent", "backslash", "dotdot"],
)
def test_resolution_of_a_huge_link_stays_linear(text: str) -> None:
    """Regexes on untrusted text in resolve.py (scheme, path/rest split) are
    anchored and linear; 600 KB of hostile text resolves in well under the
    generous bound a quadratic pattern would blow past (seconds → hours)."""
    resolver = Resolver(None, "/srv/site")
    resolve = resolver.for_file(Document("docs/page.md", "docs"))
    started = time.monotonic()
    resolve(text)
    resolve("/" + text)
    assert time.monotonic() - started < 30


_PIECES = st.sampled_from(["/", ":", "a", "[", "]", "?", "#", "%", "%2", ".", "../", "//", "@"])


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=8), st.integers(1_000, 50_000))
def test_resolution_of_big_adversarial_links_stays_linear(pieces: list[str], times: int) -> None:
    resolve = Resolver(None, "/srv/site").for_file(Document("docs/page.md", "docs"))
    text = "".join(pieces) * times
    started = time.monotonic()
    assert isinstance(resolve(text), str)
    assert time.monotonic() - started < 30  # loose: a quadratic pattern takes hours here


def test_an_unknown_file_named_on_the_command_line_is_read_as_plain_text(tmp_path: Path) -> None:
    """Prose gave one invalid_url per line when it was read as a URL list."""
    notes = tmp_path / "NOTES"
    notes.write_bytes(
        b"\xef\xbb\xbfSee https://e.example/a, and (https://e.example/b_(c)).\n"
        b"\xff https://e.example/\xffjunk\n"
        b"plain words, no link\n"
    )
    links = list(read_sources([str(notes)]))
    assert [(link.url, link.line, link.column) for link in links] == [
        ("https://e.example/a", 1, 5),
        ("https://e.example/b_(c)", 1, 31),
        ("https://e.example/", 2, 3),  # an undecodable byte ends a URL, never joins it
    ]
    listed = tmp_path / "urls.txt"  # a URL list stays a URL list
    listed.write_text("not a url\n")
    assert [link.url for link in read_sources([str(listed)])] == ["not a url"]


@settings(max_examples=20, derandomize=True, deadline=None)
@given(st.sampled_from([")", "(", ".", "_(", "))(", "?!"]), st.integers(10_000, 300_000))
def test_plain_text_trailing_punctuation_trim_is_linear(tail: str, times: int) -> None:
    from checker.sources.text import parse

    data = b"https://e.example/x" + tail.encode() * times + b"\n"
    started = time.monotonic()
    [link] = list(parse(io.BytesIO(data), "notes"))
    assert link.url.startswith("https://e.example/x")
    assert time.monotonic() - started < 30


_LOC = st.text(max_size=30) | st.sampled_from([*BAD_URLS, "child.xml", "/x", "//h/y", "&amp;"])


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.binary(max_size=300)
    | st.lists(_LOC, max_size=5).map(
        lambda locs: (
            "<sitemapindex>"
            + "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
            + "</sitemapindex>"
        ).encode("utf-8", "surrogatepass")
    )
)
def test_fuzz_a_sitemap_raises_nothing_but_source_error_and_children_only_warn(
    data: bytes,
) -> None:
    from checker.sources import sitemap
    from checker.sources.interface import ReadContext

    warned: list[str] = []

    def open_child(url: str) -> tuple[io.BytesIO, ReadContext]:
        # Every child is itself hostile: the same bytes again, one level down.
        return io.BytesIO(data), ReadContext(str, None, warned.append)

    context = ReadContext(lambda u: "R:" + u, open_child, warned.append)
    try:
        links = list(sitemap.read(io.BytesIO(data), "s.xml", context))
    except SourceError:
        return  # the top document itself is malformed: one line, exit 2
    assert all(isinstance(link.url, str) for link in links)


def test_a_warning_cannot_rewrite_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from checker.sources.interface import warn_on_stderr

    warn_on_stderr("sitemap http://e.example/\x1b[2J\n::error::x\u202e not read")
    err = capsys.readouterr().err
    assert (
        err == "urlcheck: warning: sitemap http://e.example/\\x1b[2J\\n::error::x\\u202e not read\n"
    )


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace")))
def test_fuzz_plain_text_yields_only_http_urls_written_on_their_line(data: bytes) -> None:
    from checker.sources.text import parse

    lines = data.split(b"\n")
    for link in parse(io.BytesIO(data), "notes"):
        assert link.url.lower().startswith(("http://", "https://"))
        assert "\ufffd" not in link.url
        written = lines[link.line - 1].decode("utf-8", "replace")
        if link.line == 1:
            written = written.removeprefix("\ufeff")
        assert link.column is not None
        assert written[link.column - 1 :].startswith(link.url)
