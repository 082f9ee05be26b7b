"""--index-files and --fallback-extensions (localfile.Lookup): how a link to
a directory, or to a name without its extension, finds its file on disk, as a
built static site's server would. Real files in tmp dirs, through the CLI."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import localfile
from checker.localfile import Lookup
from checker.models import ErrorKind, Outcome, Target
from tests.conftest import run_cli


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "guide").mkdir(parents=True)
    (site / "guide" / "intro.md").write_text("# intro\n")
    (site / "guide" / "index.html").write_text("<p>guide</p>")
    (site / "readme_only").mkdir()
    (site / "readme_only" / "README.md").write_text("# readme\n")
    (site / "bare").mkdir()
    (site / "bare" / "notes.txt").write_text("x")
    return site


def _results(site: Path, links: list[str], *options: str) -> tuple[int, dict[str, Any], str]:
    page = site / "page.md"
    page.write_text("".join(f"[l{i}]({link})\n" for i, link in enumerate(links)))
    result = run_cli(["--no-config", str(page), "--format", "json", *options])
    report = json.loads(result.stdout) if result.stdout else {"results": []}
    by_link = {}
    for item in report["results"]:
        line = item["sources"][0]["line"]
        by_link[links[line - 1]] = item
    return result.exit_code, by_link, result.stderr


def test_index_files_a_directory_must_hold_one(tmp_path: Path) -> None:
    site = _site(tmp_path)
    links = ["guide/", "readme_only", "bare/", "guide/intro.md"]
    code, results, _ = _results(site, links, "--index-files", "index.html,README.md")
    assert code == 1
    assert results["guide/"]["outcome"] == "ok"
    # The URL is the link as written; final_url names the file found.
    assert results["guide/"]["url"] == (site / "guide").as_uri() + "/"
    assert results["guide/"]["final_url"] == (site / "guide" / "index.html").as_uri()
    assert results["readme_only"]["final_url"] == (site / "readme_only" / "README.md").as_uri()
    assert results["guide/intro.md"]["outcome"] == "ok"
    assert results["guide/intro.md"]["final_url"] is None
    bare = results["bare/"]
    assert bare["outcome"] == "broken"
    assert bare["error"]["kind"] == "missing_file"
    assert "no index file in directory" in bare["error"]["message"]
    assert "(tried index.html, README.md)" in bare["error"]["message"]


def test_without_index_files_an_existing_directory_passes(tmp_path: Path) -> None:
    site = _site(tmp_path)
    code, results, _ = _results(site, ["bare/", "guide"])
    assert code == 0
    assert {r["outcome"] for r in results.values()} == {"ok"}
    assert {r["final_url"] for r in results.values()} == {None}


def test_index_files_dot_accepts_the_directory_itself(tmp_path: Path) -> None:
    site = _site(tmp_path)
    code, results, _ = _results(site, ["bare/", "guide/"], "--index-files", "index.html,.")
    assert code == 0
    assert results["bare/"]["final_url"] is None  # the directory itself was accepted
    assert results["guide/"]["final_url"] == (site / "guide" / "index.html").as_uri()


def test_fallback_extensions_find_the_file_in_order(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "guide" / "intro.html").write_text("<p>html</p>")
    links = ["guide/intro", "guide/intro#part", "guide/gone", "guide/intro/"]
    code, results, _ = _results(site, links, "--fallback-extensions", "html,md")
    assert code == 1
    assert results["guide/intro"]["outcome"] == "ok"
    assert results["guide/intro"]["final_url"] == (site / "guide" / "intro.html").as_uri()
    assert results["guide/intro#part"]["final_url"].endswith("/guide/intro.html#part")
    gone = results["guide/gone"]["error"]
    assert gone["kind"] == "missing_file"
    assert gone["message"].endswith("guide/gone (nor with .html, .md)")
    # A trailing slash names a directory: no extension is tried on it.
    assert results["guide/intro/"]["error"]["kind"] == "missing_file"
    code, results, _ = _results(site, ["guide/intro"], "--fallback-extensions", ".MD")
    assert results["guide/intro"]["final_url"] == (site / "guide" / "intro.md").as_uri()
    code, results, _ = _results(site, ["guide/intro"])
    assert results["guide/intro"]["error"]["kind"] == "missing_file"  # unset: as before


def test_root_relative_links_look_up_under_root_dir(tmp_path: Path) -> None:
    site = _site(tmp_path)
    options = ["--root-dir", str(site), "--index-files", "index.html", "--fallback-extensions"]
    code, results, _ = _results(site, ["/guide/", "/guide/intro", "/../guide/"], *options, "md")
    assert code == 0
    assert results["/guide/intro"]["final_url"] == (site / "guide" / "intro.md").as_uri()
    # "/../guide/" stays under the root: the same target as "/guide/".
    assert results["/guide/"]["final_url"] == (site / "guide" / "index.html").as_uri()
    assert results["/guide/"]["sources_total"] == 2


def test_fix_leaves_a_link_found_by_lookup_alone(tmp_path: Path) -> None:
    """final_url is no move: --fix rewrites permanently moved HTTP links only."""
    site = _site(tmp_path)
    code, _, stderr = _results(site, ["guide/intro"], "--fallback-extensions", "md", "--fix")
    assert code == 0
    assert (site / "page.md").read_text() == "[l0](guide/intro)\n"
    assert "fixed 0 moved link(s)" in stderr


# Hostile trees.


def test_a_directory_named_like_an_index_file_is_not_one(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "bare" / "index.html").mkdir()
    (site / "nested").mkdir()
    (site / "nested" / "index.html").mkdir()
    (site / "nested" / "README.md").write_text("x")
    options = ("--index-files", "index.html,README.md")
    _code, results, _ = _results(site, ["bare/", "nested/"], *options)
    assert results["bare/"]["error"]["kind"] == "missing_file"
    assert results["nested/"]["final_url"] == (site / "nested" / "README.md").as_uri()
    # A fallback that is a directory is no file either.
    (site / "guide" / "dir.md").mkdir()
    _code, results, _ = _results(site, ["guide/dir"], "--fallback-extensions", "md")
    assert results["guide/dir"]["error"]["kind"] == "missing_file"


def test_symlink_loops_are_missing_files_with_the_reason(tmp_path: Path) -> None:
    site = _site(tmp_path)
    os.symlink("index.html", site / "bare" / "index.html")  # points at itself
    os.symlink("loop", site / "loop")
    os.symlink("spin.md", site / "spin.md")
    options = ("--index-files", "index.html,README.md", "--fallback-extensions", "md")
    code, results, _ = _results(site, ["bare/", "loop", "spin"], *options)
    assert code == 1
    bare = results["bare/"]["error"]
    assert bare["kind"] == "missing_file"
    assert "cannot read index file" in bare["message"]
    assert os.strerror(errno.ELOOP) in bare["message"]
    assert os.strerror(errno.ELOOP) in results["loop"]["error"]["message"]
    assert results["spin"]["error"]["kind"] == "missing_file"


def test_an_index_file_that_is_a_fifo_is_not_opened(tmp_path: Path) -> None:
    site = _site(tmp_path)
    os.mkfifo(site / "bare" / "index.html")  # opening it would block the run
    _code, results, _ = _results(site, ["bare/"], "--index-files", "index.html")
    assert results["bare/"]["error"]["message"].endswith("index.html: not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_index_file_is_broken(tmp_path: Path) -> None:
    site = _site(tmp_path)
    index = site / "guide" / "index.html"
    index.chmod(0)
    try:
        code, results, _ = _results(site, ["guide/"], "--index-files", "index.html,README.md")
    finally:
        index.chmod(0o644)
    assert code == 1
    message = results["guide/"]["error"]["message"]
    assert message.endswith(f"index.html: {os.strerror(errno.EACCES)}")


def test_an_index_file_the_system_refuses_to_open_is_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the skipped test above sees as a user; as root, the refusal is made here."""
    site = _site(tmp_path)
    real_open = os.open

    def refusing(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("index.html"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(localfile.os, "open", refusing)
    result = localfile.check(_target(site / "guide"), Lookup(index_files=("index.html", "x")))
    assert result is not None
    assert result.error is not None
    assert result.outcome is Outcome.BROKEN
    assert result.error.kind is ErrorKind.MISSING_FILE
    assert result.error.message.endswith(f"index.html: {os.strerror(errno.EACCES)}")


def _target(path: Path, suffix: str = "") -> Target:
    return Target(0, path.as_uri() + suffix, ())


def test_check_keeps_its_one_argument_form(tmp_path: Path) -> None:
    """gate.py and the fragment check call check(target): unchanged without a Lookup."""
    site = _site(tmp_path)
    ok = localfile.check(_target(site / "bare"))
    assert ok is not None
    assert ok.outcome is Outcome.OK
    gone = localfile.check(_target(site / "guide" / "intro"))
    assert gone is not None
    assert gone.error is not None
    assert gone.error.message == f"no such file: {site / 'guide' / 'intro'}"


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    name=st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1, max_size=30),
    suffix=st.sampled_from(["", "/", "#x", "?q=1", "%00", "%2F..%2F"]),
)
def test_fuzz_lookups_always_answer(tmp_path_factory: Any, name: str, suffix: str) -> None:
    site = tmp_path_factory.mktemp("fuzz")
    lookup = Lookup(index_files=("index.html", "."), fallback_extensions=("html", "md"))
    url = site.as_uri() + "/" + name.replace("%", "%25").replace("#", "%23") + suffix
    result = localfile.check(Target(0, url, ()), lookup)
    assert result is not None
    assert result.outcome in (Outcome.OK, Outcome.BROKEN, Outcome.ERROR)
    if result.outcome is not Outcome.OK:
        assert result.error is not None
