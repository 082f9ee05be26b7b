"""action.yml, run the way a runner would: each ``run:`` step's script under
bash, with its ``env:`` expressions filled from the inputs and a fake
``GITHUB_*`` environment, against a loopback server. The install step is
skipped; the urlcheck this test suite runs is put on PATH instead."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from tests.conftest import ServerThread

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BIN = Path(sys.executable).parent


@dataclass
class StepRun:
    code: int  # the exit code of the last step run
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    workspace: Path


def evaluate(text: str, inputs: dict[str, str]) -> str:
    """The few expressions action.yml may use; any other fails the test."""

    def value(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr.startswith("inputs."):
            name = expr.removeprefix("inputs.")
            return inputs.get(name, ACTION["inputs"][name].get("default", ""))
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"action.yml uses an expression this test does not know: {expr}")

    return EXPRESSION.sub(value, text)


class Runner:
    def __init__(self, tmp_path: Path) -> None:
        self.workspace = tmp_path / "workspace"
        self.workspace.mkdir()
        self.temp = tmp_path / "runner_temp"
        self.temp.mkdir()
        self.output = tmp_path / "github_output"
        self.summary = tmp_path / "step_summary.md"
        self.path_file = tmp_path / "github_path"
        for f in (self.output, self.summary, self.path_file):
            f.write_text("")

    def run(self, **inputs: str) -> StepRun:
        for name in inputs:
            assert name in ACTION["inputs"], name
        for name, spec in ACTION["inputs"].items():
            if spec.get("required"):
                assert name in inputs, f"required input {name} not given"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI"))}
        base.update(
            PATH=f"{BIN}{os.pathsep}{base.get('PATH', '')}",
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_OUTPUT=str(self.output),
            GITHUB_STEP_SUMMARY=str(self.summary),
            GITHUB_PATH=str(self.path_file),
            RUNNER_TEMP=str(self.temp),
        )
        result: subprocess.CompletedProcess[str] | None = None
        for step in ACTION["runs"]["steps"]:
            if "run" not in step or step.get("id") == "install":
                continue
            assert step["shell"] == "bash"
            env = {**base, **{k: evaluate(str(v), inputs) for k, v in step.get("env", {}).items()}}
            # As the runner does for `shell: bash`, in the workspace.
            script = self.temp / f"{step['id']}.sh"
            script.write_text(step["run"], encoding="utf-8")
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                env=env,
                cwd=self.workspace,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            if result.returncode:
                break
        assert result is not None
        outputs = dict(
            line.split("=", 1) for line in self.output.read_text().splitlines() if "=" in line
        )
        return StepRun(
            result.returncode,
            result.stdout,
            result.stderr,
            outputs,
            self.summary.read_text(encoding="utf-8"),
            self.workspace,
        )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Runner, ServerThread]]:
    if shutil.which("urlcheck", path=str(BIN)) is None:
        pytest.fail(f"urlcheck is not installed next to {sys.executable}")

    async def handle(request: web.Request) -> web.Response:
        return web.Response(status=200 if request.path == "/ok" else 404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    with ServerThread(app) as server:
        runner = Runner(tmp_path)
        (runner.workspace / "links.txt").write_text(
            f"{server.url('/ok')}\n{server.url('/gone')}\n", encoding="utf-8"
        )
        yield runner, server


def test_the_action_declares_its_inputs_and_output() -> None:
    inputs = ACTION["inputs"]
    assert set(inputs) == {
        "args",
        "version",
        "fail",
        "fail-if-empty",
        "job-summary",
        "sarif",
        "annotations",
        "cache",
    }
    assert (inputs["fail"]["default"], inputs["job-summary"]["default"]) == ("true", "true")
    assert inputs["fail-if-empty"]["default"] == "true"
    assert inputs["annotations"]["default"] == "true"
    assert ACTION["outputs"]["exit_code"]["value"] == "${{ steps.run.outputs.exit_code }}"
    assert ACTION["runs"]["using"] == "composite"
    install = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "install")
    assert "pip install" in install["run"]
    for step in ACTION["runs"]["steps"]:
        # Inputs go through env:, never pasted into a script (shell injection).
        assert "${{" not in step.get("run", "")


def test_a_broken_link_fails_the_step_with_annotations_summary_and_sarif(
    site: tuple[Runner, ServerThread],
) -> None:
    runner, server = site
    run = runner.run(args="links.txt --retries 0", sarif="results.sarif")
    assert run.code == 1
    assert run.outputs == {"exit_code": "1"}
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file=links.txt,line=2,title=urlcheck%3A broken::{server.url('/gone')} — HTTP 404"
    ]
    assert "2 URLs in" in run.stdout  # the text report
    assert run.summary.startswith("## urlcheck: 1 of 2 links failed")
    assert f"- [ ] <{server.url('/gone')}> — HTTP 404 (links.txt:2)" in run.summary
    sarif = json.loads((run.workspace / "results.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == 1


def test_fail_false_reports_but_passes(site: tuple[Runner, ServerThread]) -> None:
    runner, _ = site
    run = runner.run(args="links.txt --retries 0", fail="false")
    assert run.code == 0
    assert run.outputs == {"exit_code": "1"}
    assert "::error" in run.stdout


def test_without_annotations_stdout_is_just_the_report(site: tuple[Runner, ServerThread]) -> None:
    runner, server = site
    quoted = f"'{server.url('/ok')}'"  # args are split shell-style, quotes and all
    run = runner.run(args=f"links.txt {quoted} --format json", annotations="false")
    assert run.code == 1
    assert json.loads(run.stdout)["summary"]["total"] == 2
    assert run.summary.startswith("## urlcheck")


def test_annotations_and_summary_can_both_be_turned_off(
    site: tuple[Runner, ServerThread],
) -> None:
    runner, _ = site
    run = runner.run(args="links.txt", **{"job-summary": "False", "annotations": "false"})
    assert run.code == 1
    assert "::" not in run.stdout
    assert run.summary == ""


@pytest.mark.parametrize("value", [None, "true", "TRUE", "ture", ""])
def test_sources_with_no_link_fail_the_step_unless_fail_if_empty_is_false(
    site: tuple[Runner, ServerThread], value: str | None
) -> None:
    runner, _ = site
    (runner.workspace / "docs").mkdir()
    (runner.workspace / "docs" / "empty.md").write_text("no link here\n", encoding="utf-8")
    inputs = {} if value is None else {"fail-if-empty": value}
    run = runner.run(args="docs", fail="false", **inputs)
    assert run.code == 2  # even with fail: false, as a usage error does; a typo is not "false"
    assert run.outputs == {"exit_code": "2"}
    assert "no links found in 'docs'" in run.stderr


def test_fail_if_empty_false_passes_a_run_with_no_link(site: tuple[Runner, ServerThread]) -> None:
    runner, _ = site
    (runner.workspace / "docs").mkdir()
    run = runner.run(args="docs", **{"fail-if-empty": "False"})
    assert run.code == 0
    assert run.outputs == {"exit_code": "0"}
    assert "no links found" not in run.stderr


def test_a_usage_error_fails_the_step_even_with_fail_false(
    site: tuple[Runner, ServerThread],
) -> None:
    runner, _ = site
    run = runner.run(args="links.txt --timeout -1", fail="false")
    assert run.code == 2
    assert run.outputs == {"exit_code": "2"}
    assert "invalid value for --timeout" in run.stderr
    run = runner.run(args="links.txt 'unbalanced")
    assert run.code == 2
    assert "cannot split the args input" in run.stdout


def test_the_pre_commit_hook_runs_urlcheck_over_documents() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "urlcheck"
    assert hook["entry"] == "urlcheck --allow-empty"  # a commit with no link is not a failure
    assert hook["language"] == "python"
    assert set(hook["types_or"]) == {"markdown", "html", "rst"}
    assert hook["require_serial"] is True  # one run, each URL checked once
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'urlcheck = "checker.cli:main"' in pyproject


def test_cache_keeps_the_store_in_the_workspace_and_actions_cache_saves_it(
    site: tuple[Runner, ServerThread],
) -> None:
    runner, _ = site
    first = runner.run(args="links.txt --fail-on new", cache="true")
    assert first.code == 1  # both failures are new
    store = runner.workspace / ".urlcheck" / "cache.sqlite"
    assert store.is_file()
    second = runner.run(args="links.txt --fail-on new", cache="true")
    assert second.code == 0, second.stderr  # the 404 is known now: excused
    steps = {s.get("name"): s for s in ACTION["runs"]["steps"]}
    restore = steps["Restore the store of results"]
    save = steps["Save the store of results"]
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    assert "always()" in save["if"]
    assert restore["with"]["key"] == save["with"]["key"]
    fallbacks = restore["with"]["restore-keys"].splitlines()
    assert "head_ref || github.ref_name" in fallbacks[0]
    assert "default_branch" in fallbacks[1]
    assert restore["with"]["path"].endswith("/.urlcheck")


def test_without_cache_no_store_is_written(site: tuple[Runner, ServerThread]) -> None:
    runner, _ = site
    assert runner.run(args="links.txt").code == 1
    assert not (runner.workspace / ".urlcheck").exists()
