"""github: workflow commands, read back the way the Actions runner parses them."""

from __future__ import annotations

from dataclasses import dataclass

from checker.models import ErrorKind, Failure, Outcome, Result, Source
from checker.reporters.github import annotate, escape_data, escape_property
from tests.reporters.conftest import Site


@dataclass
class Command:
    name: str
    properties: dict[str, str]
    message: str


def _unescape(text: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if prop:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for code, char in [*pairs, ("%25", "%")]:
        text = text.replace(code, char)
    return text


def parse(line: str) -> Command:
    """As the runner's ActionCommand.TryParseV2: ``::name k=v,k=v::data``."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    name, _, props = line[2:end].partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, _, value = pair.partition("=")
        properties[key] = _unescape(value, prop=True)
    return Command(name, properties, _unescape(line[end + 2 :], prop=False))


def test_escaping_follows_actions_toolkit() -> None:
    assert escape_data("50% a:b,c\r\nd") == "50%25 a:b,c%0D%0Ad"
    assert escape_property("50% a:b,c\r\nd") == "50%25 a%3Ab%2Cc%0D%0Ad"


def test_hostile_file_names_and_messages_survive_the_round_trip() -> None:
    """A ',' or ':' in a path must not split the properties; a newline in a
    message must not end the command."""
    path = "docs/a,b:c%20d.md"
    result = Result(
        "http://example.test/a,b::c%",
        Outcome.ERROR,
        (Source(path, 7, 3),),
        error=Failure(ErrorKind.PROTOCOL, "bad\r\nreply: 100%"),
    )
    [line] = annotate(result)
    assert "\n" not in line
    command = parse(line)
    assert command.name == "error"
    assert command.properties == {
        "file": path,
        "line": "7",
        "col": "3",
        "title": "urlcheck: error/protocol",
    }
    assert command.message == "http://example.test/a,b::c% — protocol: bad\r\nreply: 100%"


def test_one_annotation_per_occurrence_none_for_successes() -> None:
    broken = Result("http://x/", Outcome.BROKEN, (Source("a.md", 1), Source("b.md", 2)), status=404)
    ok = Result("http://y/", Outcome.OK, (Source("a.md", 3),), status=200)
    excluded = Result("http://z/", Outcome.EXCLUDED, (Source("a.md", 4),), reason="matches")
    lines = [parse(line) for r in (broken, ok, excluded) for line in annotate(r)]
    assert [(c.properties["file"], c.properties["line"]) for c in lines] == [
        ("a.md", "1"),
        ("b.md", "2"),
    ]


def test_cancelled_is_a_warning_and_stdin_has_no_file() -> None:
    result = Result("http://x/", Outcome.CANCELLED, (Source("-", 4), Source("<arg>", 1)))
    commands = [parse(line) for line in annotate(result)]
    assert [c.name for c in commands] == ["warning", "warning"]
    assert all(set(c.properties) == {"title"} for c in commands)


def test_cli_writes_one_command_per_failing_line(site: Site) -> None:
    result = site.run("github")
    assert result.exit_code == 1
    commands = [parse(line) for line in result.stdout.splitlines()]
    found = sorted((c.properties["line"], c.properties["title"], c.message) for c in commands)
    assert [(line, title) for line, title, _ in found] == [
        ("2", "urlcheck: broken"),
        ("3", "urlcheck: error/connect"),
        ("4", "urlcheck: broken"),
    ]
    assert found[0][2] == f"{site.missing} — HTTP 404"
    assert all(c.name == "error" and c.properties["file"] == str(site.urls) for c in commands)
    assert "4 URLs" in result.stderr  # the summary stays off stdout
