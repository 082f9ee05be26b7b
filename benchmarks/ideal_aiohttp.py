"""The best a checker on one aiohttp ClientSession can do with urlcheck's rules.

Not a checker: the lower bound for urlcheck's own engine. It sends exactly
the requests urlcheck sends by default and nothing else:

* HEAD; when the final status is not 2xx, the same URL again with GET
  (urlcheck's ``--method auto``, where the plain loop only retries 405/501);
* redirects followed one hop at a time (at most 10), as urlcheck does;
* a GET's small body read, so the connection is kept.

It runs the fastest shape measured for urlcheck (``-c`` workers pulling
from one iterator, on uvloop) over one session configured like urlcheck's.
There is no URL validation, per-host limit, retry, deadline, result record or
report: the gap between this row and urlcheck is urlcheck's own cost, and the
gap between this row and the plain loop is what the request rules and the
runtime leave to win. Prints the plain loop's lines (``ok= broken=``,
``codes=``, ``elapsed_s=``) so run.py reads both the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import time
from collections.abc import Iterator

import aiohttp
import uvloop
from yarl import URL

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10


async def check_all(urls: list[str], concurrency: int) -> collections.Counter[int | str]:
    outcomes: collections.Counter[int | str] = collections.Counter()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0, keepalive_timeout=5)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def request(method: str, url: URL) -> int:
            for _ in range(MAX_REDIRECTS + 1):
                async with session.request(method, url, allow_redirects=False) as resp:
                    status = resp.status
                    location = resp.headers.get("Location") if status in REDIRECTS else None
                    if method == "GET":
                        await resp.read()
                if location is None:
                    return status
                url = url.join(URL(location))
            return status

        async def worker(todo: Iterator[URL]) -> None:
            for url in todo:
                try:
                    status = await request("HEAD", url)
                    if not 200 <= status < 300:
                        status = await request("GET", url)
                    outcomes[status] += 1
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    outcomes[type(exc).__name__] += 1

        shared = iter([URL(u) for u in urls])
        await asyncio.gather(*(worker(shared) for _ in range(concurrency)))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("urls_file")
    p.add_argument("-c", "--concurrency", type=int, default=128)
    a = p.parse_args(argv)

    started = time.perf_counter()
    with open(a.urls_file) as fh:
        urls = [ln.strip() for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    outcomes = uvloop.run(check_all(urls, a.concurrency))
    ok = sum(n for key, n in outcomes.items() if isinstance(key, int) and key < 400)
    broken = len(urls) - ok
    print(f"ok={ok} broken={broken}")
    print(f"codes={dict(outcomes)}")
    print(f"elapsed_s={time.perf_counter() - started:.3f}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
