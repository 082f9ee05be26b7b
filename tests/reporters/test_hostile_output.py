"""Every output format, fed hostile URLs, paths and server messages.

Each format, through the one assembly the CLI uses (checker.reporting), inside
GitHub Actions and outside it, must:

- stay parseable where it is a data format (json, jsonl, csv, junit, sarif, html);
- show no secret in any form: a header value, the token of ``Bearer <token>``
  echoed alone, a userinfo password, in any case, percent-encoded or not;
- carry no raw terminal escape (ESC, BEL, CSI, other C0/C1 controls);
- start no workflow command, read as the Actions runner reads a log (every
  line, split at CR and LF: ``::`` after leading spaces, ``##[`` anywhere),
  and mention no one where GitHub renders Markdown.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.choices import Format
from checker.hoststats import HostStats
from checker.models import ErrorKind, Failure, Outcome, Result, Source, Summary
from checker.reporting import reporters
from checker.settings import Settings

HEADER_SECRET = "hdr-S3cret-value"
TOKEN = "tok3n-abcdef-123456"
PASSWORD = "hunter2-pw"
SECRETS = (HEADER_SECRET, TOKEN, PASSWORD, "hunter2%2Dpw")

HOSTILE = (
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J \x00\x0b\ufffe"
    " ::warning::w ##[error]e ::add-mask::m ::stop-commands::s @someone"
    " </script><script>alert(1)</script> ]]> <!--"
)
URL = f"https://user:{PASSWORD}@evil.test/a?t={TOKEN}&k={HEADER_SECRET.upper()}#x"
MESSAGE = f"Bad status line: b'HTTP/1.1 {HOSTILE}'\r\n::error::injected\n##[add-mask]x {TOKEN}"


def results() -> list[Result]:
    path = Source(f"::warning file=x::{HOSTILE[:20]}.md", 3, 1)
    return [
        Result(
            URL, Outcome.BROKEN, (path, Source("docs/@someone.md", 1)), status=404, elapsed_ms=5.0
        ),
        Result(
            "::warning::a line of a URL list",
            Outcome.ERROR,
            (Source("urls.txt", 2),),
            error=Failure(ErrorKind.INVALID_URL, "=cmd|' /C calc'!A0 " + HOSTILE),
        ),
        Result(
            "=cmd|' /C calc'!A0",
            Outcome.ERROR,
            (Source("urls.txt", 4),),
            redirects=[f"https://evil.test/login?token={TOKEN}", "https://x.test/##[error]r"],
            final_url="https://x.test/##[error]r",
            error=Failure(ErrorKind.PROTOCOL, MESSAGE),
            attempts=1,
        ),
        Result(
            "https://ok.test/@someone/" + HOSTILE,
            Outcome.OK,
            (Source("a.md", 5),),
            status=200,
            elapsed_ms=1.0,
        ),
        Result(
            "https://ex.test/", Outcome.EXCLUDED, (Source("a.md", 6),), reason="matches " + HOSTILE
        ),
        Result(f"https://u:{PASSWORD}@c.test/", Outcome.CANCELLED, (Source("a.md", 7),)),
    ]


SUMMARY = Summary("gather", total=6, ok=1, broken=1, error=2, excluded=1, cancelled=1)


def render(
    fmt: Format, actions: bool, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> tuple[str, str]:
    """Everything the run writes: (stdout, the main report and Actions extras;
    stderr and the job summary)."""
    settings = Settings.model_validate(
        {
            "format": fmt,
            "verbose": True,
            "host_stats": True,
            "progress": False,
            "headers": [f"X-Key: {HEADER_SECRET}", f"Authorization: Bearer {TOKEN}"],
        }
    )
    summary_file = tmp_path / "summary.md"
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)}
    out = io.StringIO()
    with reporters(settings, out, environ=environ if actions else {}) as reporter:
        reporter.start(len(results()))
        for result in results():
            reporter.add(result)
        reporter.host_stats({"::warning::evil.test": HostStats(requests=2)})
        reporter.finish(SUMMARY)
    captured = capsys.readouterr()
    side = captured.err + (summary_file.read_text("utf-8") if summary_file.exists() else "")
    return out.getvalue() + captured.out, side


# --- what the runner and GitHub would do with the text ----------------------

_LINES = re.compile(r"\r\n|\r|\n")


def workflow_commands(text: str) -> list[str]:
    """Every line the Actions runner would take as a command (ActionCommand's
    TryParseV2, then TryParse), except urlcheck's own annotations."""
    found = []
    for line in _LINES.split(text):
        trimmed = line.lstrip()
        if trimmed.startswith("::") and "::" in trimmed[2:]:
            name, _, props = trimmed[2 : trimmed.index("::", 2)].partition(" ")
            ours = name in ("error", "warning") and "title=urlcheck%3A " in props
            if not ours:
                found.append(line)
        start = line.find("##[")
        if start >= 0 and "]" in line[start:]:
            found.append(line)
    return found


RAW_ESCAPES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def secrets_in(text: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in text.lower()]


def parse_data_format(fmt: Format, text: str) -> None:
    """Raises when ``text`` is not a well-formed document of ``fmt``."""
    match fmt:
        case Format.JSON | Format.SARIF:
            json.loads(text)
        case Format.JSONL:
            assert [json.loads(line) for line in text.splitlines()]
        case Format.CSV:
            rows = list(csv.DictReader(io.StringIO(text)))
            assert len(rows) == len(results())
            assert rows[2]["url"] == "'=cmd|' /C calc'!A0"  # never a formula
        case Format.JUNIT:
            ET.fromstring(text)
        case Format.HTML:
            HTMLParser().feed(text)
            # The results travel in one JSON block that nothing closed early.
            assert text.count("<script") == 2
            block = re.search(r'<script type="application/json" id="data">(.*?)</script>', text)
            assert block is not None
            assert len(json.loads(block.group(1))) == len(results())
        case Format.TEXT | Format.MARKDOWN | Format.GITHUB:
            pass


@pytest.mark.parametrize("actions", [True, False], ids=["in-actions", "elsewhere"])
@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_survives_hostile_urls_and_messages(
    fmt: Format, actions: bool, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report, side = render(fmt, actions, capsys, tmp_path)
    everything = report + side
    assert report.strip()
    parse_data_format(fmt, report)
    assert secrets_in(everything) == []
    assert RAW_ESCAPES.findall(everything) == []
    # Outside Actions nobody reads commands from the logs (text, csv, the host
    # table on stderr show the text as written); the other formats are always safe.
    if actions:
        assert workflow_commands(everything) == []
    elif fmt not in (Format.TEXT, Format.CSV):
        assert workflow_commands(report) == []
    if fmt in (Format.MARKDOWN, Format.GITHUB):
        assert "@someone" not in everything
    if actions:  # the job summary is Markdown too
        assert "@someone" not in side.split("## urlcheck", 1)[-1]


def test_the_masked_password_still_shows_where_it_was() -> None:
    """Masking keeps the URL readable: https://user:***@evil.test/…"""
    settings = Settings(format=Format.JSONL, progress=False, quiet=True)
    out = io.StringIO()
    with reporters(settings, out, environ={}) as reporter:
        reporter.add(results()[0])
        reporter.finish(SUMMARY)
    assert json.loads(out.getvalue())["url"].startswith("https://user:***@evil.test/a?t=")
