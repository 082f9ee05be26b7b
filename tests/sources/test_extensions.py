"""--extensions: which files a directory walk (and --files-from) reads, and
the option's parsing (comma-separated, a dot and case ignored, junk refused
in one line with exit 2). The same parsing serves --fallback-extensions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.settings import Settings
from checker.settings.inputs import extension_list, index_file_list, split_names
from tests.conftest import run_cli


def _tree(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.md").write_text("<https://e.example/md>\n")
    (docs / "sub" / "b.HTML").write_text('<a href="https://e.example/html">b</a>')
    (docs / "c.rst").write_text("`x <https://e.example/rst>`_\n")
    (docs / "notes.txt").write_text("prose around https://e.example/txt, in a tree\n")
    (docs / "guide.adoc").write_text("see https://e.example/adoc for the guide\n")
    return docs


def _dumped(*args: str) -> tuple[int, list[str], str]:
    result = run_cli(["--no-config", "--dump", "--format", "jsonl", *args])
    urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
    return result.exit_code, urls, result.stderr


def test_the_default_walk_reads_the_document_formats(tmp_path: Path) -> None:
    code, urls, _ = _dumped(str(_tree(tmp_path)))
    assert code == 0
    assert urls == ["https://e.example/md", "https://e.example/rst", "https://e.example/html"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("md", ["https://e.example/md"]),
        ("md,html", ["https://e.example/md", "https://e.example/html"]),
        (" .MD , Html ", ["https://e.example/md", "https://e.example/html"]),
        # Unknown to every parser, and .txt in a tree: plain text, every URL in it.
        ("adoc,txt", ["https://e.example/adoc", "https://e.example/txt"]),
    ],
)
def test_extensions_choose_what_a_walk_reads(
    tmp_path: Path, value: str, expected: list[str]
) -> None:
    code, urls, stderr = _dumped(str(_tree(tmp_path)), "--extensions", value)
    assert code == 0, stderr
    assert urls == expected


def test_extensions_repeat_and_apply_to_files_from_too(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    _code, urls, _ = _dumped(str(docs), "--extensions", "rst", "--extensions", "adoc")
    assert urls == ["https://e.example/rst", "https://e.example/adoc"]  # walk order
    listed = "\n".join(str(docs / n) for n in ("a.md", "c.rst", "guide.adoc", "notes.txt"))
    result = run_cli(
        ["--no-config", "--files-from", "-", "--dump", "--format", "jsonl", "--extensions", "adoc"],
        stdin=listed.encode(),
    )
    assert [json.loads(line)["url"] for line in result.stdout.splitlines()] == [
        "https://e.example/adoc"
    ]


def test_a_file_named_is_read_whatever_extensions_say(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    _code, urls, _ = _dumped(str(docs / "c.rst"), "--extensions", "md")
    assert urls == ["https://e.example/rst"]


def test_extensions_in_a_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "urlcheck.toml").write_text('extensions = ["rst", "md,adoc"]\n')
    result = run_cli(["--dump", "--format", "jsonl", str(docs)])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    (tmp_path / "urlcheck.toml").write_text('extensions = ["md", "x y"]\n')
    result = run_cli(["--dump", str(docs)])
    assert result.exit_code == 2
    assert result.stderr.startswith("urlcheck: error: urlcheck.toml: extensions: 'x y' is not")


@pytest.mark.parametrize(
    "value",
    ["", ",", " , ", "foo bar", "md;rm -rf", "../md", "a/b", "x" * 40, "\x1b[2J", "md,\x00", "é"],
)
@pytest.mark.parametrize("option", ["--extensions", "--fallback-extensions"])
def test_junk_extensions_are_one_line_and_exit_2(tmp_path: Path, option: str, value: str) -> None:
    result = run_cli(["--no-config", "--dump", str(_tree(tmp_path)), option, value])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"urlcheck: error: invalid value for {option}: ")
    assert "\x1b" not in result.stderr
    assert "\x00" not in result.stderr
    assert len(lines[0]) < 200  # a long value is cut, not echoed whole


@pytest.mark.parametrize("value", ["", "../index.html", "a/index.html", "..", "x\ny", "a\\b"])
def test_junk_index_files_are_one_line_and_exit_2(tmp_path: Path, value: str) -> None:
    result = run_cli(["--no-config", "--dump", str(_tree(tmp_path)), "--index-files", value])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("urlcheck: error: invalid value for --index-files: ")


def test_values_are_normalised_once() -> None:
    settings = Settings.model_validate(
        {"extensions": ["MD, .html,md", "rst"], "index_files": "index.html, README.md,."}
    )
    assert split_names(settings.extensions) == ("md", "html", "rst")
    assert split_names(settings.index_files) == ("index.html", "README.md", ".")


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_parsing_accepts_or_says_why(text: str) -> None:
    for parse in (extension_list, index_file_list):
        try:
            value = parse(text)
        except ValueError as exc:
            message = str(exc)
        else:
            message = ""
        assert "\n" not in message
        if message:
            continue
        assert value
        assert "" not in value.split(",")
