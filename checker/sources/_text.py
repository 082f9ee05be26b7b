"""Helpers shared by the document parsers: decoding, and offsets → line:column."""

from __future__ import annotations

import re

_BOM = "\ufeff"
_NEWLINES = re.compile(r"\r\n?")


def decode(data: bytes) -> str:
    """UTF-8 text with LF line ends. Undecodable bytes are replaced, never raised on:
    one bad byte must not hide the other links of a file."""
    text = data.decode("utf-8", errors="replace").removeprefix(_BOM)
    return _NEWLINES.sub("\n", text) if "\r" in text else text


class Locator:
    """Turns character offsets into 1-based (line, column).

    Parsers report links in document order, so offsets mostly grow: each call
    counts newlines only since the previous one, which keeps a minified
    one-line page or a 100k-line file linear rather than quadratic.
    """

    __slots__ = ("_line", "_line_start", "_offset", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._offset = 0
        self._line = 1
        self._line_start = 0

    def position(self, offset: int) -> tuple[int, int]:
        if offset < self._offset:
            self._offset, self._line, self._line_start = 0, 1, 0
        text = self.text
        newlines = text.count("\n", self._offset, offset)
        if newlines:
            self._line += newlines
            self._line_start = text.rfind("\n", self._offset, offset) + 1
        self._offset = offset
        return self._line, offset - self._line_start + 1


class ByteLocator:
    """Turns byte offsets in UTF-8 ``data`` into 1-based (line, column), the
    column counted in characters. Linear over offsets that mostly grow, as
    :class:`Locator` is; within one line the characters are counted only
    since the previous offset, so a minified one-line page stays linear too."""

    __slots__ = ("_ascii", "_chars", "_data", "_line", "_line_start", "_offset")

    def __init__(self, data: bytes, ascii: bool) -> None:
        self._data = data
        self._ascii = ascii
        self._offset = self._line_start = self._chars = 0
        self._line = 1

    def position(self, offset: int) -> tuple[int, int]:
        data = self._data
        if offset < self._offset:
            self._offset = self._line_start = self._chars = 0
            self._line = 1
        newlines = data.count(b"\n", self._offset, offset)
        if newlines:
            self._line += newlines
            self._line_start = data.rfind(b"\n", self._offset, offset) + 1
            self._offset = self._line_start
            self._chars = 0
        if self._ascii:
            self._offset = offset
            return self._line, offset - self._line_start + 1
        self._chars += len(data[self._offset : offset].decode("utf-8", errors="replace"))
        self._offset = offset
        return self._line, self._chars + 1


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# The HTML spec's prescan, cut to what pages write: <meta charset=X>, or
# <meta http-equiv=content-type content="...; charset=X">, in the first 1024 bytes.
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
# Labels browsers read as another encoding (WHATWG Encoding): Latin-1 and
# ASCII are windows-1252; a UTF-16 label in the page itself means UTF-8.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "x-user-defined": "cp1252",
}


def decode_html(data: bytes) -> str:
    """An HTML page's text, decoded as a browser would: by its BOM, else by
    the charset its first 1024 bytes declare, else as UTF-8. Undecodable
    bytes are replaced, and an unknown label falls back to UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _lines(data[len(bom) :].decode(encoding, errors="replace"))
    match = _META_CHARSET.search(data, 0, 1024)
    if match:
        label = match[1].decode("ascii").lower()
        encoding = _ALIASES.get(label, label)
        try:
            return _lines(data.decode(encoding, errors="replace"))
        except (LookupError, UnicodeError):  # not a text codec, or "undefined"
            pass
    return decode(data)


def _lines(text: str) -> str:
    return _NEWLINES.sub("\n", text) if "\r" in text else text
