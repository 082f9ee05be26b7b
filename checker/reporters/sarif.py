"""sarif: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One ``result`` per place a failing link was read from, at its file, line and
(when known) column. Successes and exclusions are not results: SARIF lists
findings. The rule is the outcome refined by the error kind (``broken``,
``cancelled``, ``error/timeout``…); every possible rule is declared in the
tool's driver, whether or not this run hit it.

A link read from stdin or given on the command line has no file to point at,
and GitHub rejects a whole SARIF file if any result lacks a location, so
those occurrences are left out here (the other formats still carry them).
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from checker._version import __version__
from checker.models import ErrorKind, LateSources, Outcome, Result, Source, Summary
from checker.reporters.describe import CANCELLED, is_file, occurrences, reason, rule_id
from checker.reporters.interface import Kept, Reporter
from checker.reporters.neutral import json_safe

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

ERROR_KINDS: dict[ErrorKind, str] = {
    ErrorKind.INVALID_URL: "The link is not a well-formed URL.",
    ErrorKind.UNSUPPORTED_SCHEME: "The link's scheme is not http or https.",
    ErrorKind.DNS: "The link's host name did not resolve.",
    ErrorKind.CONNECT: "The TCP connection failed (refused or unreachable).",
    ErrorKind.TLS: "The TLS certificate or handshake failed.",
    ErrorKind.TIMEOUT: "No complete response came back within the timeout.",
    ErrorKind.DISCONNECTED: "The server closed or reset the connection.",
    ErrorKind.PROTOCOL: "The reply was not valid HTTP.",
    ErrorKind.TOO_MANY_REDIRECTS: "The link redirects too many times, or in a loop.",
    ErrorKind.BAD_REDIRECT: "The link redirects to a non-HTTP or malformed URL.",
    ErrorKind.MISSING_FILE: "The local file the link points to does not exist.",
    ErrorKind.MISSING_FRAGMENT: "The page or file exists, but the #anchor the link names does not.",
    ErrorKind.REDIRECTED: "The link redirects elsewhere, and no --allowed-redirect allows it.",
    ErrorKind.INTERNAL: "urlcheck met a bug while checking the link; please report it.",
}


def _rule(rule_id: str, text: str, level: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": level},
    }


RULES: list[dict[str, Any]] = [
    _rule("broken", "The link answered with a status that is not accepted.", "error"),
    _rule("cancelled", f"The link was {CANCELLED}.", "warning"),
    *(_rule(f"{Outcome.ERROR}/{kind}", text, "error") for kind, text in ERROR_KINDS.items()),
]
_RULE_INDEX = {rule["id"]: n for n, rule in enumerate(RULES)}


def artifact_uri(path: str) -> dict[str, str]:
    """A relative path stays relative to the checkout (``%SRCROOT%``), which is
    what code scanning expects; an absolute one becomes a ``file:`` URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(pure.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def sarif_result(result: Result, source: Source) -> dict[str, Any]:
    rule = rule_id(result)
    region = {"startLine": source.line}
    if source.column is not None:
        region["startColumn"] = source.column
    return {
        "ruleId": rule,
        "ruleIndex": _RULE_INDEX[rule],
        # A warning (--warn, --redirects warn) overrides its rule's level.
        "level": "warning"
        if result.warning is not None
        else RULES[_RULE_INDEX[rule]]["defaultConfiguration"]["level"],
        "message": {"text": f"{result.url} — {reason(result)}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_uri(source.path),
                    "region": region,
                }
            }
        ],
        "properties": {
            "url": result.url,
            "outcome": str(result.outcome),
            "status": result.status,
            **({"warning": result.warning} if result.warning is not None else {}),
        },
    }


def document(failures: list[Result]) -> dict[str, Any]:
    driver = {
        "name": "urlcheck",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": RULES,
    }
    results = [sarif_result(r, source) for source, r in occurrences(failures) if is_file(source)]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }


class SarifReporter(Reporter):
    """Keeps only the failures until the end; SARIF is one JSON document."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._failures: list[Result] = []
        self._kept = Kept()  # for places found late (--crawl)

    def add(self, result: Result) -> None:
        if result.outcome.failed:
            self._failures.append(self._kept.keep(result))

    def late_sources(self, late: LateSources) -> None:
        self._kept.late(late)

    def finish(self, summary: Summary) -> None:
        text = json.dumps(document(self._failures), indent=2, ensure_ascii=False)
        self._out.write(json_safe(text) + "\n")
        self._out.flush()
