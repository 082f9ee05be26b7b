"""Where the repository is, and which commit it is at (the runs table notes it)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def repository_root(start: Path | None = None) -> Path | None:
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:
        return None
    return next((d for d in (here, *here.parents) if (d / ".git").exists()), None)


def git_commit() -> str | None:
    root = repository_root()
    if root is None:
        return None
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) in (40, 64) else None
