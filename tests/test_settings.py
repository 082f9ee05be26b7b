"""The one settings model: defaults, parsing of option values, and secrecy of headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from checker import __version__
from checker.choices import Format, Method, StrategyName
from checker.filters import LinkFilter
from checker.settings import Header, Settings, StatusSet


def test_defaults_follow_the_issue_table() -> None:
    s = Settings()
    assert s.strategy is StrategyName.AS_COMPLETED
    assert s.format is Format.TEXT
    assert s.output is None
    assert (s.concurrency, s.per_host) == (128, 10)
    assert (s.timeout, s.connect_timeout) == (20.0, 10.0)
    assert (s.retries, s.max_retry_wait) == (2, 60.0)
    assert s.method is Method.AUTO
    assert s.accept.text == "200..299"
    assert s.max_redirects == 10
    assert s.headers == ()
    assert s.user_agent == f"urlcheck/{__version__}"
    assert s.insecure is False
    assert (s.exclude, s.include) == ((), ())
    assert (s.quiet, s.verbose) == (False, False)


def test_values_are_parsed_from_their_cli_spelling() -> None:
    s = Settings.model_validate(
        {
            "strategy": "first-exception",
            "format": "jsonl",
            "output": "out.json",
            "method": "get",
            "accept": "200..299,403",
            "headers": ["X-Key: v"],
            "exclude": ["^https://internal\\."],
        }
    )
    assert s.strategy is StrategyName.FIRST_EXCEPTION
    assert s.format is Format.JSONL
    assert s.output == Path("out.json")
    assert s.method is Method.GET
    assert 403 in s.accept.statuses
    assert s.headers[0].name == "X-Key"
    assert s.exclude[0].pattern == "^https://internal\\."


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("200..299", [200, 250, 299], [199, 300, 403]),
        ("200..299,403", [200, 403], [404, 401]),
        ("200", [200], [201]),
        (" 200 .. 204 , 418 ", [204, 418], [205]),
        ("100..999", [100, 999], [99, 1000]),
    ],
)
def test_status_sets(text: str, inside: list[int], outside: list[int]) -> None:
    accepted = StatusSet.parse(text).statuses
    assert all(status in accepted for status in inside)
    assert not any(status in accepted for status in outside)


def test_a_status_set_holds_only_ints() -> None:
    assert StatusSet.parse("200").statuses == frozenset({200})


@pytest.mark.parametrize("text", ["2xx", "", "..", "..=", "299..200", "42", "200-299", "a,b"])
def test_bad_status_sets_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked in test_cli
        StatusSet.parse(text)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("concurrency", 0),
        ("per_host", 0),
        ("timeout", 0),
        ("timeout", -1),
        ("connect_timeout", 0),
        ("retries", -1),
        ("max_retry_wait", -1),
        ("max_redirects", -1),
        ("strategy", "foo"),
        ("format", "xml"),
        ("method", "post"),
        ("accept", "2xx"),
        ("exclude", ["("]),
        ("include", ["[a-"]),
        ("user_agent", "evil\r\nX-Injected: 1"),
        ("no_such_option", 1),
    ],
)
def test_bad_values_are_rejected(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({field: value})


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        Settings().retries = 5  # type: ignore[misc]


def test_header_parsing() -> None:
    header = Header.parse("  X-Api-Key :  s3cret value ")
    assert header.name == "X-Api-Key"
    assert header.value.get_secret_value() == "s3cret value"
    assert Header.parse("X-Empty:").value.get_secret_value() == ""


def test_a_header_value_is_hidden_in_repr_and_dumps() -> None:
    s = Settings(headers=("Authorization: Bearer hunter2",))  # type: ignore[arg-type]
    assert "hunter2" not in repr(s)
    assert "hunter2" not in str(s)
    assert "hunter2" not in s.model_dump_json()
    assert s.secrets == ("Bearer hunter2",)


@pytest.mark.parametrize("text", ["hunter2", "Bad Name: hunter2", ": hunter2", "X(y): hunter2"])
def test_a_malformed_header_is_rejected_without_echoing_it(text: str) -> None:
    """A header typed without its colon is all value: the error must not show it."""
    with pytest.raises(ValidationError) as info:
        Settings(headers=(text,))  # type: ignore[arg-type]
    assert "hunter2" not in str(info.value)


def test_a_header_value_with_a_line_break_is_rejected_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(headers=("X-Key: hunter2\r\nX-Evil: 1",))  # type: ignore[arg-type]
    assert "hunter2" not in str(info.value)
    assert "X-Key" in str(info.value)


def test_empty_header_values_are_not_secrets() -> None:
    """An empty value cannot leak, and scrubbing "" would mangle every output."""
    s = Settings(headers=("X-Empty:", "X-Key: k"))  # type: ignore[arg-type]
    assert s.secrets == ("k",)


def test_exclusion_and_include_wins() -> None:
    s = Settings(exclude=("example\\.com", "^http:"), include=("/keep",))  # type: ignore[arg-type]
    excluded = LinkFilter(s)
    assert excluded("https://other.org/") is None
    reason = excluded("https://example.com/x")
    assert reason is not None
    assert repr("example\\.com") in reason
    assert excluded("http://other.org/") is not None
    assert excluded("https://example.com/keep") is None


def test_no_exclude_means_nothing_is_excluded_even_with_include() -> None:
    s = Settings(include=("x",))  # type: ignore[arg-type]
    assert LinkFilter(s)("http://anything/") is None


def test_compiled_patterns_are_accepted_as_they_are() -> None:
    pattern = re.compile("a", re.IGNORECASE)
    assert Settings(exclude=(pattern,)).exclude == (pattern,)


def test_bad_regex_message_names_the_pattern() -> None:
    with pytest.raises(ValidationError, match=r"'\(' is not a valid regular expression"):
        Settings(exclude=("(",))  # type: ignore[arg-type]


def _numeric_fields() -> list[tuple[str, type]]:
    found = []
    for name, field in Settings.model_fields.items():
        for kind in (int, float):
            if field.annotation in (kind, kind | None):
                found.append((name, kind))
    return found


def test_no_number_is_unbounded_or_infinite() -> None:
    """A value past its bound is a typo or an attack; inf and nan crash aiohttp's timers."""
    fields = _numeric_fields()
    assert {"timeout", "connect_timeout", "concurrency", "retries"} <= {n for n, _ in fields}
    for name, kind in fields:
        for value in [float("inf"), float("nan"), 1e300] if kind is float else [10**30]:
            with pytest.raises(ValidationError):
                Settings.model_validate({name: value})
