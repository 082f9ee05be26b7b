"""The URL-list loader: every line is accounted for, and no input makes it raise."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources import ARG, STDIN, Link, SourceError, is_literal_url, read_sources
from checker.sources.urllist import parse_lines


def _links(data: bytes, path: str = "list.txt") -> list[Link]:
    return list(parse_lines(io.BytesIO(data), path))


def test_skips_blank_lines_and_comments_and_numbers_lines_from_one() -> None:
    data = b"# header\n\nhttp://a.example/\n   \n  # indented comment\nhttp://b.example/\n"
    assert _links(data) == [
        Link("http://a.example/", "list.txt", 3),
        Link("http://b.example/", "list.txt", 6),
    ]


def test_crlf_bom_and_surrounding_whitespace_are_stripped() -> None:
    data = "\ufeffhttp://a.example/\r\n\t http://b.example/ \t\r\n".encode()
    assert [link.url for link in _links(data)] == ["http://a.example/", "http://b.example/"]


def test_a_bom_only_counts_at_the_start_of_the_file() -> None:
    """A BOM is the encoding mark of the file, not of every line."""
    data = "\ufeff# comment\nhttp://a.example/\n\ufeffhttp://b.example/\n".encode()
    assert [link.url for link in _links(data)] == ["http://a.example/", "\ufeffhttp://b.example/"]


def test_last_line_without_newline_is_read() -> None:
    assert _links(b"http://a.example/\nhttp://b.example/") == [
        Link("http://a.example/", "list.txt", 1),
        Link("http://b.example/", "list.txt", 2),
    ]


def test_undecodable_bytes_are_an_error_naming_the_line_never_a_changed_url() -> None:
    """A changed URL (U+FFFD) would be checked and reported though nobody wrote it."""
    with pytest.raises(SourceError, match=r"^list\.txt:2: not valid UTF-8"):
        _links(b"http://a.example/\nhttp://a.example/\xff\xfe\n")


def test_literal_urls_are_their_own_source() -> None:
    links = list(read_sources(["https://a.example/x", "HTTP://B.example/"]))
    assert links == [Link("https://a.example/x", ARG, 1), Link("HTTP://B.example/", ARG, 1)]


@pytest.mark.parametrize(
    ("spec", "literal"),
    [
        ("http://x", True),
        ("https://x", True),
        ("HTTPS://x", True),
        ("ftp://x", False),
        ("urls.txt", False),
        ("-", False),
        ("http:/x", False),
    ],
)
def test_is_literal_url(spec: str, literal: bool) -> None:
    assert is_literal_url(spec) is literal


def test_dash_reads_stdin() -> None:
    stdin = io.BytesIO(b"http://a.example/\n# c\nhttp://b.example/\n")
    assert list(read_sources([STDIN], stdin=stdin)) == [
        Link("http://a.example/", STDIN, 1),
        Link("http://b.example/", STDIN, 3),
    ]


def test_sources_are_read_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    first.write_bytes(b"http://a.example/\n")
    second.write_bytes(b"\nhttp://b.example/\n")
    links = list(read_sources([str(first), "http://c.example/", str(second)]))
    assert links == [
        Link("http://a.example/", str(first), 1),
        Link("http://c.example/", ARG, 1),
        Link("http://b.example/", str(second), 2),
    ]


def test_missing_file_is_a_source_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(SourceError, match=r"nope\.txt"):
        list(read_sources([str(missing)]))


def test_a_directory_is_walked_not_read_as_a_list(tmp_path: Path) -> None:
    """Directories are documents' containers (issue 3): a .txt inside is prose, not read."""
    (tmp_path / "notes.txt").write_bytes(b"http://a.example/\n")
    assert list(read_sources([str(tmp_path)])) == []


def test_a_glob_matching_nothing_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no files match"):
        list(read_sources([str(tmp_path / "*.md")]))


def test_reading_is_lazy(tmp_path: Path) -> None:
    """Sources are streamed: a bad second source is only met when it is reached."""
    good = tmp_path / "good.txt"
    good.write_bytes(b"http://a.example/\n")
    links = read_sources([str(good), str(tmp_path / "missing.txt")])
    assert next(links) == Link("http://a.example/", str(good), 1)
    with pytest.raises(SourceError):
        next(links)


def _expected(data: bytes) -> list[tuple[int, str]] | int:
    """An independent statement of the format: which lines carry a URL, and
    which URL; or the number of the first line that is not UTF-8."""
    wanted = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        text = text.strip()
        if text and not text.startswith("#"):
            wanted.append((number, text))
    return wanted


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=2000) | st.text(max_size=200).map(str.encode))
def test_fuzz_arbitrary_bytes_every_line_is_accounted_for_or_named(data: bytes) -> None:
    expected = _expected(data)
    if isinstance(expected, int):
        with pytest.raises(SourceError, match=rf"^-:{expected}: not valid UTF-8"):
            list(read_sources([STDIN], stdin=io.BytesIO(data)))
        return
    links = list(read_sources([STDIN], stdin=io.BytesIO(data)))
    assert [(link.line, link.url) for link in links] == expected
    assert all(link.path == STDIN for link in links)


_line = st.one_of(
    st.text(st.characters(exclude_characters="\n", exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", "   ", "#", "# x", "http://a.example/", " http://b.example/ ", "\ufeff"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_line, max_size=30), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_fuzz_text_lists_in_any_line_ending(lines: list[str], newline: str, bom: bool) -> None:
    data = (("\ufeff" if bom else "") + newline.join(lines)).encode()
    links = list(parse_lines(io.BytesIO(data), "f"))
    wanted = []
    for number, line in enumerate(lines, start=1):
        text = line.removeprefix("\ufeff") if number == 1 and not bom else line
        if (url := text.strip()) and not url.startswith("#"):
            wanted.append((number, url))
    assert [(link.line, link.url) for link in links] == wanted
