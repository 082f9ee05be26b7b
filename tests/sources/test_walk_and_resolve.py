"""Files, directories and globs: walking, .gitignore, relative links, --remap,
and the disk check of file: links."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from checker import Settings, check_sync
from checker.choices import SourceFormat
from checker.sources import STDIN, Link, SourceError, read_sources


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "site",
        {
            ".gitignore": "build/\n*.draft.md\n!keep.draft.md\n",
            "index.md": "[a](https://e.example/a) [rel](guide/setup.md)\n",
            "notes.txt": "https://e.example/txt\n",
            "keep.draft.md": "[k](https://e.example/keep)\n",
            "skip.draft.md": "[s](https://e.example/skip)\n",
            "build/out.html": '<a href="https://e.example/build">b</a>\n',
            ".hidden/h.md": "[h](https://e.example/hidden)\n",
            "guide/.gitignore": "local.md\n",
            "guide/local.md": "[l](https://e.example/local)\n",
            "guide/setup.md": "[up](../index.md#top)\n",
            "guide/page.rst": "See https://e.example/rst.\n",
        },
    )


def _walked(site: Path, **options: object) -> list[str]:
    links = read_sources([str(site)], settings=Settings.model_validate(options))
    return [link.url for link in links]


def test_a_directory_is_walked_in_order_respecting_gitignore(site: Path) -> None:
    """Nested .gitignore files apply below themselves, negation re-includes,
    an ignored directory is not entered, hidden entries and .txt are skipped."""
    assert _walked(site) == [
        "https://e.example/rst",  # guide/page.rst: entries are sorted by name
        (site / "index.md").as_uri() + "#top",  # guide/setup.md
        "https://e.example/a",
        (site / "guide/setup.md").as_uri(),
        "https://e.example/keep",
    ]


def test_sources_carry_the_walked_path_line_and_column(site: Path) -> None:
    links = list(read_sources([str(site)]))
    assert links[2] == Link("https://e.example/a", str(site / "index.md"), 1, 5)


def test_hidden_and_no_ignore_widen_the_walk(site: Path) -> None:
    assert "https://e.example/hidden" in _walked(site, hidden=True)
    wider = _walked(site, no_ignore=True)
    for url in ("https://e.example/build", "https://e.example/skip", "https://e.example/local"):
        assert url in wider
    assert "https://e.example/hidden" not in wider


def test_exclude_path_prunes_matching_directories_and_files(site: Path) -> None:
    assert _walked(site, exclude_path=["guide$"]) == [
        "https://e.example/a",
        (site / "guide/setup.md").as_uri(),
        "https://e.example/keep",
    ]
    assert _walked(site, exclude_path=[r"\.md$"]) == ["https://e.example/rst"]


def test_gitignore_from_the_repository_root_applies_to_a_subdirectory(tmp_path: Path) -> None:
    repo = _write(
        tmp_path / "repo",
        {
            ".gitignore": "docs/generated/\n",
            "docs/a.md": "[a](https://e.example/a)\n",
            "docs/generated/g.md": "[g](https://e.example/generated)\n",
        },
    )
    (repo / ".git").mkdir()
    assert _walked(repo / "docs") == ["https://e.example/a"]


def test_a_gitignore_above_the_input_outside_any_repository_does_not_apply(
    tmp_path: Path,
) -> None:
    _write(tmp_path, {".gitignore": "docs/\n", "docs/a.md": "[a](https://e.example/a)\n"})
    assert _walked(tmp_path / "docs") == ["https://e.example/a"]


def test_a_glob_is_expanded_sorted_with_ignore_rules(site: Path) -> None:
    links = list(read_sources([str(site / "**" / "*.md")]))
    files = dict.fromkeys(Path(link.path).name for link in links)
    assert list(files) == ["setup.md", "index.md", "keep.draft.md"]


def test_a_file_named_explicitly_is_read_even_if_ignored_or_hidden(site: Path) -> None:
    urls = _walked(site / "skip.draft.md") + _walked(site / ".hidden" / "h.md")
    assert urls == ["https://e.example/skip", "https://e.example/hidden"]


def test_unknown_extensions_and_stdin_use_the_default_format(tmp_path: Path) -> None:
    listed = tmp_path / "links.list"
    listed.write_text("https://e.example/listed\n")
    assert [link.url for link in read_sources([str(listed)])] == ["https://e.example/listed"]
    page = tmp_path / "page.htm.in"
    page.write_text('<a href="https://e.example/html">x</a>')
    settings = Settings(default_format=SourceFormat.HTML)
    assert [link.url for link in read_sources([str(page)], settings=settings)] == [
        "https://e.example/html"
    ]
    stdin = io.BytesIO(b'<a href="/x">x</a> <a href="y">y</a>')
    settings = Settings(default_format=SourceFormat.HTML, base_url="https://base.example/docs")
    assert list(read_sources([STDIN], stdin=stdin, settings=settings)) == [
        Link("https://base.example/x", STDIN, 1, 10),
        Link("https://base.example/docs/y", STDIN, 1, 29),
    ]


def test_unreadable_sources_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no files match"):
        list(read_sources([str(tmp_path / "*.md")]))
    with pytest.raises(SourceError, match=r"cannot read .*missing\.md"):
        list(read_sources([str(tmp_path / "missing.md")]))


def _resolve(tmp_path: Path, text: str, name: str = "docs/guide/page.md", **options: object):
    _write(tmp_path, {name: text})
    settings = Settings.model_validate(options)
    return [link.url for link in read_sources([str(tmp_path / "docs")], settings=settings)]


def test_relative_links_in_local_files_become_file_urls(tmp_path: Path) -> None:
    urls = _resolve(
        tmp_path,
        "[a](../other.md#s) [b](img/a%20b.png?x=1) [c](/root.md) [d](//cdn.example/x.js) [e](#f)\n",
    )
    assert urls == [
        (tmp_path / "docs/other.md").as_uri() + "#s",
        (tmp_path / "docs/guide/img/a b.png").as_uri() + "?x=1",
        "/root.md",  # nothing to resolve it against: reported invalid_url with a hint
        "https://cdn.example/x.js",
        (tmp_path / "docs/guide/page.md").as_uri() + "#f",  # its own document's anchor
    ]
    off = _resolve(tmp_path, "[e](#f)\n", fragments="off")
    assert off == ["#f"]  # not checked: stays as written, reported as excluded


def test_base_url_maps_the_walked_directory_to_a_url(tmp_path: Path) -> None:
    urls = _resolve(
        tmp_path,
        "[a](../other.md) [b](/root.md) [c](//cdn.example/x.js)\n",
        base_url="http://docs.example/v1",
    )
    assert urls == [
        "http://docs.example/v1/other.md",
        "http://docs.example/root.md",
        "http://cdn.example/x.js",
    ]


def test_root_dir_resolves_root_relative_links_on_disk(tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    urls = _resolve(
        tmp_path,
        "[a](/img/x.png) [b](rel.md)\n",
        root_dir=str(tmp_path / "public"),
        base_url="https://docs.example/",
    )
    assert urls == [(tmp_path / "public/img/x.png").as_uri(), "https://docs.example/guide/rel.md"]


def test_remap_rewrites_with_the_first_matching_rule(tmp_path: Path) -> None:
    settings = Settings(
        remap=[
            r"^https://prod\.example/(.*) https://staging.example/\1",
            r"prod https://never.example/",
        ]
    )
    links = list(
        read_sources(["https://prod.example/a?b", "https://other.example/"], settings=settings)
    )
    assert [link.url for link in links] == ["https://staging.example/a?b", "https://other.example/"]


def test_a_bad_remap_replacement_is_a_source_error() -> None:
    settings = Settings(remap=[r"^(https)://x https://\2"])
    with pytest.raises(SourceError, match="--remap"):
        list(read_sources(["https://x/"], settings=settings))


def test_file_links_are_checked_on_disk(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "docs/index.md": "[ok](guide/a%20b.md#x) [dir](guide/) [gone](gone.md) [root](/r.md)\n",
            "docs/guide/a b.md": "# X\n",
        },
    )
    report = check_sync(sources=[str(tmp_path / "docs")], settings=Settings(retries=0))
    by_url = {r.url.rstrip("/").rsplit("/", 1)[-1]: r for r in report.results}
    assert by_url["a%20b.md#x"].outcome == "ok"
    assert by_url["guide"].outcome == "ok"
    assert by_url["guide"].url.endswith("/guide/")  # a directory link keeps its slash
    gone = by_url["gone.md"]
    assert (gone.outcome, gone.error and gone.error.kind) == ("broken", "missing_file")
    assert gone.sources[0].column == 45
    root = by_url["r.md"]
    assert root.outcome == "error"
    assert root.error is not None
    assert "--root-dir" in root.error.message
    assert report.summary.to_dict()["total"] == 4
