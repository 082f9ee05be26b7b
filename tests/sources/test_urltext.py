"""URLs in text: normalisation as CommonMark renderers do it, and where a bare
URL ends, linear on hostile input."""

from __future__ import annotations

import io
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from checker.sources import markdown
from checker.sources.urltext import normalize, trim_bare

_REFERENCE = MarkdownIt("commonmark").normalizeLink
_PATH = st.sampled_from(
    ["a", "Z", "9", "/", "?", "#", "%", "%4", "%41", "%zz", "@", ":", ".", "-", "ä", "日", " ",
     "[", "]", "{", "|", "^", "\\", "'", "(", ")", "~", "&", "=", "+", "$", ",", ";", "!", "*"]
)  # fmt: skip
_LABEL = st.sampled_from(["a", "Z9", "ä", "bücher", "日本", "xn--x", "a-b"])
_HOSTED = st.sampled_from(["https://", "http://", "//", "mailto:me@", "https://u:p@"])


@st.composite
def _destinations(draw: st.DrawFn) -> str:
    """A destination as written: a hosted URL (host labels ASCII or not) or a
    relative one, then any run of path, query and fragment characters."""
    path = "".join(draw(st.lists(_PATH, max_size=10)))
    if draw(st.booleans()):
        return path
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3)))
    port = draw(st.sampled_from(["", ":8080"]))
    return draw(_HOSTED) + host + port + ("/" + path if path else "")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_destinations())
def test_normalize_matches_markdown_it(url: str) -> None:
    """What the old reader reported for a destination is what the new one reports."""
    if url != url.strip():  # mdurl strips whitespace that cannot end a destination
        return
    assert normalize(url) == _REFERENCE(url)


def test_trim_bare_follows_githubs_rule() -> None:
    assert trim_bare("https://e.example/a_(b).") == "https://e.example/a_(b)"
    assert trim_bare("https://e.example/x)") == "https://e.example/x"
    assert trim_bare("https://e.example/x?!.,:;*_~'") == "https://e.example/x"
    assert trim_bare("https://e.example/(x))") == "https://e.example/(x)"


def _loose_seconds(work: object) -> float:
    started = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - started


def test_a_bare_url_followed_by_300kb_of_parentheses_is_linear() -> None:
    """Issue 8: the old trim counted every ")" again for each one it removed
    (quadratic: ~45 s for 300 KB). Compared with reading a same-sized harmless
    page, with a bound loose enough for a loaded machine."""
    hostile = "see https://e.example/x" + ")" * 300_000 + "\n"
    harmless = "see https://e.example/x" + " y" * 150_000 + "\n"

    def read(text: str) -> object:
        return lambda: list(markdown.parse(io.BytesIO(text.encode()), "t.md"))

    assert trim_bare("https://e.example/x" + ")" * 300_000) == "https://e.example/x"
    links = list(markdown.parse(io.BytesIO(hostile.encode()), "t.md"))
    assert [link.url for link in links] == ["https://e.example/x"]
    assert _loose_seconds(read(hostile)) < 50 * max(_loose_seconds(read(harmless)), 0.01)
