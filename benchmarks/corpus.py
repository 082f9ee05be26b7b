"""Deterministic URL lists for the benchmarks, with their known answers.

The mix of ../shared/peer-bench/gen.py: exact counts, then a seeded shuffle;
every URL unique; hosts drawn at random from 127.0.0.1 .. 127.0.0.<hosts>.

  /missing/<id>  -> 404, broken
  /redir/<id>    -> 301 -> /ok/<id>, ok
  /head405/<id>  -> 405 on HEAD, 200 on GET, ok
  /ok/<id>       -> 200, ok

A checker is correct when it reports all ``n`` URLs and exactly ``broken``
of them as broken (urlcheck: ``broken + error``).

    python benchmarks/corpus.py -n 10000 --port 18180 --out /tmp/list
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

# share of each kind; /ok/ is the rest
THROUGHPUT_MIX = {"missing": 0.10, "redir": 0.05, "head405": 0.02}
# one delayed round trip per link for a tool that sends one request per link
LATENCY_MIX = {"missing": 0.10}


def generate(
    n: int, port: int, mix: dict[str, float], hosts: int = 21, seed: int = 1
) -> tuple[list[str], dict[str, Any]]:
    rng = random.Random(seed)
    counts = {kind: round(n * share) for kind, share in mix.items()}
    counts["ok"] = n - sum(counts.values())
    if counts["ok"] < 0:
        raise ValueError("the shares add up to more than 1")
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(kinds)
    urls = []
    for i, kind in enumerate(kinds):
        host = f"127.0.0.{rng.randrange(1, hosts + 1)}"
        urls.append(f"http://{host}:{port}/{kind}/{i:07d}-{rng.getrandbits(32):08x}")
    truth = {"n": n, "broken": counts.get("missing", 0), "kinds": counts, "port": port}
    return urls, truth | {"hosts": hosts, "seed": seed}


def ensure(
    directory: Path, n: int, port: int, mix: dict[str, float], hosts: int = 21
) -> tuple[Path, dict[str, Any]]:
    """Write ``urls.txt`` and ``truth.json`` under ``directory`` unless already there."""
    urls_path, truth_path = directory / "urls.txt", directory / "truth.json"
    if truth_path.exists() and urls_path.exists():
        truth: dict[str, Any] = json.loads(truth_path.read_text())
        return urls_path, truth
    directory.mkdir(parents=True, exist_ok=True)
    urls, truth = generate(n, port, mix, hosts)
    tmp = urls_path.with_suffix(".tmp")
    with tmp.open("w") as f:
        f.writelines(url + "\n" for url in urls)
    tmp.replace(urls_path)
    truth_path.write_text(json.dumps(truth, indent=1) + "\n")
    return urls_path, truth


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("-n", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--port", type=int, default=18180)
    p.add_argument("--hosts", type=int, default=21)
    p.add_argument("--latency-mix", action="store_true", help="only /ok/ and /missing/")
    a = p.parse_args(argv)
    mix = LATENCY_MIX if a.latency_mix else THROUGHPUT_MIX
    _, truth = ensure(a.out, a.n, a.port, mix, a.hosts)
    print(json.dumps(truth))


if __name__ == "__main__":
    main()
