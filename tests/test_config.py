"""Configuration files through the CLI: discovery, precedence, list merging, errors.

Each test runs in its own directory holding a ``.git``, so that discovery
stops there and never picks up a file from outside the test. Settings are
observed through what the run does against a loopback server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from checker.config import discover, load
from tests.conftest import CliResult, ServerThread

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "urlcheck.toml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root to run in."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    """/ok answers 200, /missing 404; /headers echoes the request's headers."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/missing":
            return web.Response(status=404)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    with ServerThread(app) as running:
        yield running


Cli = Callable[..., CliResult]


def outcomes(result: CliResult) -> dict[str, str]:
    return {r["url"]: r["outcome"] for r in json.loads(result.stdout)["results"]}


def error_line(result: CliResult) -> str:
    """A config error is exit 2 and exactly one line on stderr."""
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("urlcheck: error: ")
    return result.stderr.strip()


# --- precedence ------------------------------------------------------------


def test_file_applies_and_cli_wins(project: Path, server: ServerThread, cli: Cli) -> None:
    (project / "urlcheck.toml").write_text('accept = "200..299,404"\nretries = 0\n')
    missing = server.url("/missing")
    assert cli([missing]).exit_code == 0  # the file's accept makes 404 ok
    assert cli([missing, "--accept", "200"]).exit_code == 1  # the CLI's wins


def test_lists_merge_file_then_cli(project: Path, cli: Cli) -> None:
    (project / "urlcheck.toml").write_text("exclude = ['/from-file']\n")
    a, b = "http://127.0.0.1:1/from-file", "http://127.0.0.1:1/from-cli"
    result = cli([a, b, "--exclude", "/from-cli", "--format", "json"])
    assert result.exit_code == 0, result
    assert outcomes(result) == {a: "excluded", b: "excluded"}


def test_cli_can_switch_off_a_flag_the_file_sets(
    project: Path, server: ServerThread, cli: Cli
) -> None:
    (project / "urlcheck.toml").write_text("quiet = true\n")
    assert "URLs in" not in cli([server.url("/ok")]).stdout
    assert "URLs in" in cli([server.url("/ok"), "--no-quiet"]).stdout


def test_file_settings_are_validated_like_the_cli(project: Path) -> None:
    (project / "urlcheck.toml").write_text(
        'strategy = "gather"\nheaders = {X-A = "1"}\n[hosts."Docs.Example.com"]\nconcurrency = 2\n'
    )
    values = load()
    assert values["strategy"] == "gather"
    assert [h.name for h in values["headers"]] == ["X-A"]
    assert values["hosts"]["docs.example.com"].concurrency == 2


# --- discovery -------------------------------------------------------------


def test_found_by_walking_up_to_the_repository_root(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "urlcheck.toml").write_text("retries = 0\n")
    deep = project / "docs" / "api"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert discover() == project / "urlcheck.toml"


def test_walk_stops_at_the_repository_root(project: Path) -> None:
    """A file above the repository (say in $HOME) does not leak into it."""
    (project.parent / "urlcheck.toml").write_text("retries = 0\n")
    assert discover() is None


def test_pyproject_table_and_precedence_within_a_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = project / "sub"
    sub.mkdir()
    # A pyproject.toml without the table is passed over, even a broken one.
    (sub / "pyproject.toml").write_text("[project\n")
    (project / "pyproject.toml").write_text("[tool.urlcheck]\nretries = 1\n")
    monkeypatch.chdir(sub)
    assert discover() == project / "pyproject.toml"
    assert load() == {"retries": 1}
    (project / "urlcheck.toml").write_text("retries = 3\n")
    assert discover() == project / "urlcheck.toml"


def test_no_config_ignores_even_a_broken_file(project: Path, cli: Cli) -> None:
    (project / "urlcheck.toml").write_text("not toml at all [\n")
    assert cli(["http://127.0.0.1:1/", "--retries", "0"]).exit_code == 2
    result = cli(["http://127.0.0.1:1/", "--retries", "0", "--no-config", "--format", "json"])
    assert result.exit_code == 1  # ran: the URL was checked
    assert outcomes(result) == {"http://127.0.0.1:1/": "error"}


def test_explicit_config_is_used_instead_of_the_found_one(
    project: Path, tmp_path: Path, server: ServerThread, cli: Cli
) -> None:
    (project / "urlcheck.toml").write_text("concurency = 1\n")  # would fail if read
    elsewhere = tmp_path / "ci.toml"
    elsewhere.write_text('accept = "404"\n')
    assert cli([server.url("/missing"), "--config", str(elsewhere)]).exit_code == 0


