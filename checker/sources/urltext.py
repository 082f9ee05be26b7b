"""URLs in text: where a bare URL ends, and the form a browser requests.

Shared by the Markdown reader and its tests. Every function here is linear
in its input: the text is untrusted, and a page of 300 KB of ``)`` after a
URL must cost no more than reading it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

# GitHub's autolink rule: trailing punctuation is not part of a bare URL.
_TRAILING = frozenset("?!.,:;*_~'")
# What markdown-it (and so CommonMark's reference renderer) leaves as is in a
# link destination; anything else is percent-encoded, and a "%" that starts
# no escape is written "%25".
_ODD = re.compile(r"[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]")  # a plain class: fast
_UNSAFE = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]")
# The host of the URLs whose host is recoded (as markdown-it does, only for
# these schemes, written in lower case, and for scheme-relative URLs).
_HOSTED = re.compile(r"(?:https?:)?//(?:[^/?#@]*@)?([^/?#:]*)")
_MAILTO = re.compile(r"mailto:[^@/?#]*@([^/?#:]*)")
_SEPARATORS = re.compile("[.\u3002\uff0e\uff61]")


def trim_bare(url: str) -> str:
    """GitHub's rule: trailing punctuation ends a bare URL, and so does a ``)``
    that closes nothing in it. Counts once, then walks back: linear."""
    unmatched = url.count(")") - url.count("(")
    end = len(url)
    while end:
        char = url[end - 1]
        if char in _TRAILING:
            end -= 1
        elif char == ")" and unmatched > 0:
            unmatched -= 1
            end -= 1
        else:
            break
    return url[:end]


def normalize(url: str) -> str:
    """A link destination as CommonMark renderers write it into ``href``
    (markdown-it's ``normalizeLink``): a non-ASCII host in punycode, then
    everything outside the URL-safe set percent-encoded as UTF-8."""
    if not _ODD.search(url):
        return url
    if not url.isascii():
        url = _recode_host(url)
    return _UNSAFE.sub(_escape, url)


def _escape(match: re.Match[str]) -> str:
    return quote(match[0], safe="")


def _recode_host(url: str) -> str:
    match = _HOSTED.match(url) or _MAILTO.match(url)
    if match is None or match[1].isascii() or match[1].startswith("["):
        return url
    labels = _SEPARATORS.split(match[1])
    host = ".".join(_punycode(label) for label in labels)
    return url[: match.start(1)] + host + url[match.end(1) :]


def _punycode(label: str) -> str:
    if label.isascii():
        return label
    try:
        return "xn--" + label.encode("punycode").decode("ascii")
    except UnicodeError:
        return label


def srcset(value: str) -> Iterator[tuple[str, int]]:
    """The URLs of a ``srcset``, with their offsets in it (the HTML spec's
    algorithm: a URL ends at whitespace; descriptors run to a comma outside
    parentheses; a URL's trailing commas end the candidate)."""
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while i < n:
                char = value[i]
                i += 1
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth = max(depth - 1, 0)
                elif char == "," and not depth:
                    break
        if url:
            yield url, start
