"""Link extraction: ``urlcheck DIR --dump --format jsonl`` over a ~50 MB tree.

    python benchmarks/extract.py                   # 50 MB, 3 runs, medians
    python benchmarks/extract.py --mb 5 --runs 1   # a quick look
    python benchmarks/extract.py --profile         # cProfile of one in-process run

The tree is generated, seeded, half Markdown and half HTML by bytes, shaped
like documentation: prose, inline and reference links, images with srcset,
code blocks full of URLs that must not count, relative links between pages,
navigation repeated on every HTML page (so many duplicates). Each run is a
separate process timed from fork to exit (start-up included) and checks
nothing: the figure is what sources → index → dump costs.

Reports files/s, MB/s and links/s (links = occurrences read, before
deduplication), and the split by parser measured in-process.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_TEXT = (
    "the link checker reads documents and reports every URL with its line so that a "
    "failing build points at the place to fix configuration section example install"
)
WORDS = _TEXT.split()


def _prose(r: random.Random, n: int) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n))


def markdown_page(r: random.Random, index: int, size: int) -> str:
    parts = [f"# Page {index}\n\n"]
    refs = []
    n = 0
    while sum(map(len, parts)) < size:
        n += 1
        kind = r.random()
        if kind < 0.35:
            url = f"https://site{r.randrange(300)}.example.com/docs/{r.randrange(10**5)}"
            parts.append(f"{_prose(r, 12)} [{_prose(r, 2)}]({url}) {_prose(r, 15)}.\n\n")
        elif kind < 0.45:
            refs.append(f"[ref{n}]: https://ref.example.org/{index}/{n}\n")
            parts.append(
                f"- {_prose(r, 6)} [{_prose(r, 1)}][ref{n}]\n- <https://auto.example.net/{n}>\n\n"
            )
        elif kind < 0.55:
            parts.append(f"```sh\ncurl https://code.example.com/{n}\n```\n\n")
        elif kind < 0.65:
            parts.append(
                f"See [the setup](../section{r.randrange(20)}/page{r.randrange(50)}.md#install) "
                f"and ![diagram](img/{r.randrange(100)}.png).\n\n"
            )
        elif kind < 0.7:
            parts.append(f"{_prose(r, 8)} https://bare.example.com/{n}. `inline code`\n\n")
        else:
            parts.append(_prose(r, 60) + "\n\n")
    return "".join(parts) + "\n" + "".join(refs)


def html_page(r: random.Random, index: int, size: int) -> str:
    nav = "".join(f'<li><a href="/section{s}/index.html">Section {s}</a></li>' for s in range(20))
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>Page {index}</title><link rel='stylesheet' href='/css/site.css'>",
        "<script src='https://cdn.example.com/app.js'></script></head><body>",
        f"<nav><ul>{nav}</ul></nav><main>",
    ]
    n = 0
    while sum(map(len, parts)) < size:
        n += 1
        kind = r.random()
        if kind < 0.3:
            parts.append(
                f"<p>{_prose(r, 12)} <a href='https://site{r.randrange(300)}.example.com/docs/"
                f"{r.randrange(10**5)}'>{_prose(r, 2)}</a> {_prose(r, 15)}.</p>\n"
            )
        elif kind < 0.4:
            parts.append(
                f"<figure><img src='img/{n}.png' srcset='img/{n}-1x.png 1x, img/{n}-2x.png 2x' "
                f"alt='{_prose(r, 3)}'></figure>\n"
            )
        elif kind < 0.5:
            parts.append(
                f"<pre><code>curl https://code.example.com/{n} &lt;a href=x&gt;</code></pre>\n"
            )
        elif kind < 0.6:
            parts.append(
                f"<p><a href='../section{r.randrange(20)}/page{r.randrange(50)}.html#top'>"
                f"{_prose(r, 3)}</a></p>\n"
            )
        else:
            parts.append(f"<p>{_prose(r, 60)}</p>\n")
    return "".join(parts) + "</main></body></html>\n"


def generate(root: Path, megabytes: float, seed: int = 3) -> tuple[int, int]:
    """Write the tree; returns (files, bytes)."""
    r = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = files = 0
    while written < target:
        section = root / f"section{files % 20}"
        section.mkdir(parents=True, exist_ok=True)
        if files % 3 == 2:  # one HTML page of ~40 KB per two Markdown pages of ~20 KB
            text = html_page(r, files, r.randrange(30_000, 50_000))
            path = section / f"page{files}.html"
        else:
            text = markdown_page(r, files, r.randrange(15_000, 25_000))
            path = section / f"page{files}.md"
        data = text.encode()
        path.write_bytes(data)
        written += len(data)
        files += 1
    return files, written


def run_dump(tree: Path) -> tuple[float, int, int]:
    """One ``urlcheck --dump`` process; returns (wall seconds, links, unique URLs)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "checker", str(tree), "--dump", "--format", "jsonl", "--no-config"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
        text=True,
    )
    wall = time.perf_counter() - started
    match = re.search(r"(\d+) URLs from (\d+) links", proc.stderr)
    assert match, proc.stderr
    return wall, int(match[2]), int(match[1])


def per_parser(tree: Path) -> dict[str, tuple[float, float]]:
    """In-process parse time by format: {suffix: (MB/s, links/s)}."""
    from checker.sources import formats

    totals: dict[str, list[float]] = {}
    for path in sorted(tree.rglob("*")):
        fmt = formats.EXTENSIONS.get(path.suffix)
        if fmt is None:
            continue
        data = path.read_bytes()
        parse = formats.parser(fmt)
        started = time.perf_counter()
        links = sum(1 for _ in parse(io.BytesIO(data), str(path)))
        took = time.perf_counter() - started
        t = totals.setdefault(path.suffix, [0.0, 0.0, 0.0])
        t[0] += took
        t[1] += len(data)
        t[2] += links
    return {k: (v[1] / v[0] / 1e6, v[2] / v[0]) for k, v in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the tree [50]")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="generate here (kept) instead of a temp dir")
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="urlcheck-extract-") as tmp:
        tree = args.dir or Path(tmp) / "tree"
        started = time.perf_counter()
        files, size = generate(tree, args.mb)
        print(
            f"tree: {files} files, {size / 1e6:.1f} MB "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        if args.profile:
            _profile(tree)
            return
        walls, links, unique = [], 0, 0
        for _ in range(args.runs):
            wall, links, unique = run_dump(tree)
            walls.append(wall)
        wall = statistics.median(walls)
        print(f"urlcheck --dump --format jsonl: {links} links, {unique} unique URLs")
        print(
            f"  wall {wall:.2f} s (median of {args.runs}: {', '.join(f'{w:.2f}' for w in walls)})"
        )
        rates = f"{files / wall:,.0f} files/s  {size / wall / 1e6:.1f} MB/s"
        print(f"  {rates}  {links / wall:,.0f} links/s")
        for suffix, (mbps, lps) in sorted(per_parser(tree).items()):
            print(f"  parser {suffix:6} {mbps:6.1f} MB/s  {lps:>10,.0f} links/s (in-process)")
        print(f"  on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")


def _profile(tree: Path) -> None:
    import cProfile
    import pstats

    from checker.dump import dump
    from checker.settings import Settings
    from checker.sources import read_sources
    from checker.targets import TargetIndex

    settings = Settings(quiet=True)
    profiler = cProfile.Profile()
    profiler.enable()
    with TargetIndex() as index, open(os.devnull, "w") as out:
        index.add(read_sources([str(tree)], settings=settings))
        dump(settings, index, out, [])
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