def test_relative_paths_are_relative_to_the_file(
    project: Path, server: ServerThread, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    (project / "urlcheck.toml").write_text('output = "report.json"\nformat = "json"\n')
    sub = project / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert cli([server.url("/ok")]).exit_code == 0
    assert json.loads((project / "report.json").read_text())["summary"]["ok"] == 1


def test_environment_variables_fill_header_values(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "urlcheck.toml").write_text(
        '[hosts."a.example"]\nheaders = {Authorization = "Bearer ${URLCHECK_T}"}\n'
    )
    monkeypatch.setenv("URLCHECK_T", "tok")
    header = load()["hosts"]["a.example"].headers[0]
    assert header.value.get_secret_value() == "Bearer tok"


# --- errors: one line naming the file and the key ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "concurency = 5\n",
            "urlcheck.toml: concurency: unknown key (did you mean 'concurrency'?)",
        ),
        ("per-host = 5\n", "urlcheck.toml: per-host: unknown key (did you mean 'per_host'?)"),
        ("timeout = -1\n", "urlcheck.toml: timeout: Input should be greater than 0"),
        ('strategy = "fastest"\n', "urlcheck.toml: strategy: Input should be"),
        ('accept = "2xx"\n', "urlcheck.toml: accept: '2xx' is not a status"),
        ('[hosts."a.com"]\ntimout = 1\n', 'hosts."a.com".timout: unknown key (did you mean'),
        ('[hosts."a.com"]\nconcurrency = 0\n', 'hosts."a.com".concurrency: Input should be'),
        ('[hosts."exa mple.com"]\n', "urlcheck.toml: hosts: 'exa mple.com' is not a host name"),
        ("timeout = \n", "urlcheck.toml: not valid TOML: Invalid value (at line 1, column 11)"),
        (
            '[hosts."a.com"]\nheaders = {X = "${URLCHECK_UNSET_VAR}"}\n',
            'hosts."a.com".headers: environment variable URLCHECK_UNSET_VAR is not set',
        ),
    ],
)
def test_bad_file_is_one_line_naming_file_and_key(
    project: Path, cli: Cli, text: str, expected: str
) -> None:
    (project / "urlcheck.toml").write_text(text)
    assert expected in error_line(cli(["http://127.0.0.1:1/"]))


def test_pyproject_keys_are_named_with_their_table(project: Path, cli: Cli) -> None:
    (project / "pyproject.toml").write_text("[tool.urlcheck]\nretrys = 1\n")
    line = error_line(cli(["http://127.0.0.1:1/"]))
    assert "pyproject.toml: tool.urlcheck.retrys: unknown key (did you mean 'retries'?)" in line


def test_explicit_file_that_is_missing_or_has_no_table(project: Path, cli: Cli) -> None:
    line = error_line(cli(["http://127.0.0.1:1/", "--config", "nope.toml"]))
    assert "nope.toml: cannot read" in line
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    line = error_line(cli(["http://127.0.0.1:1/", "--config", "pyproject.toml"]))
    assert "pyproject.toml: no [tool.urlcheck] table" in line


def test_config_and_no_config_together(project: Path, cli: Cli) -> None:
    line = error_line(cli(["http://127.0.0.1:1/", "--config", "x.toml", "--no-config"]))
    assert "--config and --no-config" in line


def test_a_bad_header_in_a_file_is_not_echoed(project: Path, cli: Cli) -> None:
    (project / "urlcheck.toml").write_text('headers = ["hunter2-without-a-colon"]\n')
    line = error_line(cli(["http://127.0.0.1:1/"]))
    assert "urlcheck.toml: headers:" in line
    assert "hunter2" not in line


def test_cli_errors_still_name_the_option(project: Path, cli: Cli) -> None:
    (project / "urlcheck.toml").write_text("retries = 1\n")
    line = error_line(cli(["http://127.0.0.1:1/", "--timeout", "0"]))
    assert "invalid value for --timeout" in line


# --- the shipped example -----------------------------------------------------


