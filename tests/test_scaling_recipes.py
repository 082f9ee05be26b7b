"""The README's Scaling recipes, run as written: the GitHub Actions matrix,
the Kubernetes Indexed Job and the one-host xargs / GNU parallel lines.

The YAML is parsed (PyYAML), and each step or container script that runs
urlcheck is run here by bash against a loopback site; what only the engine
does (checkout, pip install, moving artifacts, mounting the volume) is left
to it: ``pip`` lines are skipped, and every job shares one directory. The
merged result must equal one plain run's.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import run_cli
from tests.sharding import ROOT, cli_environment, site, write_inputs

README = ROOT / "README.md"


def _scaling_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Scaling\n")
    return text[start : text.index("\n## ", start + 1)]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _scaling_section(), re.DOTALL)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], Any]]:
    """urls.txt over the loopback site, the environment to run the recipes
    in, and the one plain run their merge must equal."""
    with site() as bases:
        write_inputs(tmp_path, bases)
        shutil.move(tmp_path / "a.txt", tmp_path / "urls.txt")
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(tmp_path)
            single = run_cli(["urls.txt", "--format", "json"])
        assert single.exit_code == 1
        yield tmp_path, cli_environment(tmp_path), json.loads(single.stdout)


def _bash(script: str, directory: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # -e: as GitHub Actions runs a step (bash -e {0}); a failing line fails it.
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _same_as_one_run(merged_json: str, single: dict[str, Any]) -> None:
    merged = json.loads(merged_json)
    drop = ("elapsed_ms",)
    strip = lambda r: {k: v for k, v in r.items() if k not in drop}  # noqa: E731
    assert sorted(map(json.dumps, map(strip, merged["results"]))) == sorted(
        map(json.dumps, map(strip, single["results"]))
    )


def _merge_again(directory: Path, pattern: str) -> str:
    """The same reports merged as json (in-process: one process fewer)."""
    reports = sorted(str(p.relative_to(directory)) for p in directory.glob(pattern))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        result = run_cli(["merge", *reports, "--format", "json"])
    assert result.exit_code == 1, result.stderr
    return result.stdout


def test_the_github_actions_matrix_runs_as_written(
    workdir: tuple[Path, dict[str, str], Any],
) -> None:
    directory, env, single = workdir
    [workflow_text] = [b for b in _blocks("yaml") if "jobs:" in b]
    workflow = yaml.safe_load(workflow_text)
    shard_job, merge_job = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    assert merge_job["needs"] == "shard"
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    uploaded = []
    for shard in shards:
        for step in shard_job["steps"]:
            if "run" in step:
                command = step["run"].replace("${{ matrix.shard }}", str(shard))
                if command.startswith("urlcheck"):
                    result = _bash(command, directory, env)
                    assert result.returncode == 0, result.stderr
            if step.get("uses", "").startswith("actions/upload-artifact"):
                name = step["with"]["name"].replace("${{ matrix.shard }}", str(shard))
                path = step["with"]["path"].replace("${{ matrix.shard }}", str(shard))
                assert (directory / path).is_file(), f"the shard step wrote no {path}"
                uploaded.append(name)
    [download] = [s for s in merge_job["steps"] if "download-artifact" in s.get("uses", "")]
    pattern = download["with"]["pattern"]
    assert all(fnmatch.fnmatch(name, pattern) for name in uploaded)
    [merge] = [s["run"] for s in merge_job["steps"] if s.get("run", "").startswith("urlcheck")]
    merged = _bash(merge, directory, env)
    assert merged.returncode == 1, merged.stderr  # broken links fail the merge job
    assert "gone-" in merged.stdout
    _same_as_one_run(_merge_again(directory, "shard-*.json"), single)


def test_the_kubernetes_indexed_job_runs_as_written(
    workdir: tuple[Path, dict[str, str], Any],
) -> None:
    directory, env, single = workdir
    [manifest_text] = [b for b in _blocks("yaml") if "kind: Job" in b]
    job = yaml.safe_load(manifest_text)
    assert job["apiVersion"] == "batch/v1"
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    count = spec["completions"]
    [container] = spec["template"]["spec"]["containers"]
    assert container["command"] == ["bash", "-c"]
    [script] = container["args"]
    assert f"--shard $((JOB_COMPLETION_INDEX+1))/{count}" in script
    runnable = "\n".join(line for line in script.splitlines() if not line.startswith("pip "))
    for index in range(count):  # what Kubernetes sets in each pod
        result = _bash(runnable, directory, {**env, "JOB_COMPLETION_INDEX": str(index)})
        assert result.returncode == 0, result.stderr
    [after] = [b for b in _blocks("sh") if "kubectl wait" in b]
    [merge] = [line for line in after.splitlines() if line.startswith("urlcheck merge")]
    merged = _bash(merge, directory, env)
    assert merged.returncode == 1, merged.stderr
    assert "gone-" in (directory / "links.md").read_text()
    _same_as_one_run(_merge_again(directory, "reports/shard-*.jsonl"), single)


@pytest.mark.parametrize("tool", ["xargs", "parallel"])
def test_the_one_host_recipes_run_as_written(
    workdir: tuple[Path, dict[str, str], Any], tool: str
) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    directory, env, single = workdir
    [recipe] = [b for b in _blocks("sh") if b.startswith(tool) or f"| {tool}" in b]
    result = _bash(recipe, directory, env)
    assert result.returncode == 1, result.stderr  # the merge, the recipe's last line
    assert "gone-" in result.stdout
    suffix = "jsonl" if "jsonl" in recipe else "json"
    _same_as_one_run(_merge_again(directory, f"shard-*.{suffix}"), single)
