"""Generated hostile replies, through the library and the CLI, against the
invariants of issue 8 §7, for every one:

* the run finishes within its deadlines (a watchdog far above them);
* every input URL is in the report exactly once;
* no exception escapes (and none is contained as ``internal``: that is a bug too);
* no secret (the ``-H`` value, which the server echoes back) appears in any output.

Derandomised, with a budget of seconds: CI runs the same examples every time.
"""

from __future__ import annotations

import concurrent.futures
import faulthandler
import json
import tempfile
from pathlib import Path
from urllib.parse import quote

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.api import check_sync
from checker.choices import Format
from checker.models import ErrorKind, Report
from checker.settings import Settings
from tests.conftest import run_cli
from tests.hostile import strategies as hs
from tests.hostile.servers import Replay, serving

SECRET = "s3cr3t-t0ken-value"
SECRET_FORMS = (SECRET, quote(SECRET, safe=""))
# Far above what the run's own deadlines allow (3 URLs, 2 attempts of HEAD +
# GET at 0.3 s each, retry waits capped at 0.1 s): only a hang reaches it.
WATCHDOG = 60.0
OPTIONS = {
    "timeout": 0.3,
    "connect_timeout": 0.3,
    "retries": 1,
    "max_retry_wait": 0.1,
    "max_redirects": 3,
    "concurrency": 3,
    "headers": [f"X-Token: {SECRET}"],
}
FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _urls(server_url: str) -> list[str]:
    return [server_url + "/a", server_url + "/b?q=1", server_url + "/c/"]


def _check_library(reply: hs.Reply) -> None:
    with serving(Replay(reply.data, reply.then)) as server:
        urls = _urls(server.url(""))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            future = pool.submit(check_sync, urls, settings=Settings.model_validate(OPTIONS))
            report: Report = future.result(timeout=WATCHDOG)
    assert sorted(r.url for r in report.results) == sorted(urls)
    assert report.summary.total == len(urls)
    assert not [r for r in report.results if r.error and r.error.kind is ErrorKind.INTERNAL]
    text = json.dumps(report.to_dict())
    assert not [form for form in SECRET_FORMS if form in text]


@FUZZ
@given(reply=hs.responses())
def test_generated_replies_keep_the_invariants(reply: hs.Reply) -> None:
    _check_library(reply)


@FUZZ
@example(location="http://][@", status=302)  # yarl's IndexError (issue 8)
@given(location=hs.locations(), status=st.sampled_from([301, 302, 303, 307, 308]))
def test_generated_locations_keep_the_invariants(location: str, status: int) -> None:
    data = f"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
    _check_library(hs.Reply(data.encode(), "keep"))


@FUZZ
@given(cookies=st.lists(hs.set_cookies(), min_size=1, max_size=3), here=st.booleans())
def test_generated_set_cookies_on_redirects_keep_the_invariants(
    cookies: list[str], here: bool
) -> None:
    """A redirect (to the same URL or another) that sets generated cookies."""
    location = "/same" if here else "/elsewhere"
    lines = ["HTTP/1.1 302 Found", f"Location: {location}", "Content-Length: 0"]
    lines += [f"Set-Cookie: {cookie}" for cookie in cookies]
    _check_library(hs.Reply(("\r\n".join(lines) + "\r\n\r\n").encode(), "keep"))


@FUZZ
@example(retry_after="Wed, 99999999999999999999 Dec 2025 00:00:00 GMT", status=429)
@given(retry_after=hs.retry_afters(), status=st.sampled_from([429, 503]))
def test_generated_retry_afters_keep_the_invariants(retry_after: str, status: int) -> None:
    data = f"HTTP/1.1 {status} Wait\r\nRetry-After: {retry_after}\r\nContent-Length: 0\r\n\r\n"
    _check_library(hs.Reply(data.encode(), "keep"))


FORMATS = [f for f in Format if f is not Format.JSON]


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(reply=hs.responses())
def test_generated_replies_through_the_cli_in_every_format(reply: hs.Reply) -> None:
    with serving(Replay(reply.data, reply.then)) as server, tempfile.TemporaryDirectory() as tmp:
        urls = _urls(server.url(""))
        reports = [arg for f in FORMATS for arg in ("--report", f"{f.value}:{tmp}/report.{f}")]
        args = ["--no-config", "--format", "json", "-H", f"X-Token: {SECRET}"]
        args += ["--timeout", "0.3", "--connect-timeout", "0.3", "--retries", "1"]
        args += ["--max-retry-wait", "0.1", "--max-redirects", "3", *reports, "-"]
        # The CLI must own the main thread (signal handlers): a hang ends the
        # test process, with every thread's traceback, instead of a result.
        faulthandler.dump_traceback_later(WATCHDOG, exit=True)
        try:
            done = run_cli(args, "\n".join(urls).encode())
        finally:
            faulthandler.cancel_dump_traceback_later()
        outputs = {"stdout": done.stdout, "stderr": done.stderr}
        outputs |= {p.name: p.read_text("utf-8") for p in Path(tmp).iterdir()}
    assert done.exit_code in (0, 1), done.stderr
    document = json.loads(done.stdout)
    assert sorted(r["url"] for r in document["results"]) == sorted(urls)
    assert len(outputs) == len(FORMATS) + 2
    leaks = [name for name, text in outputs.items() for form in SECRET_FORMS if form in text]
    assert not leaks