def test_example_config_loads_validates_and_runs(
    project: Path, server: ServerThread, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.setenv("DOCS_TOKEN", "example-token")
    values = load(EXAMPLE)
    assert {"github.com", "*.readthedocs.io", "docs.internal.example.com"} <= set(values["hosts"])
    docs = values["hosts"]["docs.internal.example.com"]
    assert docs.headers[0].value.get_secret_value() == "Bearer example-token"
    result = cli([server.url("/ok"), "--config", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result
    assert "example-token" not in result.stdout + result.stderr


def test_example_needs_its_token(project: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    monkeypatch.delenv("DOCS_TOKEN", raising=False)
    line = error_line(cli(["http://127.0.0.1:1/", "--config", str(EXAMPLE)]))
    assert "DOCS_TOKEN is not set" in line
    assert os.path.basename(EXAMPLE) in line


# --- one validation, one rule for lists ------------------------------------------


@pytest.mark.parametrize("key", ["exclude", "include"])
def test_a_bare_string_is_one_regex_not_one_per_character(project: Path, key: str) -> None:
    """Validated twice, ``exclude = "abc"`` became the regexes a, b and c."""
    (project / "urlcheck.toml").write_text(f'{key} = "abc"\n')
    assert [p.pattern for p in load()[key]] == ["abc"]


def test_exclude_as_a_bare_string_excludes_only_what_matches(project: Path, cli: Cli) -> None:
    (project / "urlcheck.toml").write_text('exclude = "abc"\ninclude = "xyz"\n')
    urls = ["http://127.0.0.1:1/b", "http://127.0.0.1:1/abc", "http://127.0.0.1:1/abc-xyz"]
    result = cli([*urls, "--format", "json", "--retries", "0"])
    assert outcomes(result) == {urls[0]: "error", urls[1]: "excluded", urls[2]: "error"}


LIST_VALUES = {
    "exclude": "x",
    "include": "x",
    "exclude_path": "x",
    "headers": "X-A: 1",
    "header_for": "a.example=X-A: 1",
    "remap": "a b",
    "sitemap": "https://example.com/sitemap.xml",
    "scheme": "https",
    "reports": "json:r.json",
    "basic_auth": "^https://a\\.example/ user:pw",
    "warn": "403 url:^https://a\\.example/",
    "allowed_redirects": "^http://a\\.example/ ^https://a\\.example/",
}


def test_every_list_field_takes_a_bare_string_as_one_item() -> None:
    from checker.optiontypes import is_list_field
    from checker.settings import Settings

    lists = {name for name in Settings.model_fields if is_list_field(Settings, name)}
    assert lists == set(LIST_VALUES), "a new list field needs a value here"
    for name, value in LIST_VALUES.items():
        bare = Settings.model_validate({name: value})
        listed = Settings.model_validate({name: [value]})
        assert len(getattr(bare, name)) == 1, name
        assert repr(getattr(bare, name)) == repr(getattr(listed, name)), name


def test_file_values_are_validated_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker import config
    from checker.settings import Settings

    (project / "urlcheck.toml").write_text("retries = 1\nexclude = ['a']\n")
    calls = []
    real = Settings.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Settings], *args: object, **kwargs: object) -> Settings:
        calls.append(args[0])
        return real(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Settings, "model_validate", classmethod(counting))
    settings = config.settings(config.read(), {"exclude": ["b"], "timeout": "5"})
    assert len(calls) == 1
    assert calls[0] == {"retries": 1, "exclude": ["a", "b"], "timeout": "5"}
    assert [p.pattern for p in settings.exclude] == ["a", "b"]


@pytest.mark.parametrize(
    ("file_items", "cli_items", "expected"),
    [
        ("['ok', '(']", ["fine"], "urlcheck.toml: exclude: '(' is not a valid regular"),
        ("['ok']", ["fine", "("], "invalid value for --exclude: '(' is not a valid regular"),
        ('"("', ["fine"], "urlcheck.toml: exclude: '('"),
    ],
)
def test_a_bad_item_in_a_merged_list_is_blamed_on_where_it_came_from(
    project: Path, cli: Cli, file_items: str, cli_items: list[str], expected: str
) -> None:
    (project / "urlcheck.toml").write_text(f"exclude = {file_items}\n")
    args = [a for item in cli_items for a in ("--exclude", item)]
    assert expected in error_line(cli(["http://127.0.0.1:1/", *args]))


def test_headers_table_in_the_file_and_header_option_add_up(project: Path) -> None:
    from checker import config

    (project / "urlcheck.toml").write_text('headers = {X-A = "1"}\n')
    settings = config.settings(config.read(), {"headers": ["X-B: 2"]})
    assert [(h.name, h.value.get_secret_value()) for h in settings.headers] == [
        ("X-A", "1"),
        ("X-B", "2"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timeout = inf\n", "urlcheck.toml: timeout: Input should be a finite number"),
        ("connect_timeout = nan\n", "urlcheck.toml: connect_timeout: Input should be a finite"),
        ("max_retry_wait = 1e300\n", "urlcheck.toml: max_retry_wait: Input should be less than"),
        ("concurrency = 9223372036854775807\n", "urlcheck.toml: concurrency: Input should be"),
        ('[hosts."a.com"]\nrequest_interval = inf\n', 'hosts."a.com".request_interval: Input'),
        ('[hosts."a.com"]\ntimeout = -inf\n', 'hosts."a.com".timeout: Input should be'),
    ],
)
def test_toml_infinities_and_huge_numbers_are_one_line(
    project: Path, cli: Cli, text: str, expected: str
) -> None:
    """TOML itself can write inf and nan; a timer given one crashed aiohttp."""
    (project / "urlcheck.toml").write_text(text)
    assert expected in error_line(cli(["http://127.0.0.1:1/"]))
