"""Masking of secrets in every field of a result, in every form a report could show them."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.redact import MASK, Masker, forms, redact, shared

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


def test_the_users_own_url_and_sources_are_masked_too() -> None:
    """A secret is a secret wherever it is written, the user's own text included."""
    result = _result()
    result.sources = (Source("docs/s3cret token/1.md", 2),)
    result.reason = "matches --exclude 's3cret token/1'"
    masked = redact(result, forms((SECRET,)))
    assert masked.url == f"http://h/?mine={MASK}"
    assert masked.sources == (Source(f"docs/{MASK}.md", 2),)
    assert masked.reason == f"matches --exclude '{MASK}'"


def test_matching_ignores_case_as_hosts_and_escapes_are_case_folded() -> None:
    masker = Masker.of(["Tok3n/Secret"])
    assert masker.text("https://tok3n.evil/?t=TOK3N%2fSECRET") == "https://tok3n.evil/?t=***"
    assert masker.text("https://tok3n%2fsecret.evil/") == "https://***.evil/"


def test_no_secrets_changes_nothing() -> None:
    assert redact(_result(), forms(())) == _result()


def test_short_values_are_not_treated_as_secrets() -> None:
    """Masking "1" would mangle every URL with a 1 in it."""
    assert forms(("1", "gzip")) == ()
    assert redact(_result(), forms(("1",))) == _result()


def test_a_secret_inside_a_longer_one_leaves_nothing_of_the_longer_showing() -> None:
    """Replaced shortest first, "abcdefgh-ijklmnop" would leave "***-ijklmnop"."""
    masker = Masker.of(["abcdefgh", "abcdefgh-ijklmnop"])
    assert masker.text("x=abcdefgh-ijklmnop&y=abcdefgh") == f"x={MASK}&y={MASK}"


def test_a_bearer_token_echoed_alone_is_masked() -> None:
    """The server redirects to /login?token=<token>: the header value as a
    whole ("Bearer <token>") never appears, the token does."""
    masker = Masker.of(["Bearer abc123def456"])
    result = Result("https://h/", Outcome.OK, redirects=["https://h/login?token=abc123def456"])
    assert masker.result(result).redirects == [f"https://h/login?token={MASK}"]


def test_basic_credentials_are_masked_encoded_decoded_and_the_password_alone() -> None:
    value = "Basic " + base64.b64encode(b"bob:hunter2-pw").decode()
    masker = Masker.of([value])
    for shown in (value.split()[1], "bob:hunter2-pw", "hunter2-pw"):
        assert shown not in masker.text(f"https://h/?x={shown}")


def test_userinfo_passwords_are_masked_in_every_field() -> None:
    result = Result(
        "https://user:pa@ss-word@host.test/x",
        Outcome.BROKEN,
        (Source("a.md", 1),),
        final_url="https://host.test/login?pw=pa%40ss-word",
        redirects=["https://host.test/login?pw=pa%40ss-word"],
        error=Failure(ErrorKind.BAD_REDIRECT, "to https://other:pa@ss-word@x.test/ and pa@ss-word"),
    )
    masked = Masker().result(result)
    assert masked.url == f"https://user:{MASK}@host.test/x"
    assert masked.final_url == f"https://host.test/login?pw={MASK}"
    assert masked.error is not None
    assert masked.error.message == f"to https://other:{MASK}@x.test/ and {MASK}"
    assert "pa@ss" not in repr(masked)
    assert "pa%40ss" not in repr(masked)


def test_a_short_password_is_masked_where_it_sits() -> None:
    assert Masker().text("see https://u:pw@h/ and http://v:@h/") == (
        f"see https://u:{MASK}@h/ and http://v:{MASK}@h/"
    )


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    secret=st.text(min_size=6, max_size=20).filter(lambda s: s.strip() == s and s),
    before=st.text(max_size=10),
    after=st.text(max_size=10),
)
def test_no_encoding_of_a_secret_survives(secret: str, before: str, after: str) -> None:
    masker = Masker.of([secret])
    for form in forms([secret]):
        masked = masker.text(before + form + after)
        assert form.lower() not in masked.lower()


def test_the_reporters_layer_masks_whatever_the_engine_did_not() -> None:
    # The engine and the reporters share one masker (redact.shared); its
    # second look at the result it masked last is skipped, any other result
    # (a cancelled one, one from a worker process) is still masked.
    masker = shared(forms((SECRET,)))
    engine_masked = redact(_result(), forms((SECRET,)))
    assert masker.again(engine_masked) is engine_masked
    never_seen = _result()  # the same secrets, not masked by the engine
    assert SECRET not in repr(masker.again(never_seen))
    # Once another result was masked, the engine's earlier one is masked again
    # rather than trusted: the skip is for the one result masked last only.
    leaked = redact(_result(), forms((SECRET,)))
    redact(_result(), forms((SECRET,)))
    leaked.reason = f"note {SECRET}"
    assert SECRET not in repr(masker.again(leaked))


def test_every_report_masks_a_cancelled_result_the_engine_never_saw() -> None:
    import io

    from checker.reporting import reporters
    from checker.settings import Settings

    settings = Settings(format="json", headers=[f"X-Token: {SECRET}"], progress=False)
    out = io.StringIO()
    with reporters(settings, out, environ={}) as reporter:
        reporter.start(1)
        reporter.add(
            Result(f"http://h/?t={SECRET}", Outcome.CANCELLED, (Source(f"{SECRET}.md", 1),))
        )
        reporter.finish(Summary(strategy="as-completed"))
    assert SECRET not in out.getvalue()
    assert MASK in out.getvalue()
