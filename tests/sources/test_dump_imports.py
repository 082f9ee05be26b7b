"""A --dump (and the source stage through the library) never imports the
engine or aiohttp: aiohttp alone took ~0.3 s to import, a third of a small
dump's run, and builds SSL contexts a dump never uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
import sys
sys.argv = ["urlcheck", *sys.argv[1:]]
from checker.cli import main
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("aiohttp", "checker.engine", "checker.runner") if m in sys.modules)
sys.stderr.write("LOADED " + ",".join(heavy) + "\\n")
"""


def _loaded(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED ")]
    assert line, done.stderr
    return line[0].removeprefix("LOADED ")


def test_dump_imports_no_engine(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text("[x](https://example.com/) <a href='b.html'>b</a>\n")
    jar = tmp_path / "jar.txt"  # its values are masked: reading them needs no aiohttp
    jar.write_text("# Netscape HTTP Cookie File\nexample.com\tFALSE\t/\tFALSE\t0\tsid\tsecret\n")
    for fmt in ("text", "jsonl", "json"):
        argv = (str(page), "--dump", "--no-config", "--format", fmt, "--cookie-jar", str(jar))
        assert _loaded(*argv) == ""


def test_library_build_index_imports_no_engine(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("https://example.com/\n")
    code = (
        "import sys\nfrom checker.api import build_index\n"
        f"with build_index(sources=[{str(tmp_path)!r}]) as index:\n    assert len(index) == 1\n"
        "assert 'aiohttp' not in sys.modules\n"
        "from checker.api import run_loop\nassert 'aiohttp' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
