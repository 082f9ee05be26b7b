"""urlcheck side by side with a plain aiohttp loop, on loopback servers.

    python benchmarks/run.py                      # every scenario (~10 min on 2 cores)
    python benchmarks/run.py --quick              # small sizes, 1 run: does the harness work?
    python benchmarks/run.py --scenarios throughput,latency --runs 7 --md-out /tmp/bench.md

Scenarios (see benchmarks/README.md):
  throughput  nginx, no added latency, 10k URLs, -c 128   target: URLs/s >= 1.3x the plain loop
  latency     latency_server.py, 100 ms per answer, 3k URLs   target: wall <= 1.05 x N*0.1/128
  memory      nginx, a 1M-line list, as-completed and first-completed   target: peak RSS <= 100 MB
  startup     `urlcheck --version`, many runs   target: median <= 100 ms

Every tool is a separate process timed from fork to exit (interpreter start-up
included); peak RSS and CPU time come from that child's rusage (os.wait4).
Within a scenario the tools take turns run by run (the order rotates each
round) so that load from anything else on the machine hits them alike, and
tables give medians.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import scaling  # noqa: E402
from servers import LatencyServer, Nginx  # noqa: E402

HOSTS = 21
CONCURRENCY = 128
DELAY = 0.1
T_PORT, L_PORT = 18180, 18190  # not peer-bench's 18080/18090, so both can run at once
RUN_TIMEOUT = 900.0
TIME = "/usr/bin/time"  # GNU time (Debian package "time")
ALL_SCENARIOS = ("throughput", "latency", "memory", "startup", "workers")
ALIASES = {"T": "throughput", "L": "latency", "M": "memory", "S": "startup", "W": "workers"}
FULL = {
    "throughput": 10_000,
    "latency": 3_000,
    "memory": 1_000_000,
    "startup": 0,
    "workers": 10_000,
}
QUICK = {"throughput": 2_000, "latency": 1_000, "memory": 100_000, "startup": 0, "workers": 2_000}
TARGETS = {
    "throughput": "urlcheck URLs/s >= 1.3x the plain loop (asyncio)",
    "latency": "wall <= 1.05 x N*0.1 s/128",
    "memory": "peak RSS <= 100 MB",
    "startup": "`urlcheck --version` median <= 100 ms",
    "workers": "`--workers auto` URLs/s >= 1.5x the plain loop (asyncio), for every strategy",
}
MB = 1_000_000


# --------------------------------------------------------------------------- model
@dataclass
class Parsed:
    checked: int | None = None
    broken: int | None = None
    in_process_s: float | None = None  # urlcheck's own summary.duration_s
    error: str = ""


@dataclass
class Tool:
    name: str
    argv: list[str]
    parse: Callable[[Path, Path], Parsed]  # (stdout file, stderr file) -> counts
    plain_loop: bool = False  # the row every ratio is taken against
    ceiling: bool = False  # one URL hammered: what the server and loopback can do


@dataclass
class Sample:
    wall: float
    rc: int
    rss_kib: int
    cpu_s: float
    timed_out: bool
    parsed: Parsed = field(default_factory=Parsed)
    requests: int | None = None
    peak_inflight: int | None = None


@dataclass
class Row:
    tool: Tool
    n: int
    truth: dict[str, Any]
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def rate(self) -> float:
        """URLs/s; a ceiling row counts the requests it really sent."""
        done = self.samples[0].parsed.checked if self.tool.ceiling else self.n
        return (done or self.n) / self.wall

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_kib for s in self.samples) * 1024 / MB

    @property
    def in_process(self) -> float | None:
        values = [s.parsed.in_process_s for s in self.samples if s.parsed.in_process_s is not None]
        return statistics.median(values) if values else None

    @property
    def requests_per_url(self) -> float | None:
        values = [s.requests for s in self.samples if s.requests is not None]
        return statistics.median(values) / self.n if values and self.n else None

    @property
    def peak_inflight(self) -> int | None:
        values = [s.peak_inflight for s in self.samples if s.peak_inflight is not None]
        return max(values) if values else None

    def verdict(self) -> str:
        if any(s.timed_out for s in self.samples):
            return "TIMEOUT"
        if self.tool.ceiling:
            return "n/a (1 URL)"
        seen = {(s.parsed.checked, s.parsed.broken, s.parsed.error) for s in self.samples}
        if len(seen) > 1:
            return "WRONG (runs differ)"
        checked, broken, error = seen.pop()
        if error:
            return f"ERROR ({error[:60]})"
        if checked != self.truth.get("n") or broken != self.truth.get("broken"):
            return f"WRONG ({checked} checked, {broken} broken; truth {self.truth.get('broken')})"
        return "yes"


# --------------------------------------------------------------------------- parsers
def parse_urlcheck(stdout: Path, stderr: Path) -> Parsed:
    """``--format json``: the summary is the last key of the one object.

    Small reports are loaded whole, which also proves the JSON is valid and
    lists every URL; a 1M-URL report is only read from its tail.
    """
    size = stdout.stat().st_size
    try:
        if size < 64 * MB:
            report = json.loads(stdout.read_bytes())
            summary = report["summary"]
            if len(report["results"]) != summary["total"]:
                return Parsed(error=f"{len(report['results'])} results for {summary['total']}")
        else:
            with stdout.open("rb") as f:
                f.seek(size - 4096)
                tail = f.read()
            start = tail.rindex(b'"summary": ') + len(b'"summary": ')
            summary, _ = json.JSONDecoder().raw_decode(tail[start:].decode())
    except (ValueError, KeyError, OSError) as exc:
        return Parsed(error=f"no JSON report ({exc}): {_last_line(stderr)}")
    return Parsed(
        checked=summary["total"] - summary["excluded"],
        broken=summary["broken"] + summary["error"],
        in_process_s=summary["duration_s"],
    )


def parse_baseline(stdout: Path, stderr: Path) -> Parsed:
    match = re.search(r"ok=(\d+) broken=(\d+)", stdout.read_text(errors="replace"))
    if not match:
        return Parsed(error=f"no ok=/broken= line: {_last_line(stderr)}")
    ok, broken = int(match[1]), int(match[2])
    elapsed = re.search(r"elapsed_s=([\d.]+)", stdout.read_text(errors="replace"))
    return Parsed(
        checked=ok + broken, broken=broken, in_process_s=float(elapsed[1]) if elapsed else None
    )


def parse_hey(stdout: Path, stderr: Path) -> Parsed:
    answered = re.findall(r"\[\d{3}\]\s+(\d+) responses", stdout.read_text(errors="replace"))
    if not answered:
        return Parsed(error=f"no status code distribution: {_last_line(stderr)}")
    return Parsed(checked=sum(int(n) for n in answered))


def parse_lychee(stdout: Path, stderr: Path) -> Parsed:
    counts = scaling.lychee_counts(stdout)
    if isinstance(counts, str):
        return Parsed(error=f"{counts}: {_last_line(stderr)}")
    return Parsed(checked=counts[0], broken=counts[1])


def parse_nothing(stdout: Path, stderr: Path) -> Parsed:
    return Parsed()


def _last_line(path: Path) -> str:
    lines = path.read_text(errors="replace").strip().splitlines()
    return lines[-1][:200] if lines else ""


# --------------------------------------------------------------------------- measuring
def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(NO_COLOR="1", PYTHONIOENCODING="utf-8", **extra)
    return env


def measure(argv: list[str], workdir: Path, timeout: float, env: dict[str, str]) -> Sample:
    """Run argv once, stdout and stderr to files (never a terminal or a pipe).

    The clock runs from just before the fork to the moment the child is
    reaped. Peak RSS and CPU come from GNU time wrapped around the tool: the
    rusage of a child forked straight from this harness would report at least
    the harness's own RSS (Linux carries the pre-exec high-water mark over).
    """
    usage_file = workdir / "rusage"
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        os.killpg(proc.pid, signal.SIGKILL)  # the session of the child started below

    cmd = [TIME, "-f", "%M %U %S", "-o", str(usage_file), *argv]
    with (workdir / "stdout").open("wb") as out, (workdir / "stderr").open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=workdir,
            env=env,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            proc.wait()
        finally:
            wall = time.perf_counter() - started
            timer.cancel()
    maxrss_kib, user, system = usage_file.read_text().splitlines()[-1].split()
    return Sample(
        wall=wall,
        rc=proc.returncode,
        rss_kib=int(maxrss_kib),
        cpu_s=float(user) + float(system),
        timed_out=timed_out.is_set(),
    )


def rounds(tools: list[Tool], runs: int) -> Iterator[tuple[int, Tool]]:
    """Alternate: every tool once per round, the starting tool rotating."""
    for i in range(runs):
        k = i % len(tools)
        for tool in tools[k:] + tools[:k]:
            yield i, tool


def run_scenario(
    scenario: str,
    tools: list[Tool],
    n: int,
    truth: dict[str, Any],
    runs: int,
    server: Nginx | LatencyServer | None,
    work: Path,
    env: dict[str, str],
    log: Callable[[str], None],
) -> list[Row]:
    rows = {tool.name: Row(tool, n, truth) for tool in tools}
    for i, tool in rounds(tools, runs):
        workdir = Path(tempfile.mkdtemp(prefix="run-", dir=work))
        try:
            if isinstance(server, LatencyServer):
                server.reset_peaks()
            before = server.requests() if server else 0
            sample = measure(tool.argv, workdir, RUN_TIMEOUT, env)
            if not sample.timed_out:
                sample.parsed = tool.parse(workdir / "stdout", workdir / "stderr")
            if isinstance(server, LatencyServer):
                stats = server.stats()
                sample.requests = int(stats["requests"]) - before - 1
                sample.peak_inflight = int(stats["inflight_max"])
            elif server is not None:
                sample.requests = server.requests() - before - 1
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        rows[tool.name].samples.append(sample)
        extra = f" in-process={sample.parsed.in_process_s}s" if sample.parsed.in_process_s else ""
        log(
            f"  {scenario} run {i + 1}/{runs} {tool.name}: wall={sample.wall:.3f}s rc={sample.rc}"
            f" cpu={sample.cpu_s:.2f}s rss={sample.rss_kib / 1024:.0f}MiB{extra}"
            f" checked={sample.parsed.checked} broken={sample.parsed.broken}"
            + (f" reqs={sample.requests}" if sample.requests is not None else "")
            + (f" peak_inflight={sample.peak_inflight}" if sample.peak_inflight else "")
            + (f" ERROR={sample.parsed.error}" if sample.parsed.error else "")
        )
    return list(rows.values())


# --------------------------------------------------------------------------- scenarios
@dataclass
class Config:
    urlcheck: list[str]
    urlcheck_args: list[str]
    python: str
    root: Path
    quick: bool
    runs: int
    memory_runs: int
    startup_runs: int
    memory_n: int | None
    memory_baseline: bool
    env: dict[str, str] = field(default_factory=dict)  # e.g. PYTHONPATH of a --snapshot
    revision: str = ""  # what is measured, for the report
    # --compare REV: one more urlcheck row, checker/ as committed at REV
    compare: tuple[str, Path] | None = None


def urlcheck_tool(cfg: Config, name: str, urls: Path, *extra: str) -> Tool:
    argv = [*cfg.urlcheck, str(urls), "--format", "json", "-c", str(CONCURRENCY)]
    return Tool(name, [*argv, *extra, *cfg.urlcheck_args], parse_urlcheck)


def compare_tools(cfg: Config, urls: Path) -> list[Tool]:
    """``--compare REV``: urlcheck as committed at REV, beside the measured one."""
    if cfg.compare is None:
        return []
    sha, path = cfg.compare
    other = replace(cfg, urlcheck=["env", f"PYTHONPATH={path}", cfg.python, "-m", "checker"])
    return [urlcheck_tool(other, f"urlcheck @{sha}", urls)]


def baseline_tools(cfg: Config, urls: Path) -> list[Tool]:
    argv = [cfg.python, str(HERE / "baseline_aiohttp.py"), str(urls), "-c", str(CONCURRENCY)]
    return [
        Tool("plain aiohttp loop (asyncio)", argv, parse_baseline, plain_loop=True),
        Tool("plain aiohttp loop (uvloop)", [*argv, "--uvloop"], parse_baseline),
    ]


def ideal_tool(cfg: Config, urls: Path) -> Tool:
    argv = [cfg.python, str(HERE / "ideal_aiohttp.py"), str(urls), "-c", str(CONCURRENCY)]
    return Tool("ideal engine: urlcheck's requests on a bare session", argv, parse_baseline)


def scenario_setup(
    scenario: str, cfg: Config
) -> tuple[list[Tool], int, dict[str, Any], int, AbstractContextManager[Any]]:
    sizes = QUICK if cfg.quick else FULL
    n = sizes[scenario]
    data = cfg.root / "data"
    if scenario == "throughput":
        urls, truth = corpus.ensure(data / f"T-{n}", n, T_PORT, corpus.THROUGHPUT_MIX, HOSTS)
        tools = [
            urlcheck_tool(cfg, "urlcheck", urls),
            *compare_tools(cfg, urls),
            urlcheck_tool(cfg, "urlcheck --per-host 128", urls, "--per-host", "128"),
            ideal_tool(cfg, urls),
            *baseline_tools(cfg, urls),
        ]
        if shutil.which("hey"):
            # hey sends floor(n / c) * c requests; URLs/s uses the N it really got through
            ceiling = f"http://127.0.0.1:{T_PORT}/ok/ceiling"
            argv = ["hey", "-n", str(n), "-c", str(CONCURRENCY), "-m", "HEAD", ceiling]
            tools.append(Tool("hey, 1 URL, HEAD (ceiling)", argv, parse_hey, ceiling=True))
        return tools, n, truth, cfg.runs, Nginx(T_PORT, HOSTS, root=cfg.root)
    if scenario == "workers":
        urls, truth = corpus.ensure(data / f"T-{n}", n, T_PORT, corpus.THROUGHPUT_MIX, HOSTS)
        tools = [
            urlcheck_tool(
                cfg,
                f"urlcheck --strategy {strategy} {shlex.join(args)}",
                urls,
                *args,
                "--strategy",
                strategy,
            )
            for strategy in scaling.STRATEGIES
            for args in scaling.worker_args()
        ]
        tools += baseline_tools(cfg, urls)
        binary = scaling.lychee()
        if binary:
            lychee = scaling.lychee_argv(binary, urls, CONCURRENCY)
            tools.append(Tool("lychee, per-host limits lifted", lychee, parse_lychee))
        return tools, n, truth, cfg.runs, Nginx(T_PORT, HOSTS, root=cfg.root)
    if scenario == "latency":
        urls, truth = corpus.ensure(data / f"L-{n}", n, L_PORT, corpus.LATENCY_MIX, HOSTS)
        tools = [
            urlcheck_tool(cfg, "urlcheck", urls),
            urlcheck_tool(cfg, "urlcheck --method head", urls, "--method", "head"),
            ideal_tool(cfg, urls),
            *baseline_tools(cfg, urls),
        ]
        server = LatencyServer(L_PORT, HOSTS, DELAY, python=cfg.python)
        return tools, n, truth, cfg.runs, server
    if scenario == "memory":
        n = cfg.memory_n or n
        urls, truth = corpus.ensure(data / f"M-{n}", n, T_PORT, corpus.THROUGHPUT_MIX, HOSTS)
        tools = [
            urlcheck_tool(cfg, f"urlcheck --strategy {s}", urls, "--strategy", s)
            for s in ("as-completed", "first-completed")
        ]
        if cfg.memory_baseline:
            tools += baseline_tools(cfg, urls)[:1]
        return tools, n, truth, cfg.memory_runs, Nginx(T_PORT, HOSTS, root=cfg.root)
    tools = [
        Tool("urlcheck --version", [*cfg.urlcheck, "--version"], parse_nothing),
        Tool(
            "python -m checker --version", [cfg.python, "-m", "checker", "--version"], parse_nothing
        ),
        Tool("python -c pass (floor)", [cfg.python, "-c", "pass"], parse_nothing),
        Tool("python -c 'import aiohttp'", [cfg.python, "-c", "import aiohttp"], parse_nothing),
    ]
    return tools, 0, {}, cfg.startup_runs, nullcontext()


# --------------------------------------------------------------------------- tables
def fmt_walls(row: Row) -> str:
    walls = " ".join(f"{s.wall:.2f}" for s in row.samples)
    return f"{row.wall:.2f} ({walls})" if len(row.samples) > 1 else f"{row.wall:.2f}"


def plain_loop(rows: list[Row]) -> Row | None:
    return next((r for r in rows if r.tool.plain_loop), None)


def table_throughput(rows: list[Row]) -> list[str]:
    ref = plain_loop(rows)
    out = [
        "| tool | N | correct | wall s, median (each run) | URLs/s | x plain loop "
        "| in-process s | CPU s | CPU µs/URL | HTTP req/URL | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = f"{r.rate / ref.rate:.2f}" if ref else "—"
        out.append(
            f"| {r.tool.name} | {r.n:,} | {r.verdict()} | {fmt_walls(r)} | {r.rate:,.0f} "
            f"| {ratio} | {_opt(r.in_process)} | {r.cpu:.2f} | {r.cpu / r.n * 1e6:.0f} "
            f"| {_opt(r.requests_per_url)} | {r.rss_mb:.0f} |"
        )
    return out


def table_latency(rows: list[Row]) -> list[str]:
    out = [
        "| tool | N | correct | wall s, median (each run) | x ideal | in-process s "
        "| in-process x ideal | peak in flight | HTTP req/URL | CPU s | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ideal = r.n * DELAY / CONCURRENCY
        inproc = r.in_process
        out.append(
            f"| {r.tool.name} | {r.n:,} | {r.verdict()} | {fmt_walls(r)} | {r.wall / ideal:.3f} "
            f"| {_opt(inproc)} | {_opt(inproc / ideal if inproc else None, 3)} "
            f"| {_opt(r.peak_inflight, 0)} | {_opt(r.requests_per_url)} | {r.cpu:.2f} "
            f"| {r.rss_mb:.0f} |"
        )
    return out


def table_memory(rows: list[Row]) -> list[str]:
    out = [
        "| tool | N | correct | wall s | URLs/s | CPU s | peak RSS MB | ≤ 100 MB |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        out.append(
            f"| {r.tool.name} | {r.n:,} | {r.verdict()} | {fmt_walls(r)} | {r.n / r.wall:,.0f} "
            f"| {r.cpu:.1f} | {r.rss_mb:.1f} | {'yes' if r.rss_mb <= 100 else 'NO'} |"
        )
    return out


def table_startup(rows: list[Row]) -> list[str]:
    out = [
        "| command | runs | median ms | min ms | max ms | CPU ms (median) | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        walls = [s.wall * 1000 for s in r.samples]
        out.append(
            f"| `{r.tool.name}` | {len(walls)} | {statistics.median(walls):.0f} | {min(walls):.0f} "
            f"| {max(walls):.0f} | {r.cpu * 1000:.0f} | {r.rss_mb:.0f} |"
        )
    return out


TABLES = {
    "throughput": table_throughput,
    "latency": table_latency,
    "memory": table_memory,
    "startup": table_startup,
    "workers": table_throughput,
}


def target_line(scenario: str, rows: list[Row]) -> tuple[str, str]:
    """(what was measured, met?) for the summary table."""
    ours = rows[0]
    if scenario == "throughput":
        ref = plain_loop(rows)
        if ref is None:
            return "—", "—"
        ratio = ref.wall / ours.wall
        measured = f"{ours.n / ours.wall:,.0f} vs {ref.n / ref.wall:,.0f} URLs/s = {ratio:.2f}x"
        return measured, _met(ratio >= 1.3 and ours.verdict() == "yes")
    if scenario == "workers":
        ref = plain_loop(rows)
        auto = [r for r in rows if r.tool.name.endswith("--workers auto")]
        if ref is None or not auto:
            return "—", "—"
        ratios = [(r.tool.name.split()[2], ref.wall / r.wall) for r in auto]
        measured = "; ".join(f"{name} {ratio:.2f}x" for name, ratio in ratios)
        return measured, _met(all(ratio >= 1.5 for _, ratio in ratios))
    if scenario == "latency":
        ideal = ours.n * DELAY / CONCURRENCY

        def times(row: Row) -> str:
            inproc = f", in-process {row.in_process / ideal:.2f}x" if row.in_process else ""
            return f"{row.tool.name} {row.wall / ideal:.2f}x{inproc}"

        measured = f"ideal {ideal:.2f} s; " + "; ".join(times(r) for r in rows[:3])
        return measured, _met(ours.wall <= 1.05 * ideal and ours.verdict() == "yes")
    if scenario == "memory":
        ours_rows = [r for r in rows if r.tool.name.startswith("urlcheck")]
        worst = max(ours_rows, key=lambda r: r.rss_mb)
        measured = ", ".join(f"{r.tool.name.split()[-1]} {r.rss_mb:.1f} MB" for r in ours_rows)
        return measured, _met(worst.rss_mb <= 100 and worst.verdict() == "yes")
    median_ms = statistics.median(s.wall for s in ours.samples) * 1000
    return f"{median_ms:.0f} ms", _met(median_ms <= 100)


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _opt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# --------------------------------------------------------------------------- main
def machine(cfg: Config) -> dict[str, Any]:
    env = child_env(cfg.env)

    def out(argv: list[str]) -> str:
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=30, check=False, env=env
            )
        except OSError:
            return "?"
        return (done.stdout or done.stderr).strip()

    versions = "import aiohttp, uvloop, sys; print(sys.version.split()[0], aiohttp.__version__, "
    versions += "uvloop.__version__)"
    python, aiohttp, uvloop = (out([cfg.python, "-c", versions]).split() + ["?"] * 3)[:3]
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), "?")
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": python,
        "aiohttp": aiohttp,
        "uvloop": uvloop,
        "nginx": out(["nginx", "-v"]).rpartition("/")[2],
        "urlcheck": out([*cfg.urlcheck, "--version"]),
        "measured": measured(cfg),
    }


def measured(cfg: Config) -> str:
    if cfg.revision != "working tree":
        return f"commit {cfg.revision} (snapshot)"
    git = ["git", "-C", str(HERE.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, check=False)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "checker"], capture_output=True, check=False
    )
    return f"working tree at {head.stdout.decode().strip()}" + (
        " + uncommitted changes" if dirty.stdout else ""
    )


def snapshot(rev: str, root: Path) -> tuple[Path, str]:
    """Export ``checker/`` as of git revision ``rev`` into a directory of its own.

    Other people edit the working tree while benchmarks run; a snapshot
    measures one known commit whatever happens to the files meanwhile.
    """
    repo = str(HERE.parent)
    sha = subprocess.run(
        ["git", "-C", repo, "rev-parse", "--short", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = root / f"snapshot-{sha}"
    if not (target / "checker" / "__init__.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", repo, "archive", sha, "checker"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        # compile now, so the first timed run does not pay for it
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(target)], check=True)
    return target, sha


def default_urlcheck() -> list[str]:
    beside = Path(sys.executable).parent / "urlcheck"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "checker"]


def parse_args(argv: list[str] | None) -> tuple[list[str], Config, argparse.Namespace]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--scenarios",
        default=",".join(ALL_SCENARIOS),
        help="comma-separated: throughput,latency,memory,startup (or T,L,M,S)",
    )
    p.add_argument("--runs", type=int, help="runs per tool in throughput and latency (default 5)")
    p.add_argument("--memory-runs", type=int, help="runs per tool in memory (default 1)")
    p.add_argument("--startup-runs", type=int, help="runs per command in startup (default 30)")
    p.add_argument("--memory-n", type=int, help="lines in the memory scenario's list")
    p.add_argument(
        "--memory-baseline",
        action="store_true",
        help="also run the plain loop on the big list (it holds every URL: GBs of RSS)",
    )
    p.add_argument(
        "--quick", action="store_true", help="2k/1k/100k URLs and 1 run: check the harness works"
    )
    p.add_argument(
        "--urlcheck",
        help="command that runs urlcheck (default: urlcheck beside this Python, "
        "else 'python -m checker')",
    )
    p.add_argument(
        "--snapshot",
        metavar="REV",
        help="measure checker/ as committed at git REV (e.g. HEAD), run as 'python -m checker' "
        "with PYTHONPATH pointing at an export of it, not the working tree",
    )
    p.add_argument(
        "--compare",
        metavar="REV",
        help="throughput: one more row, urlcheck as committed at git REV (a before/after "
        "in the same run)",
    )
    p.add_argument(
        "--urlcheck-args", default="", help="extra arguments for every urlcheck row (one string)"
    )
    p.add_argument(
        "--python",
        default=sys.executable,
        help="Python for the plain loop and the latency server (default: this one)",
    )
    p.add_argument(
        "--root",
        type=Path,
        default=Path(os.environ.get("BENCH_ROOT", "/tmp/urlcheck-bench")) / "urlcheck-benchmarks",
        help="where URL lists and scratch files go",
    )
    p.add_argument("--md-out", type=Path, help="also write the Markdown report here")
    p.add_argument("--json-out", type=Path, help="write every run's raw figures here")
    a = p.parse_args(argv)
    scenarios = []
    for raw in a.scenarios.split(","):
        name = ALIASES.get(raw.strip(), raw.strip())
        if name not in ALL_SCENARIOS:
            p.error(f"unknown scenario {raw!r}")
        scenarios.append(name)
    urlcheck = shlex.split(a.urlcheck) if a.urlcheck else default_urlcheck()
    env, revision = {}, "working tree"
    if a.snapshot:
        if a.urlcheck:
            p.error("--snapshot runs 'python -m checker'; give either it or --urlcheck")
        path, sha = snapshot(a.snapshot, a.root)
        urlcheck, env, revision = [a.python, "-m", "checker"], {"PYTHONPATH": str(path)}, sha
    cfg = Config(
        urlcheck=urlcheck,
        urlcheck_args=shlex.split(a.urlcheck_args),
        python=a.python,
        root=a.root,
        quick=a.quick,
        runs=a.runs or (1 if a.quick else 5),
        memory_runs=a.memory_runs or 1,
        startup_runs=a.startup_runs or (10 if a.quick else 30),
        memory_n=a.memory_n,
        memory_baseline=a.memory_baseline,
        env=env,
        revision=revision,
        compare=None if a.compare is None else snapshot(a.compare, a.root)[::-1],
    )
    return scenarios, cfg, a


def main(argv: list[str] | None = None) -> int:
    scenarios, cfg, args = parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    env = child_env(cfg.env)
    work = cfg.root / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    meta = machine(cfg)
    log(f"bench: {json.dumps(meta)}")
    md = [
        f"Run {meta['date']}: {meta['nproc']} cores ({meta['cpu']}), kernel {meta['kernel']}, "
        f"Python {meta['python']}, aiohttp {meta['aiohttp']}, uvloop {meta['uvloop']}, "
        f"nginx {meta['nginx']}; {meta['urlcheck']}, {meta['measured']}",
        "",
    ]
    summary = ["| scenario | target | measured (medians) | met |", "|---|---|---|---|"]
    raw: dict[str, Any] = {"meta": meta, "scenarios": {}}
    for scenario in scenarios:
        tools, n, truth, runs, server_cm = scenario_setup(scenario, cfg)
        load_before = os.getloadavg()[0]
        log(f"== {scenario}: N={n:,}, {runs} run(s) per tool")
        with server_cm as server:
            rows = run_scenario(scenario, tools, n, truth, runs, server, work, env, log)
        load_after = os.getloadavg()[0]
        md += [
            f"### {scenario}" + (f" (N = {n:,})" if n else ""),
            "",
            f"Median of {runs} run(s) per tool, tools alternating; "
            f"1-min load average {load_before:.1f} before, {load_after:.1f} after.",
            "",
            *TABLES[scenario](rows),
            "",
            "Commands (stdout and stderr to files; list paths as generated):",
            "",
            *(f"- {r.tool.name}: `{shlex.join(r.tool.argv)}`" for r in rows),
            "",
        ]
        measured, met = target_line(scenario, rows)
        summary.append(f"| {scenario} | {TARGETS[scenario]} | {measured} | {met} |")
        raw["scenarios"][scenario] = [
            {"tool": r.tool.name, "argv": r.tool.argv, "n": r.n, "truth": r.truth}
            | {"samples": [asdict(s) for s in r.samples]}
            for r in rows
        ]
    text = "\n".join(["## Targets", "", *summary, "", *md])
    print(text)
    if args.md_out:
        args.md_out.write_text(text + "\n")
    if args.json_out:
        args.json_out.write_text(json.dumps(raw, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
