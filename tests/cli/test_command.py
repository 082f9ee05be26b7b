"""checker/cli/command.py: the command group, its help, and the README's copy of it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from checker.choices import Panel
from tests.conftest import ServerThread, SlowSite, run_cli

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")  # click wraps help to the terminal


def test_schema_is_a_subcommand() -> None:
    result = run_cli(["schema"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["type"] == "object"
    one = run_cli(["schema", "result"])
    assert one.exit_code == 0
    assert json.loads(one.stdout) != json.loads(result.stdout)
    assert run_cli(["schema", "nope"]).exit_code == 2


def test_a_file_named_like_a_subcommand_is_checked_as_a_path(tmp_path: Path) -> None:
    site = SlowSite()
    with ServerThread(site.app()) as server:
        (tmp_path / "schema").write_text(server.url("/ok") + "\n")
        result = run_cli(["./schema", "--format", "json", "--retries", "0"])
    assert result.exit_code == 0, result.stderr
    assert [r["url"] for r in json.loads(result.stdout)["results"]] == [server.url("/ok")]


def test_sources_after_options_still_work_and_schema_later_is_a_source() -> None:
    """Only the first word picks a subcommand: ``--format json schema`` checks ./schema."""
    result = run_cli(["--format", "json", "schema"])
    assert result.exit_code == 2
    assert "schema" in result.stderr
    assert "cannot read" in result.stderr


def test_subcommand_help() -> None:
    result = run_cli(["schema", "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: urlcheck schema")


def test_help_lists_options_in_panels_in_order() -> None:
    result = run_cli(["--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: urlcheck [OPTIONS] [SOURCES]...")
    headings = re.findall(r"^(\w+) options:$", result.stdout, re.MULTILINE)
    assert headings == [panel.value for panel in Panel]
    assert "schema" in result.stdout.split("Commands")[1]


def test_readme_shows_the_real_help() -> None:
    """As pip-audit's ``make check-readme``: the README's help is the command's."""
    readme = README.read_text(encoding="utf-8")
    found = re.search(r"### `urlcheck --help`\n.*?```text\n(.*?)```\n", readme, re.DOTALL)
    assert found, "the README has a `urlcheck --help` section"
    result = run_cli(["--help"])
    assert found.group(1) == result.stdout, "run: COLUMNS=80 urlcheck --help, into README.md"


def test_version_does_not_import_aiohttp_or_pydantic() -> None:
    """--version stays fast by not importing the heavy stack."""
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('aiohttp', 'pydantic', 'click') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_a_command_that_does_not_use_the_store_does_not_import_it() -> None:
    """Every command builds the group that holds ``cache`` and ``history``;
    only those, and a run with --cache, need checker.store (and the writer's
    asyncio and sqlite3)."""
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('checker.store')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_python_m_checker_version() -> None:
    from checker import __version__

    done = subprocess.run(
        [sys.executable, "-m", "checker", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"urlcheck {__version__}"


def test_urlcheck_console_script_help() -> None:
    script = Path(sys.executable).with_name("urlcheck")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0
    assert "--connect-timeout" in done.stdout
