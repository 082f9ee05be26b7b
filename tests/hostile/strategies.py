"""Hypothesis strategies for raw HTTP responses, as a hostile server sends them.

``responses()`` draws a whole reply (status line, headers, body, and what the
server does after it); the parts are strategies of their own so that a test
can fuzz one field (``locations()``, ``retry_afters()``) with the rest sane.
``{ECHO}`` (servers.ECHO) in a drawn value becomes the secret the client sent.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.hostile.servers import ECHO

E = ECHO.decode()

# Bytes a header value can carry on the wire: anything but CR and LF.
_field_text = st.text(
    st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n"), max_size=40
)
_tricky = st.sampled_from(["", " ", "\t", "\x00", "\x1b[31m", "::warning::x", "##[error]", "%00"])

STATUS_CODES = [100, 101, 103, 199, 200, 204, 206, 301, 302, 303, 304, 307, 308, 399]
STATUS_CODES += [400, 401, 403, 404, 405, 408, 410, 429, 451, 500, 501, 503, 599, 600, 999]


def status_lines() -> st.SearchStrategy[bytes]:
    valid = st.builds(
        lambda v, c, r: f"{v} {c} {r}".encode("latin-1"),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0"]),
        st.sampled_from(STATUS_CODES) | st.integers(0, 1000),
        st.sampled_from(["OK", "", "Found", f"x {E} y"]) | _field_text,
    )
    garbage = st.sampled_from(
        [
            b"",
            b"HTTP/1.1",
            b"HTTP/1.1 ",
            b"HTTP/1.1 2OO OK",
            b"HTTP/1.1 -1 no",
            b"HTTP/1.1 99999999999999999999 big",
            b"HTTP/2 200",
            b"HTTP/9.9 200 OK",
            b"ICY 200 OK",
            b"SSH-2.0-OpenSSH_9.0",
            b"\x16\x03\x01\x00\xa5",  # a TLS record where HTTP was expected
            b"HTTP/1.1 200 " + ECHO + b"\x1b]8;;evil\x07",
            b"\xff\xfe\xfd",
        ]
    ) | st.binary(max_size=30).filter(lambda b: b"\n" not in b)
    return st.one_of(valid, valid, garbage)


def locations() -> st.SearchStrategy[str]:
    fixed = st.sampled_from(
        [
            "http://][@",
            "http://[::1",
            "http://[",
            "https://[v1.x]/",
            "http://a b/",
            "http://:99999/",
            "http://h:x/",
            "http://user:pass@",
            "http://%zz/",
            "http://\u0000/",
            "http://xn--/",
            "http://xn--zz-qqq/",
            "http://ﬀ.example/",
            "http://a..b/",
            "//",
            "///x",
            "/\\evil.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "mailto:a@b",
            "data:text/html,x",
            "ftp://x/",
            "?",
            "#",
            ".",
            "..",
            "/",
            "/a",
            "a/../../../../b",
            "/login?token=" + E,
            "http://" + E + "@127.0.0.1:1/",
            "http://" + E + ".invalid/",
            "/%" + E,
            "http://127.0.0.1:1/" + E,
            "http://0x7f.1/",
            "http://256.256.256.256/",
            "http://[::ffff:127.0.0.1]:1/",
            "http://" + "a" * 300 + "/",
        ]
    )
    built = st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["", "http://", "https://", "HTTP://", "http:", "//", "/"]),
        _field_text,
    )
    return st.one_of(fixed, built, _field_text, _tricky)


def retry_afters() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [
                "0",
                "1",
                "-1",
                "1.5",
                "99999999999999999999",
                "1e400",
                "inf",
                "NaN",
                "²",
                "Wed, 99999999999999999999 Dec 2025 00:00:00 GMT",
                "Wed, 21 Oct 2015 07:28:00 GMT",
                "Fri, 31 Dec 9999 23:59:59 GMT",
                "Mon, 01 Jan 0001 00:00:00 GMT",
                "Wed, 21 Oct 2015 07:28:00",
                "Wed, 21 Oct 2015 07:28:00 +9999",
            ]
        ),
        st.integers(-(10**30), 10**30).map(str),
        _field_text,
    )


def set_cookies() -> st.SearchStrategy[str]:
    attributes = st.sampled_from(
        [
            "",
            "; Path=/",
            "; Path=",
            "; Domain=127.0.0.1",
            "; Domain=.invalid",
            "; Domain=",
            "; Max-Age=x",
            "; Max-Age=-1",
            "; Max-Age=99999999999999999999",
            "; Expires=Wed, 99999999999999999999 Dec 2025 00:00:00 GMT",
            "; Expires=x",
            "; Secure",
            "; HttpOnly; SameSite=None",
        ]
    )
    pair = st.sampled_from(["a=1", "a=" + E, "=", "a", '"a"="b"', "a=\x00", ";;"]) | _field_text
    return st.builds(lambda p, a: p + a, pair, attributes)


def _gzip_of_zeros(n: int) -> bytes:
    return gzip.compress(b"\0" * n)


def bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.just(b""),
        st.binary(max_size=200),
        st.sampled_from([1000, 100_000, 1_000_000]).map(_gzip_of_zeros),  # small bombs
        st.just(b"\x8b\x00garbage"),
    )


def headers() -> st.SearchStrategy[list[tuple[str, str]]]:
    pair = st.one_of(
        st.tuples(st.just("Location"), locations()),
        st.tuples(st.just("Retry-After"), retry_afters()),
        st.tuples(
            st.just("Content-Length"),
            st.sampled_from(["0", "5", "-1", "1e3", "99999999999999999999", "abc", ""]),
        ),
        st.tuples(st.just("Transfer-Encoding"), st.sampled_from(["chunked", "gzip", "x", ""])),
        st.tuples(
            st.just("Content-Encoding"),
            st.sampled_from(["gzip", "br", "deflate", "zstd", "gzip, br", "x-bogus"]),
        ),
        st.tuples(st.just("Set-Cookie"), set_cookies()),
        st.tuples(st.just("Connection"), st.sampled_from(["close", "keep-alive", "upgrade"])),
        st.tuples(st.sampled_from(["X-A", "Server", "Link", "Refresh"]), _field_text),
        st.tuples(st.just("X-Big"), st.sampled_from([100, 9000, 70_000]).map(lambda n: "a" * n)),
    )
    return st.lists(pair, max_size=6)


@dataclass(frozen=True)
class Reply:
    """One generated reply: its bytes, and what the server does after them."""

    data: bytes
    then: str  # "close", "hang" (keep the socket open, say nothing), "keep" (serve again)


def responses() -> st.SearchStrategy[Reply]:
    return st.builds(
        _reply,
        status_lines(),
        headers(),
        st.sampled_from([0, 0, 0, 200, 600]),  # extra headers beyond aiohttp's default 128
        bodies(),
        st.booleans(),  # a Content-Length of its own that matches the body
        st.sampled_from(["close", "close", "keep", "hang"]),
    )


def _reply(
    status: bytes,
    fields: list[tuple[str, str]],
    many: int,
    body: bytes,
    length: bool,
    then: str,
) -> Reply:
    lines = [status]
    lines += [f"{name}: {value}".encode() for name, value in fields]
    lines += [f"X-N{n}: v".encode() for n in range(many)]
    if length:
        lines.append(b"Content-Length: %d" % len(body))
    return Reply(b"\r\n".join(lines) + b"\r\n\r\n" + body, then)
