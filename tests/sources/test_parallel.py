"""Large trees parsed across processes: the same links, in the same order,
errors at the file they belong to, a bounded window, and no process left."""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.choices import SourceFormat
from checker.settings import Settings
from checker.sources import SourceError, parallel, read_sources
from checker.sources.walk import Document
from tests.conftest import run_cli

_FILES = 90  # past the threshold at which workers start


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for n in range(_FILES):
        section = root / f"s{n % 3}"
        section.mkdir(exist_ok=True)
        if n % 2:
            (section / f"p{n:03}.html").write_text(
                f'<p>é</p>\n<a href="https://e.example/{n}">x</a> <img src="img/{n}.png">\n'
            )
        else:
            (section / f"p{n:03}.md").write_text(
                f"# {n}\n\n[a](https://e.example/{n}) https://e.example/bare/{n}.\n\n"
                f"[r]: ../other/{n}.md\n"
            )
    (root / "list.xml").write_text("<urlset><url><loc>https://e.example/sm</loc></url></urlset>")
    return root


def _read(tree: Path, jobs: int) -> list[tuple[str, str, int, int | None]]:
    return [tuple(link) for link in read_sources([str(tree)], settings=Settings(jobs=jobs))]  # type: ignore[misc]


def test_parallel_reading_gives_the_same_links_in_the_same_order(tree: Path) -> None:
    one = _read(tree, 1)
    assert len(one) == 45 * 3 + 45 * 2 + 1
    assert _read(tree, 2) == one
    assert _read(tree, 3) == one
    assert not multiprocessing.active_children()


def _docs(tree: Path, pulled: list[int], missing_at: int | None = None) -> Iterator[Document]:
    for n, path in enumerate(sorted(p for p in tree.rglob("*") if p.suffix in {".md", ".html"})):
        if n == missing_at:
            pulled.append(n)
            yield Document(str(tree / "gone.md"), str(tree))
        pulled.append(n)
        yield Document(str(path), str(tree))


def _format(path: str) -> SourceFormat:
    return SourceFormat.MARKDOWN if path.endswith(".md") else SourceFormat.HTML


def test_an_unreadable_file_fails_where_it_stands_after_the_files_before_it(tree: Path) -> None:
    seen: list[str] = []

    def read() -> None:
        for doc, _, _links in parallel.parse_documents(_docs(tree, [], 80), _format, 2):
            seen.append(doc.path)

    with pytest.raises(SourceError, match=r"cannot read '.*gone\.md'"):
        read()
    assert len(seen) == 80  # every file before it, none after
    assert not multiprocessing.active_children()


def test_the_window_of_documents_in_flight_is_bounded(tree: Path) -> None:
    pulled: list[int] = []
    jobs = 2
    results = parallel.parse_documents(_docs(tree, pulled), _format, jobs)
    for received, _ in enumerate(results, start=1):
        assert len(pulled) <= received + jobs * parallel._AHEAD + 1
    assert len(pulled) == _FILES


def test_a_reader_that_stops_early_leaves_no_process(tree: Path) -> None:
    results = parallel.parse_documents(_docs(tree, []), _format, 2)
    for n, _ in enumerate(results):
        if n == 70:  # workers are running by now
            break
    results.close()
    assert not multiprocessing.active_children()


def test_jobs_option_is_validated_and_used(tree: Path) -> None:
    bad = run_cli([str(tree), "--dump", "--jobs", "0", "--no-config"])
    assert bad.exit_code == 2
    assert "--jobs" in bad.stderr
    assert "Traceback" not in bad.stderr
    one = run_cli([str(tree), "--dump", "--format", "jsonl", "--jobs", "1", "--no-config"])
    two = run_cli([str(tree), "--dump", "--format", "jsonl", "--jobs", "2", "--no-config"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert one.stdout.count("\n") > _FILES


def test_a_worker_that_dies_is_one_source_error_not_a_traceback(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A native parser crashing (or the OOM killer) takes a worker down: the
    run ends with one line naming the file, and no process is left."""
    import os

    real = parallel.parse_file
    this = os.getpid()

    def crash_in_a_worker(path: str, fmt: SourceFormat) -> object:
        if path.endswith("p089.html") and os.getpid() != this:  # the last file: in a worker
            os._exit(1)
        return real(path, fmt)

    monkeypatch.setattr(parallel, "parse_file", crash_in_a_worker)  # forked workers inherit it
    # fork even if earlier tests left threads running (forkserver workers
    # would import a fresh module, without the patch); the child only parses.
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("fork"))

    def read() -> None:
        for _ in parallel.parse_documents(_docs(tree, []), _format, 2):
            pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        with pytest.raises(SourceError, match=r"or one of the \d+ files after it: a parser"):
            read()
    assert not multiprocessing.active_children()
