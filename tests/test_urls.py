"""URL validation happens offline, before any request, and never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from checker.models import ErrorKind, Failure
from checker.urls import parse


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/a/b?c=d#e",
        "HTTP://EXAMPLE.COM/",
        "http://example.com./",
        "http://a_b.example/",
        "http://127.0.0.1:8080/",
        "http://[::1]:8080/x",
        "http://user:pw@example.com/",
        "http://bücher.de/",
        "https://xn--bcher-kva.de/",
        "http://localhost/",
    ],
)
def test_valid_urls_parse(url: str) -> None:
    parsed = parse(url)
    assert isinstance(parsed, URL)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("", ErrorKind.INVALID_URL),
        ("example.com", ErrorKind.INVALID_URL),
        ("//example.com/", ErrorKind.INVALID_URL),
        ("http://exa mple.com/", ErrorKind.INVALID_URL),
        ("http://example.com/\x1b[31m", ErrorKind.INVALID_URL),
        ("http://example.com/\x00", ErrorKind.INVALID_URL),
        ("http://a..b/", ErrorKind.INVALID_URL),
        ("http://-a.com/", ErrorKind.INVALID_URL),
        ("http://a-.com/", ErrorKind.INVALID_URL),
        ("http://" + "a" * 64 + ".com/", ErrorKind.INVALID_URL),
        ("http://" + "a." * 127 + "com/", ErrorKind.INVALID_URL),
        ("http://999.1.1.1/", ErrorKind.INVALID_URL),
        ("http://1.2.3/", ErrorKind.INVALID_URL),
        ("http:///path", ErrorKind.INVALID_URL),
        ("http://[::1/", ErrorKind.INVALID_URL),
        ("http://][@", ErrorKind.INVALID_URL),  # yarl raises IndexError on it
        ("http://[x]/y", ErrorKind.INVALID_URL),
        ("http://h:99999/", ErrorKind.INVALID_URL),
        ("http://h:abc/", ErrorKind.INVALID_URL),
        ("ftp://example.com/", ErrorKind.UNSUPPORTED_SCHEME),
        ("mailto:someone@example.com", ErrorKind.UNSUPPORTED_SCHEME),
        ("javascript:alert(1)", ErrorKind.UNSUPPORTED_SCHEME),
        ("file:///etc/passwd", ErrorKind.UNSUPPORTED_SCHEME),
    ],
)
def test_invalid_urls_are_classified(url: str, kind: ErrorKind) -> None:
    failure = parse(url)
    assert isinstance(failure, Failure)
    assert failure.kind is kind
    assert failure.message


def test_parse_returns_the_url_that_is_requested() -> None:
    parsed = parse("http://bücher.de:81/p?q=1")
    assert isinstance(parsed, URL)
    assert (parsed.raw_host, parsed.port, parsed.path_qs) == ("xn--bcher-kva.de", 81, "/p?q=1")


@settings(max_examples=500, deadline=None)
@given(
    st.text(max_size=60)
    | st.builds("http://{}/".format, st.text(max_size=30))
    | st.builds("http://{}".format, st.text("[]@:%./x1", max_size=12))
)
def test_fuzz_parse_never_raises(text: str) -> None:
    """Every input line becomes a result: parsing must answer, never raise."""
    outcome = parse(text)
    assert isinstance(outcome, (URL, Failure))
    if isinstance(outcome, URL):
        assert outcome.scheme in {"http", "https"}
        assert outcome.raw_host
