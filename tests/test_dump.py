"""``--dump`` through the CLI, checked exactly, and the options of issue 3's sources."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import ServerThread, run_cli


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/a.md").write_text(
        "# A\n\n[home](https://e.example/) and [b](b.html#top)\n\n"
        "```\nhttps://e.example/in-code\n```\n[mail](mailto:x@e.example)\n"
    )
    (tmp_path / "docs/b.html").write_text(
        '<a href="https://e.example/">home</a>\n<img srcset="x.png 1x, gone.png 2x">\n'
    )
    (tmp_path / "docs/x.png").write_bytes(b"")
    return tmp_path


def _uri(root: Path, name: str) -> str:
    return (root / "docs" / name).as_uri()


def test_dump_jsonl_is_one_object_per_unique_url_with_every_source(docs: Path) -> None:
    result = run_cli(["--no-config", "docs", "--dump", "--format", "jsonl"])
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {
            "url": "https://e.example/",
            "sources": [
                {"path": "docs/a.md", "line": 3, "column": 8},
                {"path": "docs/b.html", "line": 1, "column": 10},
            ],
            "reason": None,
        },
        {
            "url": _uri(docs, "b.html") + "#top",
            "sources": [{"path": "docs/a.md", "line": 3, "column": 36}],
            "reason": None,
        },
        {
            "url": "mailto:x@e.example",
            "sources": [{"path": "docs/a.md", "line": 8, "column": 8}],
            "reason": "a mailto: link (nothing to request)",
        },
        {
            "url": _uri(docs, "x.png"),
            "sources": [{"path": "docs/b.html", "line": 2, "column": 14}],
            "reason": None,
        },
        {
            "url": _uri(docs, "gone.png"),
            "sources": [{"path": "docs/b.html", "line": 2, "column": 24}],
            "reason": None,
        },
    ]
    assert result.stderr == "5 URLs from 6 links, 1 excluded; nothing checked\n"


def test_dump_json_is_a_list_of_the_same_entries(docs: Path) -> None:
    jsonl = run_cli(["--no-config", "docs", "--dump", "--format", "jsonl", "-q"])
    listed = run_cli(["--no-config", "docs", "--dump", "--format", "json", "-q"])
    assert listed.exit_code == 0
    assert json.loads(listed.stdout) == [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert listed.stderr == ""


def test_dump_text_is_one_readable_line_per_url(docs: Path) -> None:
    result = run_cli(["--no-config", "docs", "--dump", "--exclude", "gone"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "https://e.example/  docs/a.md:3:8, docs/b.html:1:10",
        f"{_uri(docs, 'b.html')}#top  docs/a.md:3:36",
        "mailto:x@e.example  docs/a.md:8:8  (excluded: a mailto: link (nothing to request))",
        f"{_uri(docs, 'x.png')}  docs/b.html:2:14",
        f"{_uri(docs, 'gone.png')}  docs/b.html:2:24  (excluded: matches --exclude 'gone')",
    ]


def test_dump_checks_nothing_and_an_empty_dump_is_valid_json(tmp_path: Path) -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(status=500)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    page = tmp_path / "p.html"
    page.write_text("<p>no links</p>")
    with ServerThread(app) as server:
        result = run_cli(["--no-config", server.url("/x"), "--dump", "--format", "jsonl"])
        empty = run_cli(["--no-config", str(page), "--dump", "--format", "json", "--allow-empty"])
    assert seen == []
    assert result.exit_code == 0
    assert json.loads(result.stdout)["sources"] == [{"path": "<arg>", "line": 1}]
    assert (empty.exit_code, empty.stdout) == (0, "[]\n")


def test_a_real_run_reports_missing_files_and_excluded_reasons(docs: Path) -> None:
    result = run_cli(["--no-config", "docs", "--scheme", "file", "--format", "jsonl", "-q"])
    assert result.exit_code == 1
    results = {r["url"]: r for r in map(json.loads, result.stdout.splitlines())}
    gone = results[_uri(docs, "gone.png")]
    assert (gone["outcome"], gone["error"]["kind"]) == ("broken", "missing_file")
    assert gone["sources"] == [{"path": "docs/b.html", "line": 2, "column": 24}]
    assert results[_uri(docs, "x.png")]["outcome"] == "ok"
    home = results["https://e.example/"]
    assert (home["outcome"], home["reason"]) == (
        "excluded",
        "scheme 'https' is not one of --scheme file",
    )


def _sitemap_app() -> web.Application:
    def urlset(*paths: str) -> bytes:
        locs = "".join(f"<url><loc>https://e.example{p}</loc></url>" for p in paths)
        return (
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()
        )

    async def index(request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        body = (
            "<sitemapindex>\n"
            f"<sitemap><loc>{base}/one.xml</loc></sitemap>\n"
            f"<sitemap><loc>{base}/two.xml.gz</loc></sitemap>\n"
            f"<sitemap><loc>{base}/dead.xml</loc></sitemap>\n"
            f"<sitemap><loc>{base}/index.xml</loc></sitemap>\n"  # a loop, followed once
            "</sitemapindex>\n"
        )
        return web.Response(body=body.encode(), content_type="application/xml")

    async def one(request: web.Request) -> web.Response:
        return web.Response(body=urlset("/a", "/b"), content_type="application/xml")

    async def two(request: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(urlset("/c")), content_type="application/gzip")

    app = web.Application()
    app.router.add_get("/index.xml", index)
    app.router.add_get("/one.xml", one)
    app.router.add_get("/two.xml.gz", two)
    return app


def test_sitemap_url_is_fetched_and_its_index_followed() -> None:
    with ServerThread(_sitemap_app()) as server:
        result = run_cli(
            ["--no-config", "--sitemap", server.url("/index.xml"), "--dump", "--format", "jsonl"]
        )
    assert result.exit_code == 0, result.stderr
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["url"], e["sources"][0]["path"], e["sources"][0]["line"]) for e in entries] == [
        (server.url("/one.xml"), server.url("/index.xml"), 2),
        ("https://e.example/a", server.url("/one.xml"), 1),
        ("https://e.example/b", server.url("/one.xml"), 1),
        (server.url("/two.xml.gz"), server.url("/index.xml"), 3),
        ("https://e.example/c", server.url("/two.xml.gz"), 1),
        (server.url("/dead.xml"), server.url("/index.xml"), 4),  # listed, so its check fails
        (server.url("/index.xml"), server.url("/index.xml"), 5),
    ]


def test_an_unreachable_sitemap_is_a_usage_error() -> None:
    with ServerThread(_sitemap_app()) as server:
        result = run_cli(["--no-config", "--sitemap", server.url("/missing.xml"), "--dump"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"urlcheck: error: cannot fetch sitemap {server.url('/missing.xml')}: HTTP 404\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no SOURCES"),
        (["x", "--remap", "only-one-word"], "invalid value for --remap: 'only-one-word' is not"),
        (["x", "--remap", "( y"], "invalid value for --remap: '(' is not a valid regular"),
        (["x", "--base-url", "ftp://e.example/"], "invalid value for --base-url: 'ftp://"),
        (["x", "--sitemap", "sitemap.xml"], "invalid value for --sitemap: 'sitemap.xml' is"),
        (["x", "--root-dir", "/no/such/dir"], "invalid value for --root-dir: '/no/such/dir'"),
        (["x", "--scheme", "1http"], "invalid value for --scheme: '1http' is not a URL scheme"),
        (["x", "--exclude-path", "["], "invalid value for --exclude-path: '[' is not a valid"),
        (["x", "--default-format", "pdf"], "'pdf' is not one of"),
    ],
)
def test_bad_source_options_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run_cli(["--no-config", *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
