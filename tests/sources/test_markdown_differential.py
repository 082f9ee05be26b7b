"""The pulldown-cmark reader against the markdown-it reader it replaced.

On the corpus and on one document per construct, the new reader must find
exactly what the old one found, at the same line:column. Where they differ,
the difference is a fix, listed below with what GitHub renders; each is
pinned to the new reader's answer.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from checker.sources import markdown
from checker.sources.interface import Link
from tests.sources import markdown_it_reference as old

CORPUS = Path(__file__).parent.parent / "corpus"

# One document per construct where both readers must agree.
SAME = {
    "emphasis around and inside bare URLs": (
        "*see https://e.example/a* and _https://e.example/b_ and https://e.example/a_b_c\n"
    ),
    "links in a table": "| a | b |\n|---|---|\n| [x](https://e.example/t) | https://e.example/u\n",
    "entities in a link and in a bare URL": (
        "&amp; line one\n\n[x](https://e.example/?a=1&amp;b=2) https://e.example/?c=1&amp;d=2\n"
    ),
    "email autolink and bare mailto": "<me@e.example> mailto:x@y\n",
    "autolink with non-ASCII": "<https://e.example/ä>\n",
    "non-ASCII host is punycoded": "[x](https://bücher.example/ä)\n",
    "angle-bracket destination with a space": "[x](<my file.md>)\n",
    "HTML block in a quote": '> <div>\n>   <a href="https://e.example/q">q</a>\n> </div>\n',
    "inline HTML tag over two quoted lines": '> x <a\n> href="https://e.example/m">t</a>\n',
    "footnote holding a URL": "a[^1]\n\n[^1]: https://e.example/fn\n",
    "strikethrough": "~~https://e.example/s~~\n",
    "HTML comment": "<!-- [x](https://e.example/c) -->\n",
    "inline raw code": "a <code>https://e.example/rc [x](https://e.example/rl)</code> b\n",
    "empty destinations": "[a]() [b](<>)\n",
    "definition over three lines": "[r]:\n  https://e.example/r\n  'title'\n\n[r]\n",
    "CRLF": "a\r\n\r\n[x](https://e.example/x)\r\n",
    "non-ASCII before links on a line": "é [x](https://e.example/é) https://e.example/ü\n",
    "a run of unmatched parentheses": "https://e.example/" + ")" * 50 + "\n",
    "setext heading": "Setext https://e.example/h\n===\n",
    "wide characters": "日本語 [x](https://e.example/j) 日本\n",
    "indented code in a list": "- a\n\n      https://e.example/code\n",
    "escape in a destination": "[x](https://e.example/a\\_b)\n",
    "front matter": "---\ntitle: x\nurl: https://e.example/fm\n---\n\nbody\n",
    "www. is not a bare URL": "www.example.com\n",
    "upper-case schemes": "HTTPS://E.EXAMPLE/U and <HTTP://E.EXAMPLE/V>\n",
    "javascript and data links": "[a](javascript:void(0)) [b](data:text/plain,x)\n",
    "percent that starts no escape": "[a](x%zz%41.md) [b](a%2)\n",
    "reference uses": "[a][r] [b][] [r] ![i][r]\n\n[r]: https://e.example/r\n[b]: ./b.md\n",
    "link inside raw pre": '<pre>\n<a href="https://e.example/p">p</a>\n</pre>\n',
    "tab-indented list": "-\t[x](https://e.example/tab)\n",
}

# Fixes: (document, what the old reader found, what the new one finds).
FIXED = {
    # GitHub renders the table: "|" ends the cell, so the URL.
    "a pipe ends a bare URL in a table cell": (
        "| a | b |\n|---|---|\n|https://e.example/t|y|\n",
        ["3:2 https://e.example/t|y|"],
        ["3:2 https://e.example/t"],
    ),
    # The old reader searched backwards from the link's end and found the title.
    "a title repeating the URL": (
        '[a](https://e.example/t "https://e.example/t")\n',
        ["1:26 https://e.example/t"],
        ["1:5 https://e.example/t"],
    ),
    # Document order within a line (the old reader put the link before its image).
    "an image inside a link": (
        "[![i](https://e.example/i.png)](https://e.example/h)\n",
        ["1:33 https://e.example/h", "1:7 https://e.example/i.png"],
        ["1:7 https://e.example/i.png", "1:33 https://e.example/h"],
    ),
    # markdown-it's maxNesting (20 tokens) silently dropped the whole block.
    "a list nested 15 deep": (
        "".join("  " * i + "- item\n" for i in range(15))
        + "  " * 15
        + "- [deep](https://e.example/deep)\n",
        [],
        ["16:40 https://e.example/deep"],
    ),
    # GitHub renders a footnote: its text is not a link.
    "a footnote is not a reference definition": (
        "a[^n]\n\n[^n]: relative.md\n",
        ["3:7 relative.md"],
        [],
    ),
}


def _shown(links: list[Link]) -> list[str]:
    return [f"{link.line}:{link.column} {link.url}" for link in links]


def _new(text: str) -> list[str]:
    return _shown(list(markdown.parse(io.BytesIO(text.encode()), "t.md")))


def _old(text: str) -> list[str]:
    return _shown(list(old.parse(io.BytesIO(text.encode()), "t.md")))


def test_the_corpus_gives_what_the_old_reader_gave() -> None:
    text = (CORPUS / "traps.md").read_text()
    assert _old(text), "the reference reader found nothing: the test would prove nothing"
    assert _new(text) == _old(text)


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_both_readers_agree(text: str) -> None:
    assert _new(text) == _old(text)


@pytest.mark.parametrize(("text", "before", "after"), FIXED.values(), ids=FIXED.keys())
def test_a_listed_fix(text: str, before: list[str], after: list[str]) -> None:
    assert _old(text) == before  # the difference is real, not a changed reference
    assert _new(text) == after


def test_the_benchmark_pages_give_what_the_old_reader_gave() -> None:
    """The generated documentation pages of benchmarks/extract.py: links of
    every kind, code blocks full of URLs, reference definitions."""
    import random

    from benchmarks.extract import markdown_page

    r = random.Random(5)
    for index in range(12):
        text = markdown_page(r, index, 8_000)
        assert _new(text) == _old(text)
