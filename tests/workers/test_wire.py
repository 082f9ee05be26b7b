"""The pipe between the run and a worker: whatever arrives on it, a message,
the end of the stream, or WireError; never a hang or another exception (the
run then treats that worker as dead: its URLs are reported, not lost)."""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import Outcome, Result
from checker.workers.wire import MAX_MESSAGE, WireError, encode, pack, receive, unpack


async def _read_all(data: bytes) -> list[object]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    messages = []
    while (message := await receive(reader)) is not None:
        messages.append(message)
    return messages


def test_messages_round_trip() -> None:
    batch = [Result("http://a.test/", Outcome.OK, status=200, index=4)]
    data = encode(("results", batch)) + encode(("done", None))
    assert asyncio.run(_read_all(data)) == [("results", batch), ("done", None)]


def test_places_and_failures_travel_as_equal_objects() -> None:
    """Sources and Failures are pickled as calls of their class (wire.py),
    not through dataclasses' __getstate__: the same values must come out."""
    import copyreg

    from checker.models import ErrorKind, Failure, Source

    places = (Source("docs/a b.md", 3, 7), Source("-", 1), Source("\udcff", 2**40, None))
    batch = [(0, "http://a.test/", places), (1, "http://b.test/", ())]
    failure = Failure(ErrorKind.TIMEOUT, "slow \x00")
    (message,) = asyncio.run(_read_all(encode(("targets", batch, failure))))
    assert message == ("targets", batch, failure)
    assert type(message[1][0][2][0]) is Source  # type: ignore[index]
    assert Source not in copyreg.dispatch_table, "the reducers are the wire's alone"


def test_a_length_past_the_limit_is_refused_before_reading_it() -> None:
    with pytest.raises(WireError):
        asyncio.run(_read_all(struct.pack("!I", MAX_MESSAGE + 1) + b"x"))


def test_a_truncated_message_is_the_end_of_the_stream() -> None:
    assert asyncio.run(_read_all(encode(("done", None))[:-3])) == []


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_is_a_message_the_end_or_wire_error(data: bytes) -> None:
    with contextlib.suppress(WireError):
        asyncio.run(_read_all(data))


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.binary(max_size=64))
def test_a_well_framed_message_that_is_not_a_pickle_is_wire_error(body: bytes) -> None:
    try:
        pickle.loads(body)
    except Exception:
        with pytest.raises(WireError):
            asyncio.run(_read_all(struct.pack("!I", len(body)) + body))


def test_a_result_travels_whole() -> None:
    """Every field, including any added later: pack follows Result's slots."""
    from dataclasses import fields

    from checker.models import ErrorKind, Failure, Health

    result = Result(
        "http://a.test/",
        Outcome.BROKEN,
        (),
        404,
        "http://b.test/",
        ["http://c.test/"],
        Failure(ErrorKind.TIMEOUT, "slow"),
        1.5,
        2,
        "why",
        7,
        "http://d.test/",
        "http://archive.test/",
        "a warning",
        Health(flaky=True, counts=False),
        "2026-01-01T00:00:00Z",
    )
    assert len(fields(Result)) == 16, "a new field: set it above too"
    (message,) = asyncio.run(_read_all(encode([pack(result)])))
    assert [unpack(f) for f in message] == [result]  # type: ignore[attr-defined]
