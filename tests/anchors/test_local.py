"""Fragments into local files (--fragments local, the default), end to end."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def _tree(root: Path) -> None:
    (root / "README.md").write_text(
        "# Installation\n\n## What's new?\n\n"
        "[same](#installation) [typo](#instalation) [whats](#whats-new)\n"
        "[guide](guide.md#usage) [gone](guide.md#nope) [top](guide.md#top)\n"
        "[page](page.html#intro) [rst](doc.rst#my-target) [code](code.py#L2-L3)\n"
        "[past](code.py#L9) [raw](code.py#anything) [dir](sub/#x) [spa](guide.md#/route)\n",
        encoding="utf-8",
    )
    (root / "guide.md").write_text("Title\n\n## Usage\n", encoding="utf-8")
    (root / "page.html").write_text("<h1 id=intro>x</h1>", encoding="utf-8")
    (root / "doc.rst").write_text(".. _my-target:\n\nSection\n=======\n", encoding="utf-8")
    (root / "code.py").write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    (root / "sub").mkdir()


def _outcomes(root: Path, *args: str) -> tuple[int, dict[str, tuple[str, str | None]]]:
    result = run_cli(["--format", "json", *args, str(root / "README.md")])
    report = json.loads(result.stdout)
    outcomes = {}
    for r in report["results"]:
        name = r["url"].rsplit("/", 1)[-1]
        outcomes[name] = (r["outcome"], r["error"] and r["error"]["message"])
    return result.exit_code, outcomes


def test_fragments_into_local_files_are_checked(tmp_path: Path) -> None:
    _tree(tmp_path)
    code, outcomes = _outcomes(tmp_path)
    assert code == 1
    broken = {name for name, (outcome, _) in outcomes.items() if outcome == "broken"}
    assert broken == {"README.md#instalation", "guide.md#nope", "code.py#L9"}
    assert outcomes["README.md#instalation"][1] == (
        "no anchor #instalation in README.md; did you mean #installation?"
    )
    assert "past the end of code.py (3 lines)" in str(outcomes["code.py#L9"][1])
    for name in ("README.md#installation", "README.md#whats-new", "guide.md#usage"):
        assert outcomes[name][0] == "ok", name


def test_the_error_kind_is_missing_fragment(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = run_cli(["--format", "json", str(tmp_path / "README.md")])
    kinds = {r["error"]["kind"] for r in json.loads(result.stdout)["results"] if r["error"]}
    assert kinds == {"missing_fragment"}


def test_fragments_off_keeps_status_only_checks(tmp_path: Path) -> None:
    _tree(tmp_path)
    code, outcomes = _outcomes(tmp_path, "--fragments", "off")
    assert code == 0
    assert outcomes["#instalation"][0] == "excluded"  # same-page links stay unresolved
    assert outcomes["guide.md#nope"][0] == "ok"


def test_hostile_local_documents(tmp_path: Path) -> None:
    """Binary garbage, a file over the cap, an unreadable file, odd fragments."""
    (tmp_path / "garbage.html").write_bytes(b"\xff\xfe\x00<\x00" * 100 + b"<a id=\xff>")
    (tmp_path / "big.md").write_bytes(b"# Big\n" + b"x" * 5000)
    (tmp_path / "locked.md").write_text("# Locked\n")
    (tmp_path / "locked.md").chmod(0)
    (tmp_path / "README.md").write_text(
        "[g](garbage.html#x) [b](big.md#big) [l](locked.md#locked) "
        "[o](big.md#%ZZ%00%ff) [e](garbage.html#%E2%82)\n"
    )
    result = run_cli(["--format", "json", "--max-page-size", "1024", str(tmp_path / "README.md")])
    assert result.exit_code in (0, 1), result.stderr
    results = {r["url"].rsplit("/", 1)[-1]: r for r in json.loads(result.stdout)["results"]}
    assert results["garbage.html#x"]["outcome"] == "broken"
    assert results["big.md#big"]["outcome"] == "ok"
    assert "anchors not verified" in results["big.md#big"]["reason"]
    odd = [r for name, r in results.items() if name.startswith("big.md#") and name != "big.md#big"]
    assert [r["outcome"] for r in odd] == ["ok"]  # not verified either
    assert len(results) == 5


def test_every_fragments_mode_runs(tmp_path: Path) -> None:
    from checker.choices import Fragments

    _tree(tmp_path)
    broken = {Fragments.OFF: 0, Fragments.LOCAL: 3, Fragments.ALL: 3}
    for mode in Fragments:
        code, outcomes = _outcomes(tmp_path, "--fragments", mode.value)
        failed = [name for name, (outcome, _) in outcomes.items() if outcome == "broken"]
        assert len(failed) == broken[mode], (mode, failed)
        assert code == (1 if broken[mode] else 0)
