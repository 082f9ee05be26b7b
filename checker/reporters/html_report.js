"use strict";
// Renders the results table from the JSON block: sort by any column, filter by
// text and outcome. Data reaches the page only through textContent.
(() => {
  // Row layout (html.py): url, outcome, status, reason, elapsed_ms, attempts, sources, final_url,
  // mark (new/known/flaky), new (0/1), timeline (".x.." oldest first)
  const SEVERITY = { error: 0, broken: 1, cancelled: 2, excluded: 3, ok: 4 };
  const NUMERIC = new Set([2, 4, 5]);
  const PAGE = 500; // rows added per "Show more": the DOM stays light on huge runs

  const rows = JSON.parse(document.getElementById("data").textContent).map((r) => ({
    r,
    text: [r[0], r[2] ?? "", r[3], r[6], r[7] ?? ""].join(" ").toLowerCase(),
  }));
  const tbody = document.querySelector("#results tbody");
  const headers = [...document.querySelectorAll("#results th")];
  const filter = document.getElementById("filter");
  const outcome = document.getElementById("outcome");
  const shown = document.getElementById("shown");
  const more = document.getElementById("more");
  const cards = [...document.querySelectorAll("button.card[data-outcome]")];
  const newOnly = document.getElementById("new-only"); // only with --cache

  // Worst first by default, so failures are what one sees on opening.
  let sortCol = 1;
  let sortDir = 1;
  let limit = PAGE;
  let view = [];

  const ms = (v) => (v == null ? "" : v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1));
  const key = (row, col) => (col === 1 ? SEVERITY[row[1]] : row[col]);

  function compare(a, b) {
    const x = key(a.r, sortCol);
    const y = key(b.r, sortCol);
    // Missing values (no status, never timed) sort last whichever the direction.
    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
    if (x !== y) {
      const c = NUMERIC.has(sortCol) || sortCol === 1 ? x - y : x < y ? -1 : 1;
      return c * sortDir;
    }
    return a.r[0] < b.r[0] ? -1 : a.r[0] > b.r[0] ? 1 : 0;
  }

  function cell(tr, text) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  // The store's recent checks of a URL, oldest first: one small block each.
  function timeline(marks) {
    const line = document.createElement("span");
    line.className = "timeline";
    line.title = "recent checks, oldest first";
    for (const m of marks) {
      const tick = document.createElement("span");
      tick.className = m === "." ? "tick ok" : "tick failed";
      line.appendChild(tick);
    }
    return line;
  }

  function render() {
    const frag = document.createDocumentFragment();
    for (const { r } of view.slice(0, limit)) {
      const tr = document.createElement("tr");
      tr.className = r[1];
      const url = cell(tr, "");
      if (/^https?:\/\//i.test(r[0])) {
        const a = document.createElement("a");
        a.href = r[0];
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
        a.textContent = r[0];
        url.appendChild(a);
      } else {
        url.textContent = r[0];
      }
      const badge = document.createElement("span");
      badge.className = "badge " + r[1];
      badge.textContent = r[1];
      cell(tr, "").appendChild(badge);
      cell(tr, r[2] ?? "");
      const reason = cell(tr, r[3]);
      if (r[7] && r[7] !== r[0]) reason.title = "final URL: " + r[7];
      if (r[10]) reason.appendChild(timeline(r[10]));
      cell(tr, ms(r[4]));
      cell(tr, r[5]);
      cell(tr, r[6]);
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    const n = Math.min(limit, view.length);
    shown.textContent = `${n} of ${view.length} shown` +
      (view.length === rows.length ? "" : ` (${rows.length} in all)`);
    more.hidden = view.length <= limit;
  }

  function update() {
    const q = filter.value.trim().toLowerCase();
    const o = outcome.value;
    const fresh = newOnly !== null && newOnly.checked;
    view = rows.filter((x) => (!o || x.r[1] === o) && (!q || x.text.includes(q)) &&
      (!fresh || x.r[9] === 1));
    view.sort(compare);
    for (const th of headers) {
      const col = Number(th.dataset.col);
      th.setAttribute("aria-sort",
        col === sortCol ? (sortDir > 0 ? "ascending" : "descending") : "none");
    }
    for (const c of cards) c.setAttribute("aria-pressed", String(c.dataset.outcome === o));
    render();
  }

  for (const th of headers) {
    th.querySelector("button").addEventListener("click", () => {
      const col = Number(th.dataset.col);
      sortDir = col === sortCol ? -sortDir : 1;
      sortCol = col;
      limit = PAGE;
      update();
    });
  }
  for (const c of cards) {
    c.addEventListener("click", () => {
      outcome.value = outcome.value === c.dataset.outcome ? "" : c.dataset.outcome;
      limit = PAGE;
      update();
    });
  }
  filter.addEventListener("input", () => { limit = PAGE; update(); });
  outcome.addEventListener("change", () => { limit = PAGE; update(); });
  if (newOnly) newOnly.addEventListener("change", () => { limit = PAGE; update(); });
  more.addEventListener("click", () => { limit += PAGE; render(); });
  update();
})();
