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
# Every runner-parsed form: "##[" anywhere, "::" at the start of the text
# (the text may begin a line, after the indentation the runner trims).
_COMMANDS = re.compile(r"##\[|^(\s*)::")
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
    """Serialised JSON with no ``##[`` in it, losslessly: ``#`` may be written
    ``\\u0023`` inside a JSON string, and ``##[`` occurs only inside strings."""
    return text.replace("##[", "#\\u0023[") if "##[" in text else text


def xml_safe(text: str) -> str:
    """Serialised XML or HTML with no ``##[`` in it, losslessly (a character
    reference); ``##[`` occurs only in text and attribute values."""
    return text.replace("##[", "#&#35;[") if "##[" in text else text
