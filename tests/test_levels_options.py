"""--warn, --redirects and --allowed-redirect as hostile input: any option
value is a rule or one line and exit 2; the judge never raises, is
idempotent, and demotes exactly what a rule names."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from checker.choices import RedirectPolicy
from checker.levels import REDIRECTS_WARN, AllowedRedirect, Judge, WarnRule
from checker.models import ErrorKind, Failure, Outcome, Result
from checker.settings import Settings
from tests.conftest import run_cli

FEW = settings(max_examples=40, derandomize=True, deadline=None)

WORDS = [
    "403",
    "400..499",
    "..=299",
    "500..",
    "999..100",
    "40x",
    "0",
    "..",
    "timeout",
    "TIMEOUT",
    "internal",
    "redirected",
    "missing_file",
    "url:",
    "url:(",
    "url:^https://a\\.example/",
    "url:a b",
    "status:403",
    "",
    " ",
    "\t",
    "\x00",
    "\x1b[31m",
    "::warning::x",
    "é",
]
rule_texts = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join),
    st.text(max_size=30),
)


def _one_line_or_none(text: str) -> None:
    """What the CLI says of ``--warn=text``: nothing (exit 0), or one line, exit 2."""
    run = run_cli(["--no-config", "--dump", f"--warn={text}", "http://127.0.0.1:1/"])
    assert run.exit_code in (0, 2), run
    assert "Traceback" not in run.stderr
    if run.exit_code == 2:
        assert run.stdout == ""
        assert run.stderr.startswith("urlcheck: error: invalid value for --warn")
        assert run.stderr.count("\n") == 1, run.stderr


@FEW
@given(rule_texts)
def test_any_warn_text_is_a_rule_or_one_line_and_exit_2(text: str) -> None:
    # Anything but a ValueError is the failure this test looks for.
    with contextlib.suppress(ValueError):
        WarnRule.parse(text)
    _one_line_or_none(text)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("url:(", "not a valid regular expression"),
        ("40x", "is not a status"),
        ("1000", "not a range of HTTP statuses"),
        ("internal", "always fail the run"),
        ("", "an empty --warn rule"),
        ("403 404", "names two status sets"),
        ("403 timeout", "never hold together"),
        ("url:", "needs a regular expression"),
    ],
)
def test_a_bad_warn_rule_names_what_is_wrong(value: str, says: str) -> None:
    run = run_cli(["--no-config", f"--warn={value}", "http://127.0.0.1:1/"])
    assert run.exit_code == 2, run
    assert run.stderr.count("\n") == 1, run
    assert says in run.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--allowed-redirect", "a"], "two words"),
        (["--allowed-redirect", "( b"], "not a valid regular expression"),
        (["--redirects", "sometimes"], "--redirects"),
    ],
)
def test_bad_redirect_options_are_one_line_and_exit_2(args: list[str], says: str) -> None:
    run = run_cli(["--no-config", *args, "http://127.0.0.1:1/"])
    assert run.exit_code == 2, run
    assert run.stderr.count("\n") == 1, run
    assert says in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "toml",
    [
        'allowed_redirects = {"(" = "x"}',
        "allowed_redirects = [[1, 2, 3]]",
        "allowed_redirects = 7",
        'warn = ["url:("]',
        "warn = [403]",
        'redirects = "maybe"',
    ],
)
def test_bad_config_values_are_one_line_and_exit_2(tmp_path: Path, toml: str) -> None:
    config = tmp_path / "urlcheck.toml"
    config.write_text(toml + "\n")
    run = run_cli(["--config", str(config), "http://127.0.0.1:1/"])
    assert run.exit_code == 2, run
    assert run.stderr.count("\n") == 1, run
    assert "urlcheck.toml" in run.stderr


@FEW
@given(st.text(max_size=40))
def test_any_allowed_redirect_text_is_a_pair_or_a_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        AllowedRedirect.parse(text)
    with contextlib.suppress(ValidationError):
        Settings.model_validate({"allowed_redirects": text, "warn": text})


# --- the judge ------------------------------------------------------------------

GOOD_RULES = ["403", "400..404,410", "timeout", "url:/a", "404 url:x$", "redirected", "dns"]
URL = "http://h.example/a"

results = st.builds(
    lambda outcome, status, kind, url, hops: Result(
        url=url,
        outcome=outcome,
        status=status,
        error=None if kind is None else Failure(kind, "m"),
        redirects=[f"http://t.example/{n}" for n in range(hops)],
        final_url=f"http://t.example/{hops - 1}" if hops else url,
    ),
    st.sampled_from(Outcome),
    st.none() | st.sampled_from([200, 301, 403, 404, 410, 500, 999]),
    st.none() | st.sampled_from(ErrorKind),
    st.sampled_from([URL, "http://h.example/x", "", "::", "http://[::1]/a\x00"]),
    st.integers(0, 3),
)


@FEW
@given(
    results,
    st.lists(st.sampled_from(GOOD_RULES), max_size=3),
    st.sampled_from(RedirectPolicy),
)
def test_the_judge_never_raises_and_is_idempotent(
    result: Result, rules: list[str], policy: RedirectPolicy
) -> None:
    judge = Judge(tuple(map(WarnRule.parse, rules)), policy)
    once = judge(dataclasses.replace(result))
    assert judge(dataclasses.replace(once)) == once
    if result.outcome in (Outcome.CANCELLED, Outcome.EXCLUDED):
        assert once == result  # never finished, or never checked: nothing to judge
    if once.warning is not None:
        assert not once.fails_run
        assert once.outcome.failed


@FEW
@given(st.sampled_from(["403", "400..404,410", "..=403", "405.."]), st.integers(100, 999))
def test_a_status_rule_warns_exactly_the_broken_statuses_it_names(text: str, status: int) -> None:
    rule = WarnRule.parse(text)
    broken = Result(url=URL, outcome=Outcome.BROKEN, status=status)
    warned = Judge((rule,), RedirectPolicy.ALLOW)(broken).warning is not None
    assert warned == (status in rule.statuses.statuses)  # type: ignore[union-attr]
    # The same status on an error (a redirect loop that ended in 301) is not it.
    error = dataclasses.replace(broken, outcome=Outcome.ERROR)
    assert Judge((rule,), RedirectPolicy.ALLOW)(error).warning is None


def test_every_redirect_policy_is_wired() -> None:
    """One case per member: a member without one fails here."""
    moved = Result(
        url=URL, outcome=Outcome.OK, status=200, redirects=["http://t/"], final_url="http://t/"
    )
    expected = {
        RedirectPolicy.ALLOW: (Outcome.OK, None, None),
        RedirectPolicy.WARN: (Outcome.BROKEN, ErrorKind.REDIRECTED, REDIRECTS_WARN),
        RedirectPolicy.ERROR: (Outcome.BROKEN, ErrorKind.REDIRECTED, None),
    }
    assert set(expected) == set(RedirectPolicy)
    for policy, (outcome, kind, warning) in expected.items():
        judged = Judge((), policy)(moved)
        assert (judged.outcome, judged.error and judged.error.kind, judged.warning) == (
            outcome,
            kind,
            warning,
        )
        assert moved.outcome is Outcome.OK  # the probe's result is never changed in place


def test_the_default_settings_judge_nothing() -> None:
    assert Judge.of(Settings()) is None  # no cost per URL unless asked
