"""The plain aiohttp loop urlcheck is measured against.

A copy of ../shared/peer-bench/baseline_aiohttp.py (same logic, reformatted),
kept here so the repository is self-contained. ONE ClientSession, a
semaphore bounding concurrency (--concurrency, default 128), HEAD (following
redirects) with a GET only after 405/501, and

    ok=N broken=M
    codes={...} errors={...}
    elapsed_s=S      (from reading the list to the end of the loop; not in peer-bench's copy)

A link is broken when the final status is >= 400 or the request failed. No
retries, no per-host limit, no URL validation, no dedup, no per-URL report:
what is left is the cost of the HTTP work itself. Note its shape: every URL
becomes a coroutine up front (``gather``), which is fine for 10k URLs and is
exactly what urlcheck must not do for a million.

--uvloop runs the same code on uvloop instead of the stock asyncio loop.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import time

import aiohttp


async def check_all(
    urls: list[str], concurrency: int, timeout: float
) -> tuple[int, int, collections.Counter[int], collections.Counter[str]]:
    sem = asyncio.Semaphore(concurrency)
    codes: collections.Counter[int] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()
    broken = 0

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:

        async def check(url: str) -> None:
            nonlocal broken
            async with sem:
                try:
                    async with session.head(url, allow_redirects=True) as r:
                        status = r.status
                    if status in (405, 501):  # the server does not do HEAD
                        async with session.get(url, allow_redirects=True) as r:
                            await r.read()
                            status = r.status
                except (aiohttp.ClientError, TimeoutError, OSError) as e:
                    errors[type(e).__name__] += 1
                    broken += 1
                    return
            codes[status] += 1
            if status >= 400:
                broken += 1

        await asyncio.gather(*(check(u) for u in urls))
    return len(urls) - broken, broken, codes, errors


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("urls_file", help="file with one URL per line ('-' for stdin)")
    p.add_argument("-c", "--concurrency", type=int, default=128)
    p.add_argument("--timeout", type=float, default=30.0, help="per-request total timeout (s)")
    p.add_argument("--uvloop", action="store_true", help="run on uvloop")
    a = p.parse_args(argv)

    started = time.perf_counter()
    with sys.stdin if a.urls_file == "-" else open(a.urls_file) as fh:
        urls = [ln.strip() for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]

    coro = check_all(urls, a.concurrency, a.timeout)
    if a.uvloop:
        import uvloop

        ok, broken, codes, errors = uvloop.run(coro)
    else:
        ok, broken, codes, errors = asyncio.run(coro)
    print(f"ok={ok} broken={broken}")
    print(f"codes={dict(sorted(codes.items()))} errors={dict(errors)}")
    print(f"elapsed_s={time.perf_counter() - started:.3f}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
