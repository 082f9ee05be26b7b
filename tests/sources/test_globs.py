"""Globs follow the walk's rules: regular files only, no symlinked directory entered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.sources import SourceError, read_sources


def _files(pattern: str) -> list[str]:
    return list(dict.fromkeys(link.path for link in read_sources([pattern])))


def test_a_quoted_glob_over_a_tree_with_symlink_loops_ends_and_reads_each_file_once(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    (docs / "a" / "b").mkdir(parents=True)
    (docs / "a" / "b" / "page.md").write_text("<https://e.example/x>\n")
    # Two loops: glob.glob's ** followed both, about 40 levels deep, at every level.
    (docs / "a" / "b" / "up").symlink_to(docs)
    (docs / "a" / "again").symlink_to(docs / "a")
    assert _files(str(docs / "**" / "*.md")) == [str(docs / "a" / "b" / "page.md")]


def test_a_fifo_matched_by_a_glob_is_not_opened(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("<https://e.example/a>\n")
    os.mkfifo(tmp_path / "b.md")  # opening it would block until a writer comes
    assert _files(str(tmp_path / "*.md")) == [str(tmp_path / "a.md")]


def test_a_symlink_to_a_file_is_read_like_the_walk_reads_it(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("<https://e.example/a>\n")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    assert _files(str(tmp_path / "*.md")) == [str(tmp_path / "link.md"), str(tmp_path / "real.md")]


def test_hidden_files_match_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.md").write_text("<https://e.example/h>\n")
    (tmp_path / "v.md").write_text("<https://e.example/v>\n")
    assert _files(str(tmp_path / "**" / "*.md")) == [str(tmp_path / "v.md")]
    assert _files(str(tmp_path / ".*" / "*.md")) == [str(tmp_path / ".hidden" / "h.md")]


def test_a_glob_matching_only_a_fifo_matches_nothing_readable(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "only.md")
    assert _files(str(tmp_path / "*.md")) == []
    with pytest.raises(SourceError, match="no files match"):
        _files(str(tmp_path / "*.nothing"))
