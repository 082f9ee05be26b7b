"""--files-from PATH|- and the empty-input rule (exit 2 unless --allow-empty)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.api import build_index
from checker.settings import Settings
from checker.sources import SourceError
from tests.conftest import run_cli


def _docs(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("<https://e.example/a>\n")
    (tmp_path / "docs" / "b.html").write_text('<a href="https://e.example/b">b</a>')
    (tmp_path / "docs" / "notes.txt").write_text("https://e.example/prose\n")
    (tmp_path / "tool.py").write_text("URL = 'https://e.example/code'\n")
    return tmp_path


def test_files_from_stdin_reads_the_listed_documents_like_a_walk(tmp_path: Path) -> None:
    """git diff --name-only lists deleted and non-document files too."""
    root = _docs(tmp_path)
    listed = "\n".join(
        str(root / name) for name in ("docs/a.md", "tool.py", "docs/gone.md", "docs/notes.txt")
    )
    listed += "\n\n" + str(root / "docs" / "b.html") + "\r\n"
    result = run_cli(
        ["--no-config", "--files-from", "-", "--dump", "--format", "jsonl"], stdin=listed.encode()
    )
    assert result.exit_code == 0, result.stderr
    urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
    assert urls == ["https://e.example/a", "https://e.example/b"]
    assert "gone.md (line 3 of --files-from -) does not exist" in result.stderr


def test_files_from_a_file_and_its_errors(tmp_path: Path) -> None:
    root = _docs(tmp_path)
    listing = root / "list"
    listing.write_bytes(f"{root / 'docs'}\n".encode())
    index = build_index(settings=Settings(files_from=str(listing)))
    with index:
        assert [t.url for t in index] == ["https://e.example/a", "https://e.example/b"]
    listing.write_bytes(b"\xff\n")
    with pytest.raises(SourceError, match=r"list:1: not a valid UTF-8 path"):
        build_index(settings=Settings(files_from=str(listing)))
    result = run_cli(["--no-config", "--files-from", "-", "-"])
    assert result.exit_code == 2
    assert "cannot both read standard input" in result.stderr
    result = run_cli(["--no-config", "--files-from", str(root / "missing")])
    assert result.exit_code == 2
    assert result.stderr.startswith("urlcheck: error: cannot read ")


@pytest.mark.parametrize("args", [["docs/*.txt"], ["docs"], ["empty.md"]])
def test_sources_without_a_link_exit_2_unless_allow_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/notes.txt").write_text("https://e.example/prose\n")  # a .txt in a tree is prose
    Path("empty.md").write_text("no link here\n")
    result = run_cli(["--no-config", *args])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"urlcheck: error: no links found in {args[0]!r} (--allow-empty accepts that)\n"
    )
    allowed = run_cli(["--no-config", "--allow-empty", *args])
    assert allowed.exit_code == 0, allowed.stderr


def test_the_library_with_literal_urls_only_is_not_an_empty_input() -> None:
    with build_index() as index:
        assert len(index) == 0
