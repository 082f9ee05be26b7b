"""CSS links: .css files, <style> and style="" in HTML; linear on hostile input."""

from __future__ import annotations

import io
import time
from pathlib import Path

from checker.settings import Settings
from checker.sources import css, html, read_sources


def _html(page: str) -> list[tuple[int, int | None, str]]:
    return [
        (link.line, link.column, link.url)
        for link in html.parse(io.BytesIO(page.encode()), "t.html")
    ]


def test_style_elements_and_attributes_in_html_are_read_in_document_order() -> None:
    page = (
        '<html><head><base href="https://e.example/sub/"><style>\n'
        '@import "base.css";\n'
        "body { background: url( 'img/bg.png' ) } /* url(no.png) */\n"
        "</style></head>\n"
        '<body><a href="/p" style="list-style: url(dot.svg)">p</a>'
        '<div style="background:url(&quot;q.png&quot;)">x</div></body></html>'
    )
    assert _html(page) == [
        (2, 10, "https://e.example/sub/base.css"),
        (3, 26, "https://e.example/sub/img/bg.png"),
        (5, 16, "https://e.example/p"),
        (5, 43, "https://e.example/sub/dot.svg"),
        (5, None, "https://e.example/sub/q.png"),  # not verbatim: its line, no column
    ]


def test_a_page_without_css_links_is_read_as_before() -> None:
    assert _html('<p style="color:red"><a href="/x">x</a></p>') == [(1, 31, "/x")]


def test_css_files_are_walked_and_their_links_resolve_next_to_them(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("a { background: url(../img/a.png) }\n")
    links = list(read_sources([str(tmp_path)], settings=Settings()))
    assert [(link.url, link.line, link.column) for link in links] == [
        ((tmp_path / "img" / "a.png").as_uri(), 1, 21)
    ]


def test_unclosed_strings_and_urls_are_linear() -> None:
    """Each search stops at the first closing character, so 300 KB of
    unclosed url(" reads in linear time (bound loose: against a harmless
    sheet of the same size)."""
    hostile = 'a{b:url("' * 35_000 + "\n" + "url(" * 75_000 + "\n" + "/*" * 150_000
    harmless = "a{b:c}    " * 90_000

    def cpu(sheet: str) -> float:
        started = time.process_time()
        list(css.urls(sheet))
        return time.process_time() - started

    assert len(list(css.urls(hostile))) == 17_500  # each url(" closes at the next one's quote
    assert cpu(hostile) < 50 * max(cpu(harmless), 0.02)
