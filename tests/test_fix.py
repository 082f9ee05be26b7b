"""--fix and --fix --dry-run on Markdown, HTML and rST files, against a real
server on loopback: byte-exact, nothing but the URL changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.fix import _Edit, _rewrite, apply
from checker.models import Outcome, Result, Source
from checker.sources._text import Locator, decode
from tests.conftest import ServerThread, probe_url, run_cli


def _app() -> web.Application:
    routes = {
        "/old": (301, "/new"),
        "/old-308": (308, "/new"),
        "/then-temp": (308, "/mid"),
        "/mid": (302, "/login"),
        "/temp": (302, "/new"),
        "/moved-dead": (301, "/dead"),
    }

    async def handle(request: web.Request) -> web.Response:
        if request.path in routes:
            status, location = routes[request.path]
            return web.Response(status=status, headers={"Location": location})
        return web.Response(status=404 if request.path == "/dead" else 200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@pytest.fixture
def site() -> Iterator[ServerThread]:
    with ServerThread(_app()) as server:
        yield server


async def test_probe_records_where_permanent_redirects_lead(site: ServerThread) -> None:
    moved = await probe_url(site.url("/old"))
    partly = await probe_url(site.url("/then-temp"))
    temporary = await probe_url(site.url("/temp"))
    assert moved.moved_to == site.url("/new")
    assert partly.moved_to == site.url("/mid")  # only the permanent part of the chain
    assert temporary.moved_to is None


def _documents(tmp_path: Path, base: str) -> dict[Path, bytes]:
    files = {
        # BOM, CRLF, non-ASCII before the link on its line (columns count characters)
        tmp_path / "guide.md": (
            "\ufeff# Guide\r\n\r\nSee [é docs]("
            + base
            + "/old#install) and <"
            + base
            + "/temp>.\r\nDead: ["
            + base
            + "/moved-dead]("
            + base
            + "/moved-dead)\r\n"
        ).encode(),
        tmp_path / "page.html": (
            '<p><a href="' + base + '/old-308">x</a>\n<a href="' + base + '/then-temp">y</a></p>\n'
        ).encode(),
        tmp_path / "index.rst": (
            "Title\n=====\n\n`Moved <" + base + "/old>`_\n\nAlso " + base + "/old here.\n"
        ).encode(),
    }
    for path, data in files.items():
        path.write_bytes(data)
    return files


def test_fix_rewrites_exactly_the_moved_urls(site: ServerThread, tmp_path: Path) -> None:
    base = site.url("").rstrip("/")
    before = _documents(tmp_path, base)
    (tmp_path / "page.html").chmod(0o640)
    result = run_cli(["--fix", *map(str, before)])
    assert result.exit_code == 1  # /moved-dead is broken: the exit code is unchanged by --fix
    after = {path: path.read_bytes() for path in before}
    md, html, rst = (tmp_path / n for n in ("guide.md", "page.html", "index.rst"))
    old, new = f"{base}/old".encode(), f"{base}/new".encode()
    assert after[md] == before[md].replace(old + b"#install", new + b"#install")
    assert after[html] == before[html].replace(f"{base}/old-308".encode(), new).replace(
        f"{base}/then-temp".encode(), f"{base}/mid".encode()
    )
    assert after[rst] == before[rst].replace(old, new)
    assert (html.stat().st_mode & 0o777) == 0o640
    assert "fixed 5 moved link(s) in 3 file(s)" in result.stderr
    assert list(tmp_path.glob(".*")) == []  # no temporary file left


def test_dry_run_prints_a_diff_and_writes_nothing(site: ServerThread, tmp_path: Path) -> None:
    base = site.url("").rstrip("/")
    before = _documents(tmp_path, base)
    result = run_cli(["--fix", "--dry-run", "--format", "json", *map(str, before)])
    assert {path: path.read_bytes() for path in before} == before
    assert f"--- a/{tmp_path / 'index.rst'}" in result.stderr
    assert f"-`Moved <{base}/old>`_\n+`Moved <{base}/new>`_\n" in result.stderr
    assert f"+Also {base}/new here.\n" in result.stderr
    assert "would fix 5 moved link(s) in 3 file(s)" in result.stderr
    assert result.stdout.startswith("{")  # stdout stays the report


def test_dry_run_without_fix_is_a_usage_error() -> None:
    result = run_cli(["--dry-run", "http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert "--dry-run only applies to --fix" in result.stderr


def _moved(url: str, new: str, path: str, line: int, column: int | None) -> Result:
    return Result(url, Outcome.OK, (Source(path, line, column),), 200, moved_to=new)


def test_places_not_written_verbatim_are_left_alone(tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_bytes(b"[x](http://h/old)\n")
    latin = tmp_path / "b.md"
    latin.write_bytes(b"caf\xe9 http://h/old\n")
    report = apply(
        [
            _moved("http://h/old", "http://h/new", str(doc), 1, 2),  # wrong column
            _moved("http://h/old", "http://h/new", str(latin), 1, 6),
            _moved("http://h/old", "http://h/tok-SECRET1", str(doc), 1, 5),
        ],
        dry_run=False,
        secrets=("tok-SECRET1",),
    )
    assert doc.read_bytes() == b"[x](http://h/old)\n"
    assert latin.read_bytes() == b"caf\xe9 http://h/old\n"
    assert report.changed == {}
    assert len(report.skipped) == 2  # the secret one is not even planned


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab é\r\n\t\u2028<>("), max_size=40),
    st.text(alphabet=st.sampled_from("ab é\r\n\t<>)"), max_size=40),
    st.booleans(),
)
def test_hostile_text_around_a_link_is_kept_byte_for_byte(
    before: str, after: str, bom: bool
) -> None:
    url = "http://h.example/old"
    text = ("\ufeff" if bom else "") + before + url + after
    # Where the parsers would say the link is: the same decode and locator.
    normalized = decode(text.encode())
    offset = normalized.rfind(url, 0, len(normalized) - len(decode(after.encode())) + 1)
    if offset < 0 or normalized.count(url) != 1:
        return
    line, column = Locator(normalized).position(offset)
    new, done, skipped = _rewrite(text, [_Edit(line, column, url, "https://h.example/new")])
    assert (done, skipped) == (1, [])
    assert new == text.replace(url, "https://h.example/new")
