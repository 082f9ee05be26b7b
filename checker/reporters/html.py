"""html: one self-contained page to open in a browser or keep as a CI artifact.

Summary cards, a chart of outcomes, a latency histogram, a sortable and
filterable results table, and a per-host table. Everything is inline (no
CDN, no fonts, no images) and a Content-Security-Policy forbids any fetch,
so the page works offline and cannot call home.

URLs are hostile input. Text the page is built from is HTML-escaped here;
the results travel as JSON in a ``<script type="application/json">`` block
(``<``, ``>`` and ``&`` written as ``\\u`` escapes so it cannot close its
element) and reach the table through ``textContent``, never ``innerHTML``.
The CSP admits only the page's own script and style, by hash, so even a
mistake in that escaping could not run injected code. ``##[`` is written with
a character reference (``\u0023`` in the JSON), so the page printed in a
GitHub Actions log starts no workflow command.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from html import escape as _html_escape
from importlib import resources
from typing import Any, TextIO

from checker._version import __version__
from checker.hoststats import HostStats, HostTable
from checker.models import LateSources, Outcome, Result, Source, Summary
from checker.reporters.describe import reason
from checker.reporters.health import is_new, note
from checker.reporters.interface import Reporter, ReportOptions
from checker.reporters.neutral import json_safe, xml_safe
from checker.reporters.plain import escape as printable
from checker.reporters.stats import latency_histogram
from checker.reporters.timeline import marks

_STYLE = resources.files("checker.reporters").joinpath("html_report.css").read_text("utf-8")
_SCRIPT = resources.files("checker.reporters").joinpath("html_report.js").read_text("utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


_CSP = (
    "default-src 'none'; "
    f"style-src {_sha256(_STYLE)}; script-src {_sha256(_SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)

# Hosts beyond this are summed into one row: a table of 100k hosts helps nobody.
MAX_HOST_ROWS = 200

# Column order of each row in the JSON block; html_report.js reads the same order.
# url, outcome, status, reason, elapsed_ms, attempts, sources, final_url,
# then with --cache: the store's mark (new, known, flaky), new (0/1), the timeline
_Row = list[Any]


def esc(text: object) -> str:
    """Printable and HTML-escaped: no markup, and no bidi or control
    character that could make a URL look like another."""
    return _html_escape(printable(str(text)), quote=True)


def _json_for_script(value: object) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    text = json_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _places(sources: Iterable[Source]) -> str:
    return ", ".join(
        f"{s.path}:{s.line}" + (f":{s.column}" if s.column is not None else "") for s in sources
    )


def _row(result: Result) -> _Row:
    sources = _places(result.sources)
    return [
        printable(result.url),
        str(result.outcome),
        result.status,
        printable(reason(result)),
        None if result.elapsed_ms is None else round(result.elapsed_ms, 1),
        result.attempts,
        printable(sources),
        None if result.final_url is None else printable(result.final_url),
        note(result),
        int(is_new(result)),
        None,  # the timeline, filled in from the store at the end
    ]


def _cards(summary: Summary) -> str:
    cards = [
        f'<div class="card total"><span class="n">{summary.total:,}</span>'
        '<span class="label">links</span></div>'
    ]
    for outcome in Outcome:
        count = getattr(summary, outcome.value)
        cards.append(
            f'<button type="button" class="card {outcome}" data-outcome="{outcome}" '
            f'title="Show only {outcome}"><span class="n">{count:,}</span>'
            f'<span class="label">{outcome}</span></button>'
        )
    cards.append(
        f'<div class="card duration"><span class="n">{summary.duration_s:.2f} s</span>'
        f'<span class="label">{esc(summary.strategy)}</span></div>'
    )
    return '<section class="cards" aria-label="Summary">' + "".join(cards) + "</section>"


def _outcome_chart(summary: Summary) -> str:
    """Horizontal bars, one per outcome, as inline SVG (no script needed)."""
    width, label_w, row_h = 360, 80, 26
    top = max((getattr(summary, o.value) for o in Outcome), default=0) or 1
    rows = []
    for i, outcome in enumerate(Outcome):
        count = getattr(summary, outcome.value)
        y = i * row_h
        bar = (width - label_w - 60) * count / top
        rows.append(
            f'<g class="{outcome}"><text x="0" y="{y + 17}">{outcome}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="18" rx="3"/>'
            f'<text class="count" x="{label_w + bar + 6:.1f}" y="{y + 17}">{count:,}</text></g>'
        )
    height = len(Outcome) * row_h
    return (
        f'<svg id="outcome-chart" role="img" aria-label="Results by outcome" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        + "".join(rows)
        + "</svg>"
    )


def _latency_chart(elapsed: list[float]) -> str:
    """Vertical bars, one per latency bucket, as inline SVG."""
    buckets = latency_histogram(elapsed)
    if not elapsed:
        return '<p class="empty">No request was timed.</p>'
    bar_w, gap, plot_h, label_h = 52, 6, 120, 34
    top = max(count for _, count in buckets) or 1
    parts = []
    for i, (label, count) in enumerate(buckets):
        x = i * (bar_w + gap)
        h = plot_h * count / top
        parts.append(
            f"<g><title>{esc(label)}: {count:,}</title>"
            f'<rect x="{x}" y="{plot_h - h + 14:.1f}" width="{bar_w}" height="{h:.1f}" rx="2"/>'
            f'<text class="count" x="{x + bar_w / 2}" y="{plot_h - h + 10:.1f}">'
            f"{count if count else ''}</text>"
            f'<text class="tick" x="{x + bar_w / 2}" y="{plot_h + 28}">'
            f"{esc(label)}</text></g>"
        )
    width = len(buckets) * (bar_w + gap)
    height = plot_h + label_h
    return (
        f'<svg id="latency-chart" role="img" aria-label="Latency histogram" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        + "".join(parts)
        + "</svg>"
    )


def _hosts_table(hosts: HostTable) -> str:
    figures = hosts.ordered()
    rows = [
        f"<tr><td>{esc(host)}</td><td>{f.urls:,}</td><td>{f.ok:,}</td>"
        f'<td class="{"bad" if f.failed else ""}">{f.failed:,}</td>'
        f"<td>{_ms(f.mean_ms)}</td><td>{_ms(f.max_ms if f.timed else None)}</td></tr>"
        for host, f in figures[:MAX_HOST_ROWS]
    ]
    rest = [f for _, f in figures[MAX_HOST_ROWS:]]
    if rest:
        rows.append(
            f'<tr class="rest"><td>{len(rest):,} more hosts</td>'
            f"<td>{sum(f.urls for f in rest):,}</td><td>{sum(f.ok for f in rest):,}</td>"
            f"<td>{sum(f.failed for f in rest):,}</td><td></td><td></td></tr>"
        )
    return (
        '<table id="hosts"><thead><tr><th>host</th><th>URLs</th><th>ok</th><th>failed</th>'
        "<th>mean ms</th><th>max ms</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


_COLUMNS = (
    ("url", "URL"),
    ("outcome", "outcome"),
    ("status", "status"),
    ("reason", "reason"),
    ("elapsed", "ms"),
    ("attempts", "tries"),
    ("sources", "found in"),
)


def render(summary: Summary, rows: list[_Row], hosts: HostTable) -> str:
    """The page; the JSON block is made safe first, so the character
    references touch only HTML text."""
    return xml_safe(_page(summary, rows, hosts))


def _page(summary: Summary, rows: list[_Row], hosts: HostTable) -> str:
    failed, warned = summary.failing, summary.warnings  # a warning is listed, not failed
    title = (
        f"urlcheck: {failed:,} of {summary.total:,} links failed"
        if failed or warned
        else f"urlcheck: all {summary.total:,} links ok"
    )
    title += f", {warned:,} warning{'' if warned == 1 else 's'}" if warned else ""
    options = "".join(f'<option value="{o}">{o}</option>' for o in Outcome)
    headers = "".join(
        f'<th data-col="{i}" aria-sort="none"><button type="button">{label}</button></th>'
        for i, (_, label) in enumerate(_COLUMNS)
    )
    elapsed = [row[4] for row in rows if row[4] is not None]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="urlcheck {esc(__version__)}">
<title>{esc(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header><h1>{esc(title)}</h1>
<p class="meta">urlcheck {esc(__version__)} · strategy {esc(summary.strategy)} · \
{summary.duration_s:.2f} s</p></header>
{_cards(summary)}
<section class="charts">
<figure><figcaption>Outcomes</figcaption>{_outcome_chart(summary)}</figure>
<figure><figcaption>Latency (ms, last attempt)</figcaption>{_latency_chart(elapsed)}</figure>
</section>
<section>
<h2>Results</h2>
<div class="controls">
<input type="search" id="filter" placeholder="Filter: URL, reason, status or file" \
aria-label="Filter results">
<select id="outcome" aria-label="Outcome"><option value="">all outcomes</option>{options}</select>
{_new_filter(rows)}
<span id="shown" aria-live="polite"></span>
</div>
<table id="results"><thead><tr>{headers}</tr></thead><tbody></tbody></table>
<button type="button" id="more" hidden>Show more</button>
<noscript><p>The results table needs JavaScript; the JSON report has the same data.</p></noscript>
</section>
<section>
<h2>Hosts</h2>
{_hosts_table(hosts)}
</section>
<script type="application/json" id="data">{_json_for_script(rows)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _new_filter(rows: list[_Row]) -> str:
    """With the store's health: a filter for the failures new since the last run."""
    if not any(row[8] is not None or row[10] is not None for row in rows):
        return ""
    return '<label><input type="checkbox" id="new-only"> new since last run</label>'


