"""Relative links resolved fast, and the same wherever they are resolved."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote_from_bytes

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.settings import Settings
from checker.sources import read_sources
from checker.sources.resolve import _file_url

_parts = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00/"), max_size=8)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(_parts | st.sampled_from(["..", ".", "a b", "%41", "é", "x?y", "x#y"]), max_size=4))
def test_a_plain_path_skips_quoting_and_any_other_is_quoted(parts: list[str]) -> None:
    """The fast path (nothing to quote) writes what quote_from_bytes writes."""
    url = "/".join(parts)
    got = _file_url("/srv/docs", url, "/srv/docs/page.md")
    path = got.removeprefix("file://").split("?", 1)[0].split("#", 1)[0]
    assert path == quote_from_bytes(os.fsencode(os.fsdecode(_unquoted(path))))


def _unquoted(path: str) -> bytes:
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(path)


def test_links_resolved_in_workers_are_those_resolved_here(tmp_path: Path) -> None:
    """Past the start threshold the workers resolve; one job resolves here:
    the same links, base URL and root-relative links included."""
    for n in range(80):
        (tmp_path / f"d{n % 4}").mkdir(exist_ok=True)
        (tmp_path / f"d{n % 4}" / f"p{n}.md").write_text(
            f"[a](../d1/p{n}.md#x) [b](/r/{n}.md) [c](img%20{n}.png) [d](//h.example/{n})\n"
            + "filler text\n" * 8000
        )
    for options in ({}, {"base_url": "https://docs.example/v1/"}, {"root_dir": tmp_path}):
        one = list(read_sources([str(tmp_path)], settings=Settings(jobs=1, **options)))
        two = list(read_sources([str(tmp_path)], settings=Settings(jobs=2, **options)))
        assert one == two
        assert len(one) == 320
        assert not any(link.url.startswith(("../", "img")) for link in one)
