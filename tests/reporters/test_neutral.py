"""The workflow-command neutraliser, against text generated to hold commands."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.reporters.neutral import json_safe, neutralise, xml_safe
from tests.reporters.test_hostile_output import RAW_ESCAPES, workflow_commands

# Few characters, so that "::", "##[", "@x" and line starts come up often.
TEXT = st.text(alphabet=":#[]@ab \t\r\n\x85\u2028\x9b", max_size=40)
FUZZ = settings(max_examples=300, derandomize=True, deadline=None)


@FUZZ
@given(TEXT)
def test_neutralised_text_starts_no_command_and_mentions_no_one(text: str) -> None:
    safe = neutralise(text)
    assert workflow_commands(safe) == []
    assert "@a" not in safe
    assert "@b" not in safe
    assert safe.replace("\u200b", "") == text  # only zero-width spaces were added


@FUZZ
@given(TEXT)
def test_json_safe_is_the_same_json(text: str) -> None:
    encoded = json_safe(json.dumps({"k": text}, ensure_ascii=False))
    assert json.loads(encoded) == {"k": text}
    assert workflow_commands(encoded) == []
    assert RAW_ESCAPES.findall(encoded) == []


@FUZZ
@given(TEXT.map(lambda t: t.replace("\r", "").replace("\x85", "").replace("\u2028", "")))
def test_xml_safe_is_the_same_xml(text: str) -> None:
    element = ET.Element("case", name=text)
    element.text = text
    encoded = xml_safe(ET.tostring(element, encoding="unicode"))
    parsed = ET.fromstring(encoded)
    assert (parsed.text or "") == text
    assert parsed.get("name") == text
    assert workflow_commands(encoded) == []


def test_examples() -> None:
    assert neutralise("  ::warning::x") == "  \u200b::warning::x"
    assert neutralise("a ##[error]b") == "a ##\u200b[error]b"
    assert neutralise("hi @someone", mentions=False) == "hi @someone"
    assert neutralise("x\r::error::y") == "x\r\u200b::error::y"