class HtmlReporter(Reporter):
    """Keeps one small row per result: the page needs them all, sorted and filtered."""

    def __init__(self, out: TextIO, options: ReportOptions | None = None) -> None:
        self._out = out
        self._store = None if options is None else options.store
        self._rows: list[_Row] = []
        self._at: dict[int, int] = {}  # a result's row, by its index: for places found late
        self._hosts = HostTable()

    def add(self, result: Result) -> None:
        self._at[result.index] = len(self._rows)
        self._rows.append(_row(result))
        self._hosts.add(result)

    def late_sources(self, late: LateSources) -> None:
        """``--crawl``: places found after the result came join its row."""
        at = self._at.get(late.index)
        if at is not None:
            row = self._rows[at]
            row[6] = ", ".join(p for p in (row[6], printable(_places(late.sources))) if p)

    def host_stats(self, hosts: Mapping[str, HostStats]) -> None:
        self._hosts.merge(hosts)  # the busiest hosts by requests come first

    def finish(self, summary: Summary) -> None:
        if self._store is not None:  # each URL's recent checks, this run's included
            found = marks(self._store, (row[0] for row in self._rows))
            for row in self._rows:
                row[10] = found.get(row[0])
        self._out.write(render(summary, self._rows, self._hosts))
        self._out.flush()
