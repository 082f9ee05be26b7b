"""Each misbehaving server of servers.py against the real probe and session.

One test per hostile class of issue 8 §4 (and issue 11 §3, cookies): what
urlcheck must report, and what it must not do to the rest of the run.
"""

from __future__ import annotations

import asyncio
import json
import tracemalloc

import pytest

from checker.api import check
from checker.models import ErrorKind, Outcome, Result, Target
from checker.probe import Probe
from checker.scheduler import Attempted
from checker.session import open_session
from checker.settings import Settings
from tests.conftest import probe_url
from tests.hostile.conftest import Hostile
from tests.hostile.servers import (
    BEHAVIOURS,
    BadLocation,
    BlackHole,
    Brotli,
    CookieWall,
    GarbageStatus,
    GzipBomb,
    HeadWithBody,
    HugeHeader,
    KeepAliveLiar,
    ManyHeaders,
    NewCookieEveryTime,
    RedirectLoop,
    ResetMidReply,
    TrickleBody,
    TwoRepliesPerRequest,
    cookie_header,
)

SECRET = "s3cr3t-token-value"


async def run(urls: list[str], **options: object) -> list[Result]:
    settings = Settings.model_validate({"retries": 0, **options})
    return [r async for r in check(urls, settings=settings)]


@pytest.mark.parametrize(
    "location", [b"http://][@", b"http://[::1", b"http://a b/", b"http://:99999/", b"http://h:x/"]
)
async def test_an_unparsable_location_is_bad_redirect(hostile: Hostile, location: bytes) -> None:
    base = await hostile(BadLocation(location))
    result = await probe_url(base + "/")
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert result.error.kind is ErrorKind.BAD_REDIRECT


async def test_a_garbage_status_line_is_protocol_and_the_echoed_secret_is_masked(
    hostile: Hostile,
) -> None:
    base = await hostile(GarbageStatus())
    (result,) = await run([base + "/"], headers=[f"X-Token: {SECRET}"])
    assert result.error is not None
    assert result.error.kind is ErrorKind.PROTOCOL
    assert SECRET not in json.dumps(result.to_dict())


@pytest.mark.parametrize("size", [9 * 1024, 32 * 1024, 60 * 1024])
async def test_one_header_over_8_kb_is_ok(hostile: Hostile, size: int) -> None:
    base = await hostile(HugeHeader(size))
    result = await probe_url(base + "/")
    assert (result.outcome, result.status) == (Outcome.OK, 200), result.error


@pytest.mark.parametrize("count", [129, 300, 500])
async def test_more_than_128_headers_is_ok(hostile: Hostile, count: int) -> None:
    base = await hostile(ManyHeaders(count))
    result = await probe_url(base + "/")
    assert (result.outcome, result.status) == (Outcome.OK, 200), result.error


async def test_a_slow_body_after_a_200_header_is_ok_not_timeout(hostile: Hostile) -> None:
    trickle = TrickleBody(size=100, interval=0.1)
    base = await hostile(trickle)
    result = await probe_url(base + "/", method="get", timeout=0.5)
    assert (result.outcome, result.status) == (Outcome.OK, 200), result.error
    assert trickle.trickled < 100, "the body was waited for"


async def test_a_reset_mid_reply_is_that_urls_error(hostile: Hostile) -> None:
    base = await hostile(ResetMidReply())
    results = await run([base + "/a", base + "/b"])
    assert [r.outcome for r in results] == [Outcome.ERROR] * 2
    assert {r.error.kind for r in results if r.error} <= {
        ErrorKind.DISCONNECTED,
        ErrorKind.PROTOCOL,
    }


async def test_a_black_hole_times_out(hostile: Hostile) -> None:
    base = await hostile(BlackHole())
    result = await probe_url(base + "/", timeout=0.3)
    assert result.error is not None
    assert result.error.kind is ErrorKind.TIMEOUT


async def test_a_redirect_loop_is_noticed(hostile: Hostile) -> None:
    loop = RedirectLoop()
    base = await hostile(loop)
    result = await probe_url(base + "/a")
    assert result.error is not None
    assert result.error.kind is ErrorKind.TOO_MANY_REDIRECTS
    assert "loop" in result.error.message
    assert len(loop.heads) <= 3


