"""A real site on four loopback hosts, and inputs spread over them, for the
--shard and merge tests (tests/test_merge.py, tests/test_scaling_recipes.py).

127.0.0.1-4 fall in shards 1, 2, 3, 3 of three (and 1, 4, 4, 2 of four,
which leaves shard 3 of four empty): every shard of three has hosts of its own.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from aiohttp import web

from tests.conftest import ServerThread

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
ROOT = Path(__file__).resolve().parent.parent


async def _handle(request: web.Request) -> web.StreamResponse:
    if request.path.startswith("/gone"):
        return web.Response(status=404)
    if request.path.startswith("/moved"):
        raise web.HTTPMovedPermanently(location="/ok-after-move")
    if request.path.startswith("/fail"):
        return web.Response(status=500)
    return web.Response(text="ok")


@contextlib.contextmanager
def site() -> Iterator[list[str]]:
    """The base URL of each host, serving /ok… (200), /gone… (404), /moved… (301)."""
    with contextlib.ExitStack() as stack:
        bases = []
        for host in HOSTS:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", _handle)
            server = stack.enter_context(ServerThread(app, host=host))
            bases.append(server.url("").rstrip("/"))
        yield bases


def write_inputs(directory: Path, bases: list[str]) -> list[str]:
    """a.txt (a URL list) and b.md (Markdown), sharing some URLs, with
    hostless and invalid links; returns the file names in reading order."""
    a_lines = []
    for n, base in enumerate(bases):
        a_lines += [f"{base}/ok-{n}", f"{base}/gone-{n}", f"{base}/moved-{n}", f"{base}/ok-{n}"]
    a_lines += ["mailto:someone@example.org", "http://[::1/", f"{bases[0]}/fail-a"]
    (directory / "a.txt").write_text("\n".join(a_lines) + "\n")
    b_text = "# Links\n\n" + "".join(
        f"- [x]({base}/ok-{n}) and [y]({base}/only-in-b-{n})\n" for n, base in enumerate(bases)
    )
    (directory / "b.md").write_text(b_text + "- [gone](" + bases[2] + "/gone-2)\n")
    return ["a.txt", "b.md"]


def cli_environment(directory: Path) -> dict[str, str]:
    """An environment whose ``urlcheck`` is this checkout's, run by this
    Python, whatever is installed: a shim in ``directory``/bin, first on PATH."""
    bin_dir = directory / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "urlcheck"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m checker "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_TOKEN", "CI"):
        env.pop(name, None)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    return env
