"""Crawl benchmark: urlcheck --crawl and linkinator --recurse over one generated site.

A site of ``--pages`` HTML pages, ``--links`` links each, is made on the fly
by a small aiohttp server in its own process (so its memory is not counted):
page i links to page i+1 (every page is reachable), to ``links - 2`` pages
spread over the site, and to one of 50 missing pages. The right answer is
therefore known: ``pages + 50`` unique URLs, 50 of them broken, every page
read once. Each tool crawls it from ``/site/`` under GNU time; the
server counts what each asked for.

    flock /tmp/bench.lock python benchmarks/crawl.py                # 5,000 x 50, both tools
    flock /tmp/bench.lock python benchmarks/crawl.py --pages 100000 --links 10 --only urlcheck

linkinator is looked for on PATH, then where ../shared/peer-bench/setup.sh
installs it (/tmp/urlcheck-bench/node/node_modules/.bin/linkinator).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass

MISSING = 50
LINKINATOR = "/tmp/urlcheck-bench/node/node_modules/.bin/linkinator"


def serve(pages: int, links: int) -> None:
    """The site: /site/N.html, /site/missing-K.html (404), /__stats, /robots.txt."""
    from aiohttp import web

    gets: set[str] = set()
    counts: Counter[str] = Counter()

    def href(k: int) -> str:
        return "/site/" if k == 0 else f"/site/{k}.html"  # linkinator recurses under a directory

    def page(n: int) -> str:
        hrefs = [(n + 1) % pages] + [(n * 7919 + j * 104_729) % pages for j in range(1, links - 1)]
        body = "".join(f'<li><a href="{href(k)}">page {k}</a></li>\n' for k in hrefs)
        body += f'<li><a href="/site/missing-{n % MISSING}.html">gone</a></li>\n'
        head = f"<!doctype html>\n<html><head><title>{n}</title></head><body><ul>\n"
        return f"{head}{body}</ul></body></html>\n"

    async def handle(request: web.Request) -> web.Response:
        path = request.path
        if path == "/__stats":
            answer = {"requests": sum(counts.values()), "pages_read": len(gets)}
            if "reset" in request.query:
                counts.clear()
                gets.clear()
            return web.json_response(answer)
        counts[request.method] += 1
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        name = path.removeprefix("/site/").removesuffix(".html") or "0"
        if name.isdigit() and int(name) < pages:
            if request.method == "GET":
                gets.add(name)
            return web.Response(text=page(int(name)), content_type="text/html")
        return web.Response(status=404, text="missing")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=int(os.environ["CRAWL_PORT"]), print=None)


@dataclass
class Measured:
    tool: str
    wall_s: float
    peak_rss_mb: float
    urls: int
    broken: int
    pages_read: int
    requests: int
    rc: int


def timed(cmd: list[str]) -> tuple[float, float, str, int]:
    """Wall seconds, peak RSS in MB (GNU time), stdout, exit code.

    stdout goes to a file, not a pipe: node's process.exit() drops what is
    still queued for a full pipe (linkinator's JSON came back cut at 64 KB),
    as ../shared/peer-bench/run.py found.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out_path, rss_path = os.path.join(tmp, "out"), os.path.join(tmp, "rss")
        started = time.perf_counter()
        with open(out_path, "wb") as out:
            proc = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", rss_path, *cmd],
                stdout=out,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        wall = time.perf_counter() - started
        with open(rss_path, encoding="utf-8") as rss, open(out_path, encoding="utf-8") as text:
            rss_kb = int(rss.read().strip().splitlines()[-1])
            return wall, rss_kb / 1024, text.read(), proc.returncode


def stats(base: str, reset: bool = False) -> dict[str, int]:
    query = "?reset" if reset else ""
    with urllib.request.urlopen(f"{base}/__stats{query}") as reply:
        return dict(json.load(reply))


def run_urlcheck(base: str, pages: int, concurrency: int) -> tuple[Measured, dict[str, object]]:
    cmd = [sys.executable, "-m", "checker", "--crawl", "--format", "jsonl", "--no-progress"]
    cmd += ["-c", str(concurrency), "--max-pages", str(pages), "--retries", "0"]
    wall, rss, out, rc = timed([*cmd, f"{base}/site/"])
    records = [json.loads(line) for line in out.splitlines()]
    results = [r for r in records if "url" in r]
    broken = sum(r["outcome"] != "ok" for r in results)
    return Measured(
        "urlcheck --crawl", wall, rss, len({r["url"] for r in results}), broken, 0, 0, rc
    ), {}


def run_linkinator(base: str, concurrency: int) -> Measured:
    exe = shutil.which("linkinator") or LINKINATOR
    cmd = [exe, f"{base}/site/", "--recurse", "--concurrency", str(concurrency)]
    wall, rss, out, rc = timed([*cmd, "--format", "json"])
    links = json.loads(out).get("links", []) if out.strip() else []
    ours = {link["url"]: link.get("state") for link in links if base in str(link.get("url"))}
    broken = sum(state == "BROKEN" for state in ours.values())
    return Measured("linkinator --recurse", wall, rss, len(ours), broken, 0, 0, rc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="urlcheck,linkinator")
    parser.add_argument("--port", type=int, default=18_733)
    args = parser.parse_args()
    if os.environ.get("CRAWL_SERVE"):
        serve(args.pages, args.links)
        return
    env = {**os.environ, "CRAWL_SERVE": "1", "CRAWL_PORT": str(args.port)}
    argv = [sys.executable, __file__, "--pages", str(args.pages), "--links", str(args.links)]
    server = subprocess.Popen(argv, env=env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(300):
            try:
                stats(base)
                break
            except OSError:
                time.sleep(0.1)
        rows: list[Measured] = []
        tools = args.only.split(",")
        for _ in range(args.runs):
            for tool in tools:
                stats(base, reset=True)
                if tool == "urlcheck":
                    row, _ = run_urlcheck(base, args.pages, args.concurrency)
                else:
                    row = run_linkinator(base, args.concurrency)
                after = stats(base)
                row.requests, row.pages_read = after["requests"], after["pages_read"]
                rows.append(row)
        report(rows, args)
    finally:
        server.terminate()
        server.wait(10)


def report(rows: list[Measured], args: argparse.Namespace) -> None:
    expected = args.pages + MISSING
    print(
        f"\nsite: {args.pages:,} pages x {args.links} links; right answer: {expected:,} URLs, "
        f"{MISSING} broken; -c {args.concurrency}\n"
    )
    print(
        "| tool | wall s | pages/s | links/s | peak RSS MB | URLs | broken | pages read"
        " | requests | right |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        links = args.pages * args.links
        right = r.urls == expected and r.broken == MISSING and r.pages_read == args.pages
        print(
            f"| {r.tool} | {r.wall_s:.1f} | {args.pages / r.wall_s:,.0f} | {links / r.wall_s:,.0f}"
            f" | {r.peak_rss_mb:.0f} | {r.urls:,} | {r.broken} | {r.pages_read:,}"
            f" | {r.requests:,} | {'yes' if right else 'NO'} |"
        )


if __name__ == "__main__":
    main()
