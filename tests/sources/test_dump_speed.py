"""What keeps a --dump fast stays correct.

A --dump, and the source stage through the library, never imports the
engine or aiohttp: aiohttp alone takes ~0.3 s to import and builds SSL
contexts that reading sources never uses. (A signal while the sources are
read is the command's, whatever is imported: tests/cli/test_signals.py.)
Its JSON lines are built as text: byte for byte what json.dumps wrote,
whatever the input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.dump import _json_line, _Places
from checker.models import Places, Source, count_places
from checker.redact import Masker
from checker.reporters.neutral import json_safe

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
    assert (
        _loaded(str(page), "--no-config", "--scheme", "mailto")
        == "aiohttp,checker.engine,checker.runner"
    )


def test_library_build_index_imports_no_engine(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("https://example.com/\n")
    code = (
        "import sys\nfrom checker.api import build_index\n"
        f"with build_index(sources=[{str(tmp_path)!r}]) as index:\n    assert len(index) == 1\n"
        "assert 'aiohttp' not in sys.modules\n"
        "from checker.api import run_loop\nassert 'aiohttp' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# The dump's JSON lines are built as text, without a dict per URL and per
# place: each must be exactly what json.dumps of that dict wrote before.
_texts = st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",))) | st.sampled_from(
    ["##[error]x", "\x85", "\u2028", '"', "\\", "a@b", "https://u:pw@h/", "TOKEN"]
)
_sources = st.lists(
    st.builds(Source, _texts, st.integers(1, 10**9), st.none() | st.integers(1, 10**9)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(_texts, _sources, st.integers(0, 3), st.none() | _texts)
def test_json_lines_are_what_json_dumps_wrote(
    url: str, sources: list[Source], more: int, reason: str | None
) -> None:
    masker = Masker.of(["TOKEN"])
    listed = tuple(sources)
    places = Places(listed, len(listed) + more) if more else listed
    expected = json_safe(
        json.dumps(
            {
                "url": url,
                "sources": [{**s.to_dict(), "path": masker.text(s.path)} for s in listed],
                "sources_total": count_places(places),
                "reason": reason,
            },
            ensure_ascii=False,
        )
    )
    rows = [(s.path, s.line, s.column) for s in listed]
    line = _json_line(url, _Places(masker, as_json=True)(rows), count_places(places), reason)
    assert line == expected
    assert json.loads(line)["sources_total"] == len(listed) + more
