"""markdown: rendered by a CommonMark parser (markdown-it-py) and read back."""

from __future__ import annotations

import itertools

from markdown_it import MarkdownIt
from markdown_it.token import Token

from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporters.markdown import MarkdownReport, code
from tests.reporters.conftest import Site


def tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def html(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def items(text: str) -> list[str]:
    """The text of every list item, as a reader sees it."""
    found, depth = [], 0
    for token in tokens(text):
        if token.type == "list_item_open":
            depth += 1
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type == "inline" and depth:
            found.append("".join(child.content for child in token.children or []))
    return found


def table(text: str) -> dict[str, str]:
    """The first table, as header → cell of its one row."""
    stream = tokens(text)
    cells = {"th_open": [], "td_open": []}  # type: dict[str, list[str]]
    for token, following in itertools.pairwise(stream):
        if token.type in cells:
            cells[token.type].append(following.content)
    return dict(zip(cells["th_open"], cells["td_open"], strict=True))


def test_cli_report_has_a_summary_table_and_failures_as_tasks(site: Site) -> None:
    result = site.run("markdown")
    assert result.exit_code == 1
    rendered = html(result.stdout)
    counts = table(result.stdout)
    assert counts["total"] == "4"
    assert (counts["ok"], counts["broken"], counts["error"], counts["excluded"]) == ("1",) * 4
    assert f"<code>{site.urls}</code></h4>" in rendered  # failures grouped by file
    listed = items(result.stdout)
    assert listed[0] == f"[ ] {site.missing} — HTTP 404 ({site.urls}:2)"
    assert listed[1].startswith(f"[ ] {site.down} — connect: Cannot connect")
    assert listed[1].endswith(f"({site.urls}:3)")
    assert listed[2] == f"[ ] {site.missing} — HTTP 404 ({site.urls}:4)"
    assert len(listed) == 3
    assert site.ok not in result.stdout  # successes only with -v


def test_verbose_lists_successes_and_exclusions(site: Site) -> None:
    result = site.run("markdown", "-v")
    listed = items(result.stdout)
    assert f"{site.ok} — HTTP 200" in listed
    assert f"{site.excluded} — excluded: matches --exclude '/excluded'" in listed
    assert sum(item.startswith("[ ]") for item in listed) == 3


def test_urls_and_messages_cannot_format_or_inject() -> None:
    report = MarkdownReport()
    hostile = "http://x.test/*a*_b_<script>alert(1)</script>"
    report.add(
        Result(
            hostile,
            Outcome.ERROR,
            (Source("docs/[x](javascript:alert(1)).md", 1),),
            error=Failure(ErrorKind.PROTOCOL, "**bold** [link](http://evil) <b>x</b> | `c` ~~s~~"),
        )
    )
    report.add(
        Result(
            "javascript:alert(1)",
            Outcome.ERROR,
            (Source("a.md", 2),),
            error=Failure(ErrorKind.UNSUPPORTED_SCHEME, "not http"),
        )
    )
    text = report.render(Summary("gather", total=2, error=2))
    rendered = html(text)
    for tag in ("<em>", "<strong>", "<script>", "<b>", "<del>", "<a "):
        assert tag not in rendered, tag
    [first, second] = items(text)
    assert first.startswith("[ ] javascript:alert(1) — unsupported_scheme")
    assert "**bold** [link](http://evil) <b>x</b> | `c` ~~s~~" in second
    assert "(docs/[x](javascript:alert(1)).md:1)" in second


def test_code_spans_hold_backticks_verbatim() -> None:
    for text in ("a`b", "``x``", "`edge`"):
        [token] = [t for t in tokens(code(text))[1].children or [] if t.type == "code_inline"]
        assert token.content == text


def test_summary_counts_add_up_in_the_heading() -> None:
    assert MarkdownReport().render(Summary("gather")).startswith("## urlcheck: no links to check")
    ok = MarkdownReport().render(Summary("gather", total=2, ok=2))
    assert ok.startswith("## urlcheck: all 2 links ok")
    one = MarkdownReport().render(Summary("gather", total=1, broken=1))
    assert one.startswith("## urlcheck: 1 of 1 link failed")
