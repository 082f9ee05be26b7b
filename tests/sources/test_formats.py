"""Document sources: the corpus of traps, each format's rules, and the format table.

Each document in tests/corpus has a ``.expected`` file beside it listing,
exactly, the ``line:column url`` the parser must yield, in order. Adding a
case is adding a document and its expectation.
"""

from __future__ import annotations

import builtins
import io
from pathlib import Path

import pytest

from checker.choices import SourceFormat
from checker.sources import formats, html, markdown, rst, sitemap
from checker.sources.interface import Link, ReadContext

CORPUS = Path(__file__).parent.parent / "corpus"
DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".expected")


def _expected(name: str) -> list[str]:
    text = (CORPUS / f"{name}.expected").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _shown(links: list[Link]) -> list[str]:
    return [f"{link.line}:{link.column} {link.url}" for link in links]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_corpus_document_yields_exactly_the_expected_links(name: str) -> None:
    """The parser picked by the extension finds every link, at its line and column, and no other."""
    fmt = formats.EXTENSIONS[Path(name).suffix]
    with (CORPUS / name).open("rb") as stream:
        links = list(formats.parser(fmt)(stream, name))
    assert _shown(links) == _expected(name)
    assert all(link.path == name for link in links)


def test_corpus_covers_every_document_format() -> None:
    covered = {formats.EXTENSIONS[Path(name).suffix] for name in DOCUMENTS}
    assert covered == set(SourceFormat) - {SourceFormat.URLLIST, SourceFormat.TEXT}


# One small document per format, and the links the run must see from it when
# ``resolve`` marks what it touched with "R:" and the named sitemap holds "/child".
_SAMPLES: dict[SourceFormat, tuple[bytes, list[str]]] = {
    SourceFormat.URLLIST: (b"rel/x\n", ["rel/x"]),  # verbatim: a line is a URL, never a path
    SourceFormat.MARKDOWN: (b"[a](rel/x)\n", ["R:rel/x"]),
    SourceFormat.HTML: (b'<a href="rel/x">a</a>', ["R:rel/x"]),
    SourceFormat.RST: (b"`a <rel/x>`_\n", ["R:rel/x"]),
    SourceFormat.SITEMAP: (
        b"<sitemapindex><sitemap><loc>rel/x</loc></sitemap></sitemapindex>",
        ["R:rel/x", "R:/child"],  # resolved, then followed
    ),
    SourceFormat.TEXT: (b"see https://e.example/a. and rel/x\n", ["https://e.example/a"]),
}


@pytest.mark.parametrize("fmt", list(SourceFormat))
def test_every_format_is_wired_to_a_parser_and_a_reader(fmt: SourceFormat) -> None:
    """Loops over every member: one without a case in formats.wiring, a sample
    here, or an extension fails. Sitemap and URL list go through the same table."""
    reachable = set(formats.EXTENSIONS.values()) | {formats.of_file("notes", SourceFormat.URLLIST)}
    assert fmt in reachable  # by an extension, or as the fallback for unknown ones
    data, expected = _SAMPLES[fmt]
    assert callable(formats.parser(fmt))

    def open_child(url: str) -> tuple[io.BytesIO, ReadContext]:
        child = b"<urlset><url><loc>/child</loc></url></urlset>"
        return io.BytesIO(child), ReadContext(lambda u: "R:" + u)

    context = ReadContext(lambda u: "R:" + u, open_child, warn=pytest.fail)
    links = list(formats.reader(fmt)(io.BytesIO(data), "doc", context))
    assert [link.url for link in links] == expected


def test_rst_without_docutils_reads_the_documented_subset_of_the_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_docutils(name: str, *args: object, **kwargs: object) -> object:
        if name == "docutils" or name.startswith("docutils."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_docutils)
    with (CORPUS / "traps.rst").open("rb") as stream:
        links = list(rst.parse(stream, "traps.rst"))
    assert _shown(links) == _expected("traps.rst")


