"""What counts as an anchor in each format, and whether a fragment is there.

The Markdown expectations are the ids github.com renders for those
headings (its ``user-content-`` prefix aside): each case was a corner where
a simpler slug rule goes wrong.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.anchors import fold, line_anchor, markdown, missing, never_missing, of_document, rst
from checker.anchors import html as html_anchors
from checker.choices import SourceFormat

GITHUB_SLUGS = [
    ("Hello, World!", "hello-world"),  # punctuation dropped
    ("What's new?", "whats-new"),
    ("C++ & Rust", "c--rust"),  # each space becomes "-", even around dropped text
    ("A -- B", "a----b"),
    ("foo.bar()", "foobar"),
    ("snake_case_name", "snake_case_name"),  # "_" kept
    ("1. Step one", "1-step-one"),
    ("`code()` in heading", "code-in-heading"),  # inline code's text counts
    ("**bold** _it_ ~~gone~~", "bold-it-gone"),  # markup does not
    ("[a link](https://e.example/) text", "a-link-text"),
    ("Image ![alt text](x.png) here", "image--here"),  # alt text is not text content
    ("With <span>html</span> inside", "with-html-inside"),
    ("Emoji 🎉 party", "emoji--party"),  # emoji dropped, both spaces kept
    ("🚀 Launch", "-launch"),
    ("Über uns", "über-uns"),  # Unicode letters kept, lowercased
    ("Café's menu", "cafés-menu"),
    ("Привет мир", "привет-мир"),
    ("日本語の見出し", "日本語の見出し"),
    ("   Spaces around   ", "spaces-around"),
    ("Ünïcödé ÀÉÎ", "ünïcödé-àéî"),
]


@pytest.mark.parametrize(("heading", "slug"), GITHUB_SLUGS)
def test_markdown_heading_slugs_are_githubs(heading: str, slug: str) -> None:
    assert slug in markdown.anchors(f"# {heading}\n")


def test_repeated_headings_are_numbered_as_github_does() -> None:
    text = "# Usage\n\n## Usage\n\n### usage\n\n# Usage-1\n\nSetext\n======\n\n# Setext\n"
    found = markdown.anchors(text)
    assert {"usage", "usage-1", "usage-2", "setext", "setext-1"} <= found
    # github-slugger skips a taken form (usage-1-1); github.com itself repeats it.
    assert {"usage-1-1"} <= found


def test_explicit_ids_and_raw_html_count_in_markdown() -> None:
    text = (
        "# Install {#setup}\n\n"
        '<div id="block-id">\n\n'
        "raw\n\n</div>\n\n"
        'Text <a name="inline-name"></a> and <span id="inline-id">x</span>.\n\n'
        "```\n# not a heading\n```\n\n"
        "`<a id=not-html>`\n"
    )
    found = markdown.anchors(text)
    assert {"setup", "install", "block-id", "inline-name", "inline-id"} <= found
    assert "not-a-heading" not in found
    assert "not-html" not in found


def test_html_anchors_are_ids_anywhere_and_names_on_a() -> None:
    page = (
        "<h2 id=intro>Intro</h2><a name='old-name'></a><p name='not-an-anchor'>"
        "<div id=''></div><section ID=Mixed><table><tr><td id=cell>"  # unclosed, as browsers read
    )
    assert html_anchors.anchors(page) == {"intro", "old-name", "Mixed", "cell"}


@pytest.mark.parametrize("with_docutils", [True, False])
def test_rst_section_ids_and_targets(with_docutils: bool) -> None:
    text = (
        "Main Title\n==========\n\n"
        ".. _install-label:\n\n"
        "Installing It\n-------------\n\ntext\n\n"
        ".. _`Odd: Label`:\n\n"
        "Para.\n"
    )
    found = rst.anchors(text) if with_docutils else rst.subset(text)
    assert {"main-title", "install-label", "installing-it", "odd-label"} <= found


def test_every_format_is_wired() -> None:
    for fmt in SourceFormat:
        anchors = of_document(b"# Title\n\n<a id=x></a>\n", fmt)
        documents = (SourceFormat.HTML, SourceFormat.MARKDOWN, SourceFormat.RST)
        assert (anchors is not None) is (fmt in documents), fmt


@pytest.mark.parametrize(
    "fragment", ["", "top", "TOP", ":~:text=hello", "/route/x", "!/bang", "%2Froute"]
)
def test_never_missing(fragment: str) -> None:
    assert never_missing(fragment)
    assert missing(fragment, frozenset()) is None


def test_missing_names_the_nearest_anchor() -> None:
    anchors = frozenset({"installation", "usage", "user-content-license"})
    assert missing("installation", anchors) is None
    assert missing("license", anchors) is None  # GitHub's user-content- prefix
    assert missing("user-content-usage", anchors) is None
    assert missing("instalation", anchors, where="README.md") == (
        "no anchor #instalation in README.md; did you mean #installation?"
    )
    assert missing("Usage", anchors) is not None
    assert missing("Usage", anchors, folded=fold(anchors)) is None  # Markdown: GitHub ignores case
    none = "no anchor #idontexist (the document has no anchors)"
    assert missing("idontexist", frozenset()) == none
    assert missing("intro:~:text=x", frozenset({"intro"})) is None
    assert missing("gone:~:text=x", frozenset({"intro"})) is not None


def test_percent_encoded_fragments_match_decoded() -> None:
    assert missing("caf%C3%A9", frozenset({"café"})) is None
    assert missing("a%20b", frozenset({"a b"})) is None
    assert missing("%E6%97%A5", frozenset({"日"})) is None


def test_github_line_anchors() -> None:
    assert line_anchor("L10") == (10, 10)
    assert line_anchor("L10-L20") == (10, 20)
    assert line_anchor("L3C2-L4C9") == (3, 4)
    assert line_anchor("l10") is None
    assert missing("L10-L20", frozenset(), lines=20) is None
    message = missing("L10-L21", frozenset(), lines=20)
    assert message is not None
    assert "line 21" in message
    assert missing("L99999", frozenset(), lines=-1) is None  # a github.com page
    assert missing("L10", frozenset(), lines=None) is not None  # an HTML page: an id like any


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    fragment=st.text(max_size=40) | st.binary(max_size=20).map(lambda b: b.hex("%")),
    anchors=st.frozensets(st.text(max_size=10), max_size=20),
)
def test_any_fragment_is_judged_without_raising(fragment: str, anchors: frozenset[str]) -> None:
    message = missing(fragment, anchors, folded=fold(anchors), lines=5)
    assert message is None or message.startswith(("no anchor #", "#"))
    if fragment in anchors:
        assert message is None


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.text(alphabet=st.sampled_from("# \n`*_<>[]()!{}=-\"'aé🎉\x00"), max_size=200))
def test_any_markdown_yields_anchors_without_raising(text: str) -> None:
    assert isinstance(markdown.anchors(text), set)
    assert isinstance(rst.subset(text), set)
    assert isinstance(rst.anchors(text), set)
