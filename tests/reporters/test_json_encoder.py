"""The json and jsonl reports' encoder, built once (reporters/json.py), writes
exactly what ``json.JSONEncoder(ensure_ascii=False).encode`` writes, for any
value a result could hold, hostile text included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.reporters.json import _encode, dumps

_PLAIN = json.JSONEncoder(ensure_ascii=False).encode
_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _LEAF, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_VALUES)
def test_the_prebuilt_encoder_writes_what_json_writes(value: object) -> None:
    assert _encode(value) == _PLAIN(value)


def test_hostile_text_stays_neutral_and_round_trips() -> None:
    value = {"url": "http://h/##[error]x\u2028\x85\ud800", "n": float("nan"), "e": [1.5e300]}
    line = dumps(value)
    assert "##[" not in line
    assert line.isascii() or "\x85" not in line
    back = json.loads(line)
    assert back["url"] == value["url"]
    assert back["e"] == [1.5e300]


def test_an_unknown_type_is_still_refused() -> None:
    with pytest.raises(TypeError):
        _encode({"x": object()})
