"""Extraction on hostile documents: deep nesting, values the finder cannot
find, pathological runs. Each is compared with a harmless document of the
same size, with bounds loose enough for a loaded machine: the point is
linear against quadratic (minutes), not a speed."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources import html, markdown
from checker.sources.htmldepth import MAX_DEPTH, cap_depth
from checker.sources.interface import Link


def _cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def _html(text: str) -> list[Link]:
    return list(html.parse(io.BytesIO(text.encode()), "t.html"))


def _md(text: str) -> list[Link]:
    return list(markdown.parse(io.BytesIO(text.encode()), "t.md"))


def test_100k_unclosed_divs_are_capped_and_the_link_below_is_read() -> None:
    """lexbor took ~140 s on this page (quadratic in depth); browsers cap
    the depth, and so does urlcheck."""
    n = 100_000
    hostile = "<div>" * n + '\n<a href="https://e.example/deep">x</a>'
    harmless = "<div></div>" * (n // 2) + '\n<a href="https://e.example/deep">x</a>'
    links = _html(hostile)
    assert [(link.url, link.line, link.column) for link in links] == [
        ("https://e.example/deep", 2, 10)
    ]
    assert _cpu(lambda: _html(hostile)) < 50 * max(_cpu(lambda: _html(harmless)), 0.02)


def test_the_cap_closes_only_what_is_deeper_than_browsers_go() -> None:
    assert cap_depth("<div>" * 10) == "<div>" * 10  # short pages are left alone
    capped = cap_depth("<div>" * (MAX_DEPTH + 3) + "<a href=x>")
    assert capped.count("<div></div>") == 3
    assert capped.endswith("<a href=x></a>")  # closed at once, attributes kept
    # End tags, void elements, implied ends, comments and raw text do not deepen it.
    legit = ("<ul><li><p>x<br><img src=a>" + "<!--<div>--><script>'<div>'</script></ul>") * 2000
    assert cap_depth(legit) == legit


def test_links_inside_deep_code_stay_skipped_past_the_cap() -> None:
    page = "<code>" * 5000 + '<a href="https://e.example/in-code">x</a>'
    assert _html(page) == []


def test_values_written_nowhere_verbatim_cost_a_bounded_search_and_keep_their_line() -> None:
    """A numeric entity cannot be found verbatim: each such value used to
    search to the end of the page (quadratic), and took the previous
    link's line."""
    n = 20_000
    hostile = "".join(f'<a href="&#104;ttps://e.example/{i}">{i}</a>\n' for i in range(n))
    harmless = "".join(f'<a href="https://e.example/{i}">{i}</a>\n' for i in range(n))
    links = _html(hostile)
    assert len(links) == n
    assert [link.line for link in links] == list(range(1, n + 1))
    assert {link.column for link in links} == {None}
    assert _cpu(lambda: _html(hostile)) < 50 * max(_cpu(lambda: _html(harmless)), 0.02)


def test_an_entity_on_an_earlier_line_does_not_move_a_link() -> None:
    page = '<p>a &amp; b</p>\n<a href="https://e.example/&#x61;">x</a>\n\n<a href="/b">y</a>\n'
    assert [(link.line, link.column, link.url) for link in _html(page)] == [
        (2, None, "https://e.example/a"),
        (4, 10, "/b"),
    ]


def test_a_value_far_beyond_the_search_window_is_still_placed() -> None:
    page = '<a href="/a">a</a>' + "<p>" + "x" * 200_000 + '</p>\n<a href="/b">b</a>'
    assert [(link.line, link.column, link.url) for link in _html(page)] == [
        (1, 10, "/a"),
        (2, 10, "/b"),
    ]


def test_links_in_lists_nested_50_deep_are_extracted() -> None:
    """markdown-it's maxNesting silently dropped these; pulldown-cmark has no such limit."""
    deep = "".join("  " * i + "- level\n" for i in range(50))
    deep += "  " * 50 + "- [x](https://e.example/list)\n"
    quotes = ">" * 60 + " [y](https://e.example/quote)\n"
    assert [link.url for link in _md(deep)] == ["https://e.example/list"]
    assert [link.url for link in _md(quotes)] == ["https://e.example/quote"]


def test_markdown_with_100k_unclosed_divs_in_raw_html_is_capped() -> None:
    n = 100_000
    hostile = "<div>\n" + "<div>" * n + '<a href="https://e.example/raw">x</a>\n'
    harmless = "<div>\n" + "<div></div>" * (n // 2) + '<a href="https://e.example/raw">x</a>\n'
    assert [link.url for link in _md(hostile)] == ["https://e.example/raw"]
    assert _cpu(lambda: _md(hostile)) < 50 * max(_cpu(lambda: _md(harmless)), 0.02)


_MD_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "```", "\n", "    ", "> ", "- ", "1. ",
     "https://e.example/", "http://", "<a href='", "'>", "</a>", "<code>", "</code>", "&amp;",
     "\\", "|", "---", "[r]: ", "é", "日", "\r\n", "<!--", "-->", "www.", "mailto:", " ", "x"]
)  # fmt: skip


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(_MD_PIECES, max_size=40).map("".join))
def test_fuzz_markdown_never_raises_and_places_every_link_in_the_document(text: str) -> None:
    data = text.encode()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for link in markdown.parse(io.BytesIO(data), "t.md"):
        assert 1 <= link.line <= len(lines)
        if link.column is not None:
            assert lines[link.line - 1][link.column - 1 :].startswith(link.url)


_HTML_PIECES = st.sampled_from(
    ["<a href='", "<a href=", "<img src=\"", "srcset='", "\"", "'", ">", "</a>", "<div>",
     "<pre>", "</pre>", "<code>", "<base href='/b/'>", "&amp;", "&#104;", "https://e.example/",
     "x", " ", "\n", "<!--", "-->", "<script>", "</script>", "é", "<meta http-equiv=refresh "
     "content='0;url=/r'>", "1x, ", "2x"]
)  # fmt: skip


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=40).map("".join))
def test_fuzz_html_never_raises_and_places_every_link_in_the_document(text: str) -> None:
    lines = text.split("\n")
    for link in html.parse(io.BytesIO(text.encode()), "t.html"):
        assert 1 <= link.line <= len(lines)


@pytest.mark.parametrize(
    "hostile",
    [
        "[" * 100_000 + "](https://e.example/x)",
        ">" * 100_000 + " https://e.example/q",
        "- " * 50_000 + "https://e.example/",
        "[x]: y\n" * 20_000 + "[x]" * 20_000,
        "<a href='" * 20_000,
        "*[a](https://e.example/) " * 10_000,
        "&#" * 100_000 + " https://e.example/",
    ],
    ids=["brackets", "quotes", "list", "references", "open-tags", "emphasis", "entities"],
)
def test_pathological_markdown_reads_in_linear_time(hostile: str) -> None:
    harmless = "word " * (len(hostile) // 5)
    assert _cpu(lambda: _md(hostile)) < 50 * max(_cpu(lambda: _md(harmless)), 0.02)
