"""``--shard K/N``: its value, the split (every URL in exactly one shard), the
input fingerprint, the stamp in json and jsonl, empty shards and --dump."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from checker import check_sync
from checker.api import build_index
from checker.models import Outcome
from checker.settings import Settings, Shard
from checker.shard import NOT_OUTCOME, fingerprint, select, settings_digest_text, shard_of
from checker.sources import Link
from checker.targets import TargetIndex
from tests.conftest import run_cli
from tests.sharding import site, write_inputs


@pytest.mark.parametrize(
    "value",
    [
        "0/3",
        "4/3",
        "1/0",
        "-1/3",
        "3",
        "1/3/5",
        "a/b",
        "",
        " / ",
        "1/10001",
        "99999999/2",
        "\x1b[31m1/2",
        "::error::x",
        "1 /2x",
        "\uff11/\uff12",  # digits, but not ASCII ones
    ],
)
def test_a_bad_shard_is_one_line_and_exit_2(value: str) -> None:
    result = run_cli(["--shard", value, "--dump", "-"], stdin=b"https://a.example/\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("urlcheck: error: invalid value for --shard")
    assert result.stderr.count("\n") == 1
    assert "\x1b" not in result.stderr
    assert result.stdout == ""


def test_a_bad_shard_in_a_configuration_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "urlcheck.toml").write_text('shard = "5/4"\n')
    result = run_cli(["--dump", "-"], stdin=b"https://a.example/\n")
    assert result.exit_code == 2
    assert "shard" in result.stderr
    assert result.stderr.count("\n") == 1


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"\A\s*-?\d{0,7}\s*/\s*-?\d{0,7}\s*\Z"))
def test_any_shard_text_is_a_shard_or_a_validation_error(text: str) -> None:
    try:
        shard = Settings(shard=text).shard
    except ValidationError:
        return
    assert shard is not None
    assert 1 <= shard.index <= shard.count <= 10_000


def test_the_shard_reads_from_text_and_from_a_model() -> None:
    assert Settings(shard=" 2 / 5 ").shard == Shard(index=2, count=5)
    assert Settings(shard=Shard(index=1, count=1)).shard == Shard(index=1, count=1)
    with pytest.raises(ValidationError):
        Shard(index=3, count=2)


def _index(urls: list[str]) -> TargetIndex:
    index = TargetIndex()
    index.add(Link(url, "in.txt", n) for n, url in enumerate(urls, start=1))
    return index


_URLS = st.lists(
    st.sampled_from(
        [
            "http://a.example/",
            "https://b.example:8443/x",
            "http://[::1]/",
            "mailto:x@y",
            "not a url",
            "http://[::1/",
            "",
            "//c.example/",
            "HTTP://A.EXAMPLE/up",
            "file:///etc",
        ]
    )
    | st.builds(
        lambda h, p: f"http://{h}/{p}", st.text(min_size=0, max_size=8), st.text(max_size=5)
    )
    | st.text(max_size=20),
    max_size=30,
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(_URLS, st.integers(1, 6))
def test_every_url_lands_in_exactly_one_shard(urls: list[str], count: int) -> None:
    every = set(urls)
    seen: dict[str, int] = {}
    stamps = []
    for k in range(1, count + 1):
        with _index(urls) as index:
            stamps.append(select(index, Shard(index=k, count=count), Settings()))
            kept = [target.url for target in index]
            assert len(kept) == len(index) == stamps[-1].urls
            assert index.links == sum(1 for url in urls if shard_of(url, count) == k)
        for url in kept:
            assert url not in seen, f"{url!r} in shards {seen[url]} and {k}"
            seen[url] = k
            assert shard_of(url, count) == k
    assert set(seen) == every
    assert len({s.inputs for s in stamps}) == 1  # every shard names the same input
    assert {s.input_urls for s in stamps} == {len(every)}


def test_hostless_and_invalid_urls_are_shard_1s() -> None:
    for url in ("mailto:x@y", "not a url", "http://[::1/", "relative/page.html", ""):
        assert shard_of(url, 7) == 1


def test_the_places_of_the_kept_urls_stay_with_them() -> None:
    urls = ["http://a.example/", "http://b.example/", "http://a.example/", "http://c.example/"]
    for k in (1, 2):
        with _index(urls) as index:
            select(index, Shard(index=k, count=2), Settings())
            for target in index:
                lines = [s.line for s in target.sources]
                assert lines == [n for n, u in enumerate(urls, start=1) if u == target.url]


def _digest(urls: list[str], **values: object) -> str:
    with _index(urls) as index:
        return fingerprint(Settings(**values), index)


def test_the_fingerprint_follows_the_input_and_the_outcome_settings() -> None:
    urls = ["http://a.example/", "http://b.example/"]
    base = _digest(urls)
    assert _digest(list(reversed(urls)) + urls) == base  # the unique set, sorted
    assert _digest(urls[:1]) != base
    assert _digest([*urls, "http://c.example/"]) != base
    assert _digest(urls, accept="200..499") != base
    assert _digest(urls, exclude=["b"]) != base
    assert _digest(urls, strategy="gather") != base
    # Where the report goes, how it looks, how many connections: not inputs.
    assert _digest(urls, format="jsonl", output="x.json", quiet=True, concurrency=3) == base
    assert _digest(urls, jobs=2, shard="2/3", host_stats=True) == base
    assert "shard" in NOT_OUTCOME


def test_no_secret_enters_the_fingerprint_in_any_form() -> None:
    urls = ["http://a.example/"]
    secret: dict[str, object] = {
        "headers": ["X-Token: s3cr3t-header"],
        "http_proxy": "http://user:s3cr3t-proxy@proxy.example:3128",
        "basic_auth": ["a.example user:s3cr3t-basic"],
        "github_token": "s3cr3t-token",
    }
    other: dict[str, object] = {
        "headers": ["X-Token: other"],
        "http_proxy": "http://user:other@proxy.example:3128",
        "basic_auth": ["a.example user:other"],
        "github_token": "other",
    }
    assert _digest(urls, **secret) == _digest(urls, **other)
    assert _digest(urls, **secret) != _digest(urls)  # that a header is sent still counts
    text = settings_digest_text(Settings(**secret))
    assert "s3cr3t" not in text
    assert "czNjcjN0" not in text  # base64 of the start of it


@pytest.fixture(scope="module")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    directory = tmp_path_factory.mktemp("shard")
    with site() as bases:
        yield directory, write_inputs(directory, bases)


def _run(directory: Path, *args: str) -> object:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        return run_cli(list(args))


def test_the_stamp_in_json_and_jsonl_and_plain_reports_unchanged(
    loopback: tuple[Path, list[str]],
) -> None:
    directory, files = loopback
    document = json.loads(_run(directory, *files, "--shard", "2/3", "--format", "json").stdout)
    stamp = document["shard"]
    assert stamp["index"] == 2
    assert stamp["count"] == 3
    assert stamp["urls"] == len(document["results"]) == document["summary"]["total"] > 0
    assert all(shard_of(r["url"], 3) == 2 for r in document["results"])
    lines = _run(directory, *files, "--shard", "2/3", "--format", "jsonl").stdout.splitlines()
    assert json.loads(lines[0]) == {"shard": stamp}
    assert len(lines) == stamp["urls"] + 1
    plain = json.loads(_run(directory, *files, "--format", "json").stdout)
    assert "shard" not in plain
    assert stamp["input_urls"] == plain["summary"]["total"]
    first = json.loads(_run(directory, *files, "--format", "jsonl").stdout.splitlines()[0])
    assert "url" in first


def test_an_empty_shard_is_an_empty_report_not_no_links_found(
    loopback: tuple[Path, list[str]],
) -> None:
    directory, files = loopback
    # 127.0.0.1-4 are shards 1, 4, 4 and 2 of four: shard 3 has no host.
    result = _run(directory, *files, "--shard", "3/4", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["results"] == []
    assert document["shard"]["urls"] == 0
    assert document["shard"]["input_urls"] > 0
    (directory / "empty.md").write_text("# No links here\n")
    nothing = _run(directory, "empty.md", "--shard", "1/2")
    assert nothing.exit_code == 2
    assert "no links found" in nothing.stderr


def test_dump_lists_the_shards_urls_only(loopback: tuple[Path, list[str]]) -> None:
    directory, files = loopback
    every = [
        json.loads(line)["url"]
        for line in _run(directory, *files, "--dump", "--format", "jsonl").stdout.splitlines()
    ]
    union = []
    for k in (1, 2, 3):
        result = _run(directory, *files, "--dump", "--format", "jsonl", "--shard", f"{k}/3")
        urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
        assert all(shard_of(url, 3) == k for url in urls)
        assert f"in shard {k}/3 (of {len(every)} URLs)" in result.stderr
        union += urls
    assert sorted(union) == sorted(every)


def test_the_library_honours_the_shard() -> None:
    urls = [f"http://host{n}.example/" for n in range(20)] + ["mailto:x@y"]
    every = set()
    for k in (1, 2, 3):
        # Everything excluded: nothing is requested, yet each URL is reported by one shard.
        report = check_sync(urls, settings=Settings(shard=f"{k}/3", exclude=[".*"]))
        assert all(r.outcome is Outcome.EXCLUDED for r in report.results)
        assert all(shard_of(r.url, 3) == k for r in report.results)
        every |= {r.url for r in report.results}
    assert every == set(urls)
    with build_index(urls, settings=Settings(shard="1/3")) as index:
        assert index.shard is not None
        assert index.shard.input_urls == len(urls)


def test_an_index_kept_to_a_shard_still_knows_its_urls() -> None:
    """keep() rebuilds the URL table: a URL read again after it is still one target."""
    with _index(["http://a.example/", "http://b.example/", "http://a.example/x"]) as index:
        index.keep(lambda url: "a.example" in url)
        index.add(
            [Link("http://a.example/", "more.txt", 9), Link("http://c.example/", "more.txt", 10)]
        )
        targets = list(index)
        assert [t.url for t in targets] == [
            "http://a.example/",
            "http://a.example/x",
            "http://c.example/",
        ]
        assert [s.path for s in targets[0].sources] == ["in.txt", "more.txt"]
        assert (len(index), index.links) == (3, 4)
