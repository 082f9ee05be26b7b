"""HTML read as a browser reads it: hint-only <link>s, the elements that
hold URLs, the page's own charset."""

from __future__ import annotations

import io

import pytest

from checker.sources import html


def _links(data: bytes) -> list[tuple[int, int | None, str]]:
    return [(link.line, link.column, link.url) for link in html.parse(io.BytesIO(data), "t.html")]


def test_preconnect_and_dns_prefetch_name_a_server_and_are_skipped() -> None:
    page = (
        b'<link rel="preconnect" href="https://fonts.gstatic.com/">\n'
        b'<link rel="dns-prefetch" href="//cdn.example.com">\n'
        b'<link rel="DNS-Prefetch Preconnect" href="https://both.example/">\n'
        b'<link rel="preconnect stylesheet" href="/site.css">\n'  # also a resource: kept
        b'<link rel="prefetch" href="/next.html">\n'  # names a page: kept
        b'<link href="/no-rel.css">\n'
    )
    assert _links(page) == [(4, 41, "/site.css"), (5, 28, "/next.html"), (6, 13, "/no-rel.css")]


def test_track_frame_and_formaction_are_links() -> None:
    page = (
        b'<frameset><frame src="top.html"><frame src="main.html"></frameset>\n'
        b'<video src="v.mp4"><track src="subs.vtt"></video>\n'
        b'<form><button formaction="/go">x</button><input type=image formaction="/in"></form>\n'
    )
    body = b"<body>" + page.split(b"\n", 1)[1]
    assert _links(page.split(b"\n")[0]) == [(1, 23, "top.html"), (1, 45, "main.html")]
    assert _links(body) == [
        (1, 19, "v.mp4"),
        (1, 38, "subs.vtt"),
        (2, 27, "/go"),
        (2, 72, "/in"),
    ]


def test_srcset_before_src_keeps_both_in_place() -> None:
    page = b'<img srcset="a.png 1x, b.png 2x" src="c.png">\n<img src="d.png" srcset="e.png">'
    assert _links(page) == [
        (1, 14, "a.png"),
        (1, 24, "b.png"),
        (1, 39, "c.png"),
        (2, 11, "d.png"),
        (2, 26, "e.png"),
    ]


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (b'<meta charset="windows-1252">', "cp1252"),
        (b"<meta charset=iso-8859-1>", "cp1252"),  # browsers read Latin-1 as windows-1252
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15">',
            "iso8859_15",
        ),
        (b'<meta charset="shift_jis">', "shift_jis"),
    ],
)
def test_the_declared_charset_decodes_the_page(head: bytes, encoding: str) -> None:
    word = "caf\u00e9" if encoding != "shift_jis" else "\u65e5\u672c"
    page = head + f'\n<a href="/{word}">x</a>'.encode(encoding)
    assert _links(page) == [(2, 10, f"/{word}")]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8"])
def test_a_bom_wins_over_a_declared_charset(encoding: str) -> None:
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}[encoding]
    text = '<meta charset="windows-1252">\n<a href="/caf\u00e9">x</a>'
    assert _links(bom + text.encode(encoding)) == [(2, 10, "/caf\u00e9")]


def test_an_unknown_or_hostile_charset_falls_back_to_utf8() -> None:
    for label in (b"no-such-codec", b"rot13", b"base64", b"undefined", b"x" * 5000, b"utf-16"):
        page = b"<meta charset=" + label + '>\n<a href="/caf\u00e9">x</a>'.encode()
        assert _links(page)[-1] == (2, 10, "/caf\u00e9"), label[:20]
