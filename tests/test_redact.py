"""Masking of header values that a server echoed into a result."""

from __future__ import annotations

from checker.models import ErrorKind, Failure, Outcome, Result
from checker.redact import MASK, forms, redact

SECRET = "s3cret token/1"


def _result() -> Result:
    return Result(
        url="http://h/?mine=s3cret token/1",
        outcome=Outcome.ERROR,
        final_url="http://h/next?k=s3cret+token/1",
        redirects=["http://h/a/s3cret%20token/1", "http://h/next?k=s3cret+token/1"],
        error=Failure(ErrorKind.PROTOCOL, "Bad status line: b'HTTP/1.1 abc s3cret token/1'"),
    )


def test_server_written_fields_are_masked_in_every_url_encoding() -> None:
    result = redact(_result(), forms((SECRET,)))
    assert result.final_url == f"http://h/next?k={MASK}"
    assert result.redirects == [f"http://h/a/{MASK}", f"http://h/next?k={MASK}"]
    assert result.error is not None
    assert result.error.kind is ErrorKind.PROTOCOL
    assert result.error.message == f"Bad status line: b'HTTP/1.1 abc {MASK}'"


def test_the_users_own_url_is_left_alone() -> None:
    assert redact(_result(), forms((SECRET,))).url == "http://h/?mine=s3cret token/1"


def test_no_secrets_changes_nothing() -> None:
    assert redact(_result(), forms(())) == _result()


def test_short_values_are_not_treated_as_secrets() -> None:
    """Masking "1" would mangle every URL with a 1 in it."""
    assert forms(("1", "gzip")) == ()
    assert redact(_result(), forms(("1",))) == _result()


def test_longer_secrets_are_masked_first() -> None:
    """A secret inside another must not leave the rest of the longer one showing."""
    masked = forms(("abcdefgh", "abcdefgh-ijklmnop"))
    assert masked[0] == "abcdefgh-ijklmnop"
