"""The messages between the run and its worker processes, over a pair of pipes.

Each message is a length-prefixed pickle. Both ends are this program, started
by the run itself, so pickle's trust model holds: nothing from the network is
unpickled, only what the other end built (results already hold the server's
text as plain strings). A length past :data:`MAX_MESSAGE` means the stream is
corrupt (a stray write to the pipe), and the peer is treated as dead.

Parent → worker: ``Start``, then ``("targets", [(index, url, sources), …])``
batches, then ``("end",)``, or ``("stop",)`` at any time.
Worker → parent: ``("results", [fields, …])`` batches, each a Result's
fields as a tuple (:func:`pack`; sources left out: the parent holds them),
then ``("done", host_stats)``.
"""

from __future__ import annotations

import asyncio
import copyreg
import dataclasses
import io
import operator
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checker.filters import IgnoreRules
from checker.models import Failure, Result, Source
from checker.settings import Settings

_HEADER = struct.Struct("!I")
MAX_MESSAGE = 1 << 28  # 256 MiB: a batch of results is far smaller


@dataclass(frozen=True)
class Start:
    settings: Settings
    ignore: IgnoreRules
    number: int  # which worker this is, 0-based (for messages only)


# A dataclass with slots pickles through a Python-level __getstate__ (~16 µs a
# result, a tenth of the parent's time per URL); a plain tuple, in C.
pack = operator.attrgetter(*Result.__slots__)


def unpack(fields: tuple[Any, ...]) -> Result:
    return Result(*fields)


class WireError(Exception):
    """The stream from the other end is not a message."""


# A frozen dataclass with slots pickles through Python-level __getstate__ and
# __setstate__ (dataclasses' own, which call fields()): ~20 µs each way for a
# target's Source, more than the rest of its trip. As a call of the class on
# its fields, it is a tuple to pickle and one __init__ to unpickle. Every
# field, read from the class: a field added later still travels.
def _reducer(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    names = [f.name for f in dataclasses.fields(cls)]
    fields = operator.attrgetter(*names)  # a tuple, for two names or more
    assert len(names) > 1
    return lambda obj: (cls, fields(obj))


_REDUCERS = copyreg.dispatch_table.copy()
_REDUCERS[Source] = _reducer(Source)
_REDUCERS[Failure] = _reducer(Failure)


def encode(message: Any) -> bytes:
    buffer = io.BytesIO()
    buffer.write(bytes(_HEADER.size))
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(message)
    _HEADER.pack_into(buffer.getbuffer(), 0, buffer.tell() - _HEADER.size)
    return buffer.getvalue()


async def receive(reader: asyncio.StreamReader) -> Any | None:
    """The next message, or None at the end of the stream (the peer is gone)."""
    try:
        head = await reader.readexactly(_HEADER.size)
        (size,) = _HEADER.unpack(head)
        if size > MAX_MESSAGE:
            raise WireError(f"a message of {size} bytes")
        data = await reader.readexactly(size)
    except asyncio.IncompleteReadError:
        return None
    try:
        return pickle.loads(data)
    except Exception as exc:  # a truncated or foreign stream
        raise WireError(str(exc)) from exc