@pytest.mark.parametrize("method", ["head", "get", "auto"])
async def test_a_cookie_wall_on_an_ip_host_is_ok(hostile: Hostile, method: str) -> None:
    wall = CookieWall()
    base = await hostile(wall)  # 127.0.0.1: an IP-address host gets cookies too
    result = await probe_url(base + "/doc", method=method)
    assert (result.outcome, result.status) == (Outcome.OK, 200), result.error
    assert result.redirects == [base + "/doc"]
    assert [cookie_header(h) for h in wall.heads] == [b"", b"consent=yes"]


async def test_cookies_belong_to_one_urls_redirect_chain(hostile: Hostile) -> None:
    """No run-wide jar: the second URL meets the wall as the first did, so
    results do not depend on the order of checking."""
    wall = CookieWall()
    base = await hostile(wall)
    urls = [base + "/one", base + "/two"]
    results = await run(urls, concurrency=1, method="get")
    assert [(r.outcome, len(r.redirects)) for r in results] == [(Outcome.OK, 1)] * 2
    assert [cookie_header(h) for h in wall.heads] == [b"", b"consent=yes"] * 2


async def test_a_new_cookie_every_hop_is_too_many_redirects_not_a_loop(hostile: Hostile) -> None:
    base = await hostile(NewCookieEveryTime())
    result = await probe_url(base + "/", max_redirects=4)
    assert result.error is not None
    assert result.error.kind is ErrorKind.TOO_MANY_REDIRECTS
    assert "more than 4" in result.error.message


async def test_a_user_cookie_header_is_kept_beside_the_chains_cookies(hostile: Hostile) -> None:
    wall = CookieWall()
    base = await hostile(wall)
    result = await probe_url(base + "/", headers=["Cookie: mine=1"])
    assert result.outcome is Outcome.OK
    assert [cookie_header(h) for h in wall.heads] == [b"mine=1", b"mine=1; consent=yes"]


async def test_content_encoding_br_is_not_protocol(hostile: Hostile) -> None:
    base = await hostile(Brotli())
    result = await probe_url(base + "/", method="get")
    assert (result.outcome, result.status) == (Outcome.OK, 200), result.error


async def test_a_gzip_bomb_is_not_inflated_nor_asked_for(hostile: Hostile) -> None:
    bomb = GzipBomb()
    base = await hostile(bomb)
    tracemalloc.start()
    try:
        result = await probe_url(base + "/", method="get")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert peak < 16 * 1024 * 1024, f"{peak} bytes allocated: the body was inflated"
    assert b"accept-encoding" not in bomb.heads[0].lower()


@pytest.mark.parametrize(
    "behaviour", [TwoRepliesPerRequest, HeadWithBody, KeepAliveLiar], ids=lambda b: b.__name__
)
async def test_a_connection_that_misbehaves_is_never_reused(
    hostile: Hostile, behaviour: type[TwoRepliesPerRequest]
) -> None:
    """Every URL gets its own answer (200), never one a server left on a
    pooled connection after the URL before (404). The pause lets the unasked-for
    bytes arrive while the connection is idle in the pool."""
    base = await hostile(behaviour())
    settings = Settings(retries=0, method="head", concurrency=1)  # type: ignore[arg-type]
    results = []
    async with open_session(settings) as session:
        probe = Probe(session, settings)
        for n in range(4):
            attempt = await probe(Target(n, f"{base}/{n}", ()))  # one attempt
            results.append(attempt.result if isinstance(attempt, Attempted) else attempt)
            await asyncio.sleep(0.2)
    assert [(r.outcome, r.status) for r in results] == [(Outcome.OK, 200)] * 4


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
async def test_every_behaviour_leaves_one_result_per_url(hostile: Hostile, name: str) -> None:
    behaviour = BEHAVIOURS[name]()
    base = await hostile(behaviour)
    urls = [f"{base}/{n}" for n in range(3)]
    results = await run(urls, timeout=0.5, concurrency=2, headers=[f"X-Token: {SECRET}"])
    assert sorted(r.url for r in results) == urls
    assert all(SECRET not in json.dumps(r.to_dict()) for r in results)
