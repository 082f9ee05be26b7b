"""checker/cli/options.py: the command line's options are the Settings fields,
and any value typed for them is a run or one line and exit 2."""

from __future__ import annotations

import enum
import math
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field

from checker.choices import cli_of, flag_of
from checker.cli.command import build
from checker.cli.options import NOT_SETTINGS, settings_options
from checker.settings import Settings
from tests.conftest import run_cli


def _check_command() -> click.Command:
    group = build()
    return group.check


def _options() -> dict[str, click.Option]:
    return {
        param.name: param
        for param in _check_command().params
        if isinstance(param, click.Option) and param.name
    }


def test_every_settings_field_is_an_option_with_its_type_default_and_help() -> None:
    options = _options()
    for name, field in Settings.model_fields.items():
        if not cli_of(name).option:
            assert name not in options
            continue
        option = options[name]
        assert flag_of(name) in option.opts, name
        help_text = option.help or ""
        assert field.description, f"{name} has no description"
        assert help_text.startswith(field.description), name
        default = field.default
        if isinstance(default, bool) or default in (None, ()):
            assert "[default:" not in help_text or cli_of(name).default_help, name
        else:
            shown = default.value if isinstance(default, enum.Enum) else default
            shown = getattr(shown, "text", shown)
            if cli_of(name).default_help is None:
                assert help_text.endswith(f"[default: {shown}]"), name
        is_bool = field.annotation in (bool, bool | None)
        assert option.is_flag is is_bool, name
        assert option.multiple is (getattr(field.annotation, "__origin__", None) is tuple), name
    assert set(options) - set(Settings.model_fields) <= NOT_SETTINGS


def test_cli_defaults_leave_settings_defaults_alone() -> None:
    """No option has a default of its own: an option not typed is not passed on."""
    for option in _options().values():
        if option.name not in NOT_SETTINGS:
            assert option.default is None, option.name


class Extended(Settings):
    """What another branch adds: plain fields with a description only."""

    max_sitemaps: int = Field(default=1000, ge=1, description="Sitemaps read per run, at most.")
    fetch_header: tuple[str, ...] = Field(default=(), description="Sent when fetching.")
    follow_canonical: bool = Field(default=False, description="Follow rel=canonical.")


def test_a_field_without_cli_metadata_is_a_kebab_case_option() -> None:
    options = {o.name: o for o in settings_options(Extended)}
    plain = options["max_sitemaps"]
    assert plain.opts == ["--max-sitemaps"]
    assert plain.help == "Sitemaps read per run, at most.  [default: 1000]"
    assert plain.metavar == "INTEGER"
    assert options["fetch_header"].multiple
    flag = options["follow_canonical"]
    assert flag.opts == ["--follow-canonical"]
    assert flag.secondary_opts == ["--no-follow-canonical"]


# --- values: one line and exit 2, or a run; never a traceback ----------------------

FLOATS = ["--timeout", "--connect-timeout", "--max-retry-wait"]
INTS = ["-c", "--per-host", "--retries", "--max-redirects"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file is picked up


def assert_run_or_usage_error(option: str, value: str) -> int:
    # A refused port: the value is used by a real connection attempt, quickly.
    result = run_cli(
        ["--retries", "0", "--max-retry-wait", "0", option, value, "http://127.0.0.1:1/"]
    )
    assert "Traceback" not in result.stderr, (option, value, result.stderr)
    if result.exit_code == 2:
        assert result.stderr.startswith("urlcheck: error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stdout == ""
    else:
        assert result.exit_code == 1, (option, value, result)  # the URL is refused
    return result.exit_code


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--connect-timeout", "inf"),
        ("--timeout", "nan"),
        ("--timeout", "1e309"),
        ("--max-retry-wait", "-inf"),
        ("--timeout", "-1"),
        ("--timeout", "1e300"),
        ("-c", "1000000"),
        ("-c", "9" * 40),
        ("--per-host", "99999999999999999999"),
        ("--retries", "10000000000"),
        ("--max-redirects", str(2**64)),
        ("--timeout", ""),
    ],
)
def test_out_of_bounds_values_are_one_line_and_exit_2(option: str, value: str) -> None:
    assert assert_run_or_usage_error(option, value) == 2


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from(["inf", "-inf", "nan", "1e309", "-0", "0x10", "1_000", " 5 ", "5s"]),
        st.text(max_size=8),
    )


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(option=st.sampled_from(FLOATS + INTS), value=_numbers())
def test_any_numeric_value_is_a_run_or_one_line(option: str, value: str) -> None:
    code = assert_run_or_usage_error(option, value)
    try:
        number = float(value)
    except ValueError:
        return
    if not math.isfinite(number) or number < 0 or number > 100_000:
        assert code == 2, (option, value)
