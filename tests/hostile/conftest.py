"""Fixtures over tests/hostile/servers.py: a misbehaving server in one line.

async def test_x(hostile: Hostile) -> None:
    base = await hostile(BlackHole())
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.conftest import raw_server
from tests.hostile.servers import Behaviour

Hostile = Callable[[Behaviour], Awaitable[str]]


@pytest.fixture
async def hostile() -> AsyncIterator[Hostile]:
    """Serve a behaviour on 127.0.0.1 for the test's duration; returns its base URL."""
    async with contextlib.AsyncExitStack() as stack:

        async def serve(behaviour: Behaviour) -> str:
            return await stack.enter_async_context(raw_server(behaviour))

        yield serve
