"""Issue 12's input items in the source stage: a local sitemap index, --root-dir, slashes."""

from __future__ import annotations

import json
from pathlib import Path

from checker.api import check_sync
from checker.settings import Settings
from checker.sources import read_sources
from tests.conftest import run_cli


def _index(*locs: str) -> str:
    return (
        "<sitemapindex>"
        + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in locs)
        + ("</sitemapindex>")
    )


def test_a_sitemap_index_beside_ordinary_files_resolves_relative_locs_against_itself(
    tmp_path: Path,
) -> None:
    """It made the whole run exit 2 with urllib's 'unknown url type'."""
    site = tmp_path / "site"
    (site / "maps").mkdir(parents=True)
    (site / "page.md").write_text("<https://e.example/page>\n")
    (site / "index.xml").write_text(_index("maps/child.xml", "maps/gone.xml"))
    (site / "maps" / "child.xml").write_text(
        "<urlset><url><loc>https://e.example/from-child</loc></url></urlset>"
    )
    result = run_cli(
        [
            "--no-config",
            str(site / "index.xml"),
            str(site / "page.md"),
            "--dump",
            "--format",
            "jsonl",
        ]
    )
    assert result.exit_code == 0, result.stderr
    urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
    assert urls == [
        (site / "maps" / "child.xml").as_uri(),
        "https://e.example/from-child",
        (site / "maps" / "gone.xml").as_uri(),  # listed, so its check says missing_file
        "https://e.example/page",
    ]
    assert "urlcheck: warning: sitemap file://" in result.stderr
    assert "gone.xml" in result.stderr


def test_a_local_index_naming_a_fifo_does_not_open_it(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "fifo.xml")
    (tmp_path / "index.xml").write_text(_index("fifo.xml"))
    warnings: list[str] = []
    links = list(read_sources([str(tmp_path / "index.xml")], warn=warnings.append))
    assert [link.url for link in links] == [(tmp_path / "fifo.xml").as_uri()]
    assert "is not a regular file" in warnings[0]


def test_root_dir_cannot_be_escaped_with_dot_dot(tmp_path: Path) -> None:
    root = tmp_path / "public"
    (root / "x").mkdir(parents=True)
    (tmp_path / "secret.md").write_text("")
    doc = tmp_path / "docs" / "a.md"
    doc.parent.mkdir()
    doc.write_text("[a](/../secret.md) [b](/%2e%2e/%2e%2e/secret.md) [c](/x/../../secret.md)\n")
    links = list(read_sources([str(doc)], settings=Settings(root_dir=root)))
    assert [link.url for link in links] == [(root / "secret.md").as_uri()] * 3


def test_a_trailing_slash_is_kept_file_slash_is_missing_and_a_directory_keeps_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "guide").mkdir()
    (tmp_path / "file.md").write_text("")
    (tmp_path / "index.md").write_text("[a](file.md/) [b](guide/) [c](file.md) [d](/guide/)\n")
    report = check_sync(
        sources=[str(tmp_path / "index.md")],
        settings=Settings(retries=0, root_dir=tmp_path),
    )
    found = {
        r.url.removeprefix(tmp_path.as_uri()): (r.outcome, r.error and r.error.kind)
        for r in report.results
    }
    assert found == {
        "/file.md/": ("broken", "missing_file"),
        "/guide/": ("ok", None),
        "/file.md": ("ok", None),
    }


def test_a_local_xml_gz_sitemap_is_gunzipped_not_read_as_binary(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "child.xml.gz").write_bytes(
        gzip.compress(b"<urlset><url><loc>https://e.example/gz</loc></url></urlset>")
    )
    (tmp_path / "index.xml").write_text(_index("child.xml.gz"))
    (tmp_path / "bomb.xml.gz").write_bytes(gzip.compress(b" " * (60 * 1024 * 1024)))
    urls = [link.url for link in read_sources([str(tmp_path / "child.xml.gz")])]
    assert urls == ["https://e.example/gz"]
    urls = [link.url for link in read_sources([str(tmp_path / "index.xml")])]
    assert urls == [(tmp_path / "child.xml.gz").as_uri(), "https://e.example/gz"]
    result = run_cli(["--no-config", str(tmp_path / "bomb.xml.gz")])
    assert result.exit_code == 2
    assert "larger than 50 MB once gunzipped" in result.stderr
