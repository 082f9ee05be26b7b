"""Keep hostile text from acting on GitHub: workflow commands and mentions.

The Actions runner reads every line a step writes to stdout or stderr. A line
that starts, after leading spaces, with ``::`` is a command (``::error::``,
``::add-mask::``, ``::stop-commands::``…), and ``##[name]`` is one anywhere in
a line (the runner's older syntax, still parsed). GitHub also turns
``@someone`` into a mention in Markdown it renders (issues, job summaries).

A URL, a file path or a server's status line can hold any of these. Each
piece of untrusted text is passed through :func:`neutralise` before it is
placed on a line, so none of it can start a command or ping anyone. A zero
width space breaks each pattern and reads the same to a person.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
# Every runner-parsed form: "##[" anywhere, "::" at the start of a line (the
# text may begin one, after the indentation the runner trims; the runner ends
# a line at CR as well as LF, as .NET's ReadLine does).
_COMMANDS = re.compile(r"##\[|(?:^|(?<=[\r\n]))([^\S\r\n]*)::")
_XML_COMMANDS = re.compile(r"(?:^|(?<=[\r\n]))([^\S\r\n]*)::", re.MULTILINE)
# C1 controls (CSI is \x9b) and DEL: JSON may carry them raw, a terminal acts on them.
_JSON_CONTROLS = re.compile("[\x7f-\x9f]")
# A mention is "@" then a letter or digit (GitHub user and team names).
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def _break(match: re.Match[str]) -> str:
    text = match.group()
    return "##" + ZWSP + "[" if text == "##[" else match.group(1) + ZWSP + "::"


def neutralise(text: str, mentions: bool = True) -> str:
    """``text`` with no workflow command in it and, unless ``mentions`` is
    false (a log, where GitHub renders none), no ``@mention``."""
    if "##[" in text or "::" in text:
        text = _COMMANDS.sub(_break, text)
    if mentions and "@" in text:
        text = _MENTION.sub("@" + ZWSP, text)
    return text


def json_safe(text: str) -> str:
    """Serialised JSON with no ``##[`` and no raw C1 control in it, losslessly:
    inside a JSON string any character may be a ``\\u`` escape, and these
    occur only inside strings. (JSON escapes line breaks itself.)"""
    if "##[" in text:
        text = text.replace("##[", "#\\u0023[")
    if text.isascii() and "\x7f" not in text:  # isascii is O(1): the common case
        return text
    return _JSON_CONTROLS.sub(_unicode_escape, text)


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def xml_safe(text: str) -> str:
    """Serialised XML or HTML that starts no workflow command, losslessly
    (character references): ``##[`` and a line starting with ``::`` occur
    only in text and attribute values, where a reference means the same."""
    if "##[" in text:
        text = text.replace("##[", "#&#35;[")
    if "::" in text:
        text = _XML_COMMANDS.sub(r"\1&#58;:", text)
    return text