def _md(text: str) -> list[str]:
    return _shown(list(markdown.parse(io.BytesIO(text.encode()), "t.md")))


def _html(text: str) -> list[str]:
    return _shown(list(html.parse(io.BytesIO(text.encode()), "t.html")))


def test_markdown_javascript_and_data_links_are_reported_not_dropped() -> None:
    """markdown-it turns these into text by default; urlcheck reports them (as excluded)."""
    assert _md("[a](javascript:void(0)) [b](data:text/plain,x)\n") == [
        "1:5 javascript:void(0)",
        "1:29 data:text/plain,x",
    ]


def test_markdown_link_in_a_list_inside_a_quote_gets_its_source_column() -> None:
    assert _md("> - item\n>   [x](https://e.example/q)\n") == ["2:9 https://e.example/q"]


def test_markdown_non_ascii_url_is_percent_encoded_and_has_no_column() -> None:
    """The parser's normalisation is what a browser requests; that text is not in the source."""
    assert _md("[x](https://e.example/ä)\n") == ["1:None https://e.example/%C3%A4"]


def test_markdown_reference_used_twice_is_reported_once_at_its_definition() -> None:
    text = "[a][r] and [b][r] and [r]\n\n[r]: https://e.example/r\n"
    assert _md(text) == ["3:6 https://e.example/r"]


def test_markdown_crlf_and_bom_keep_lines_right() -> None:
    data = "\ufeff# T\r\n\r\n[x](https://e.example/x)\r\n".encode()
    links = list(markdown.parse(io.BytesIO(data), "t.md"))
    assert _shown(links) == ["3:5 https://e.example/x"]


def test_markdown_bare_url_trailing_punctuation_is_not_part_of_it() -> None:
    assert _md("See https://e.example/a_(b). And https://e.example/c?\n") == [
        "1:5 https://e.example/a_(b)",
        "1:34 https://e.example/c",
    ]


def test_html_without_base_keeps_relative_links_as_written() -> None:
    assert _html('<a href="../up.html">u</a><img src="/root.png">') == [
        "1:10 ../up.html",
        "1:37 /root.png",
    ]


def test_html_relative_base_is_applied_and_stays_relative() -> None:
    """The file's location resolves it later; a relative <base> still shifts every link."""
    assert _html('<base href="sub/"><a href="x.html">x</a><a href="/r">r</a>') == [
        "1:28 sub/x.html",
        "1:50 /r",
    ]


def test_html_same_url_in_text_before_the_attribute_does_not_steal_its_position() -> None:
    page = "<p>https://e.example/</p>\n<p><a href='https://e.example/'>x</a></p>"
    assert _html(page) == ["2:13 https://e.example/"]


def test_html_srcset_urls_may_contain_commas() -> None:
    """The spec's srcset rules: a URL runs to whitespace; descriptors to an unbracketed comma."""
    assert list(html.srcset("a,b.png 1x, c.png (x, y) 2x,d.png")) == [
        ("a,b.png", 0),
        ("c.png", 12),
        ("d.png", 28),
    ]


def test_html_links_on_one_long_line_stay_linear_and_placed() -> None:
    page = "".join(f'<a href="https://e.example/{n}">{n}</a>' for n in range(2000))
    links = _html(page)
    assert len(links) == 2000
    assert links[-1] == f"1:{page.index('https://e.example/1999') + 1} https://e.example/1999"


def test_sitemap_with_a_dtd_is_refused() -> None:
    from checker.sources import SourceError

    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa">]>'
        b"<urlset><url><loc>&a;</loc></url></urlset>"
    )
    with pytest.raises(SourceError, match="DTD"):
        list(sitemap.parse(io.BytesIO(bomb), "s.xml"))


def test_malformed_sitemap_is_a_source_error_naming_the_file() -> None:
    from checker.sources import SourceError

    with pytest.raises(SourceError, match=r"s\.xml: malformed sitemap"):
        list(sitemap.parse(io.BytesIO(b"<urlset><url><loc>https://e.example/</url>"), "s.xml"))
