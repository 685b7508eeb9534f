"""The trainer's batch report (one self-contained HTML file: counts, trend, agents, teams, rules,
repeated lines and the replies behind them) and a batch summary's notebook view. Importing this
module registers that view (see models.html_view)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from html import escape

from .models import Finding, Report, html_view
from .render_html import BOX, STYLE, colour_of, highlighted, severity_badge
from .summary import BatchSummary, Example, GroupStats

__all__ = ["batch_report_html", "summary_html"]


def summary_html(summary: BatchSummary) -> str:
    """A batch summary for a notebook: the counts, what it lacks and why, and a row per group."""
    gaps = "".join(f'<p style="color:#7c2d12">Note: {escape(g)}</p>' for g in summary.gaps().values())
    rows = [(r["level"], r["name"], r["replies"], r["mean_score"], r["findings_per_100_words"],
             "" if r["reuse_rate"] is None else r["reuse_rate"]) for r in summary.rows()]
    table = _plain_table(("level", "name", "replies", "mean score", "findings / 100 words", "reuse rate"), rows)
    return (f'<div class="rc-summary" style="{BOX}"><p>{escape(summary.line())}</p>{gaps}'
            + (table if rows else "") + "</div>")


def _plain_table(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    cell = "border:1px solid #ccc;padding:.15rem .5rem;text-align:left"
    head = "".join(f'<th style="{cell}">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="{cell}">{escape(str(v))}</td>' for v in row) + "</tr>"
                   for row in rows)
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


# --- the batch report -----------------------------------------------------------------------

DRILL_DOWN_AGENTS = 60  # agents with a drill-down section (those with most replies): keeps the file small

REPORT_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;padding:1rem 2rem;color:#111;background:#fff;max-width:80rem}
nav a{margin-right:1rem} h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;
vertical-align:top} td.rc-wrap{overflow-wrap:anywhere} th button{font:inherit;font-weight:bold;background:none;border:0;
padding:0;cursor:pointer;color:#1d4ed8;text-align:left} th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"} .rc-num{text-align:right;font-variant-numeric:tabular-nums}
.rc-note{border-left:4px solid #b45309;background:#fffbeb;padding:.5rem .75rem;margin:.5rem 0}
.rc-chart{max-width:100%;height:auto;display:block}
.rc-reply{border:1px solid #ddd;border-radius:8px;padding:.5rem .75rem;margin:.75rem 0}
.rc-reply:target{outline:3px solid #1d4ed8}
.rc-pair{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:.75rem}
.rc-pair>div{min-width:0} .rc-customer{white-space:pre-wrap;background:#f3f4f6;border-radius:6px;padding:.75rem;
overflow-wrap:anywhere} .rc-text{overflow-wrap:anywhere}
.rc-groups{margin:.5rem 0;padding-left:1.2rem} .rc-groups ul{padding-left:1rem;margin:0}
.rc-label{font-size:.85em;color:#444;margin:0}
@media (max-width:900px){.rc-pair{grid-template-columns:minmax(0,1fr)}}
"""

# Sorting is the only script, and only an aid: every table reads in full without it.
SORT_SCRIPT = """
document.querySelectorAll("table.rc-sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, column) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[column], value = cell.getAttribute("data-sort");
        return value === null ? cell.textContent.toLowerCase() : parseFloat(value);
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _bars(values: dict[str, float], *, maximum: float, width: int = 360, unit: str = "",
          label_width: int = 110, colour: Callable[[str], str] | None = None) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no fonts to fetch)."""
    row = 22
    height = row * max(1, len(values)) + 4
    total = label_width + width + 90
    colour = colour or colour_of
    parts = [f'<svg class="rc-chart" role="img" width="{total}" height="{height}" viewBox="0 0 {total} {height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(values.items()):
        y = i * row + 2
        length = 0 if maximum <= 0 else int(width * value / maximum)
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="15" fill="{colour(label)}">'
                     f"<title>{escape(label)}: {value:g}{unit}</title></rect>"
                     f'<text x="{label_width + 5 + length}" y="{y + 15}" font-size="12">{value:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _trend(weekly: list[tuple[str, int, float]]) -> str:
    """Mean score per week as an inline SVG line chart, each point titled with its week, mean and count."""
    width, height, left, bottom, top = 720, 220, 36, 40, 10
    step = (width - left - 50) / max(1, len(weekly) - 1)
    points = [(left + i * step if len(weekly) > 1 else left + (width - left) / 2,
               top + (100 - mean) * (height - top - bottom) / 100, week, n, mean)
              for i, (week, n, mean) in enumerate(weekly)]
    grid = "".join(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
                   f'<text x="0" y="{y + 4:.1f}" font-size="11">{v}</text>'
                   for v in (0, 25, 50, 75, 100) for y in [top + (100 - v) * (height - top - bottom) / 100])
    every = max(1, len(points) // 8)  # at most about eight week labels, so they never collide
    labels = "".join(f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle">'
                     f"{escape(week)}</text>" for i, (x, _, week, _, _) in enumerate(points) if i % every == 0)
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, *_ in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1d4ed8"><title>{escape(week)}: mean '
                   f"{mean} over {n} replies</title></circle>" for x, y, week, n, mean in points)
    return (f'<svg class="rc-chart rc-trend" role="img" aria-label="mean score per week" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{grid}'
            f'<polyline points="{line}" fill="none" stroke="#1d4ed8" stroke-width="2"/>{dots}{labels}</svg>')


def _anchor(*parts: str) -> str:
    """An HTML id for any text: readable where it can be, unique by a short hash."""
    joined = "-".join(parts)
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", joined).strip("-")[:40]
    return f"{readable}-{hashlib.sha1(joined.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _grouped(report: Report) -> str:
    """The findings, one item per span: a span two rules flag reads once, with both rules under it.
    Most severe span first; a missing line (an empty span) is its own item."""
    groups: dict[tuple[int, int], list[Finding]] = {}
    for f in report.findings:
        groups.setdefault((f.start, f.end), []).append(f)
    ordered = sorted(groups.items(), key=lambda kv: (min(f.severity.rank for f in kv[1]), kv[0]))
    items = []
    for (start, end), findings in ordered:
        head = f"<q>{escape(report.text[start:end])}</q>" if end > start else "<i>missing</i>"
        rules = "".join(f"<li>{severity_badge(f.severity.value)} <b style=\"color:{colour_of(f.category)}\">"
                        f"{escape(f.rule)}</b> {escape(f.message)}"
                        + "".join(f"<br>→ {escape(s)}" for s in f.suggestions[:1]) + "</li>"
                        for f in sorted(findings, key=lambda f: f.severity.rank))
        items.append(f"<li>{head}<ul>{rules}</ul></li>")
    return f'<ol class="rc-groups">{"".join(items)}</ol>' if items else "<p>No findings.</p>"


def _reply_card(example: Example, anchor: str, *, agent: str | None) -> str:
    report = Report.model_validate(example.report)
    customer = (f'<div class="rc-customer">{escape(example.customer)}</div>' if example.customer
                else '<p class="rc-label">No customer message in the data.</p>')
    who = f" · {escape(agent)}" if agent else ""
    return (f'<article class="rc-reply" id="{anchor}"><h4><a href="#{anchor}">{escape(example.id)}</a>{who} · '
            f"score {report.score}{'' if report.passed else ' (did not pass)'}</h4>"
            f'<div class="rc-pair"><div><p class="rc-label">Customer</p>{customer}</div>'
            f'<div><p class="rc-label">Reply</p><div class="rc-text">{highlighted(report)}</div></div></div>'
            f"{_grouped(report)}</article>")


def _sortable(caption: str, headers: list[tuple[str, bool]], rows: list[list[tuple[str, float | None]]]) -> str:
    """A table whose headers sort it (script) and that reads in full without one. A cell is (html,
    numeric sort key or None for text); headers are (label, numeric)."""
    numeric_class = ' class="rc-num"'
    head = "".join(f'<th scope="col"{numeric_class if numeric else ""}><button type="button">'
                   f"{escape(label)}</button></th>" for label, numeric in headers)
    body = "".join("<tr>" + "".join(
        f'<td class="rc-num" data-sort="{key}">{html}</td>' if key is not None else f'<td class="rc-wrap">{html}</td>'
        for html, key in row) + "</tr>" for row in rows)
    return (f'<table class="rc-sortable"><caption class="rc-label">{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _group_rows(summary: BatchSummary, level: str, groups: dict[str, GroupStats],
                drilled: set[str]) -> list[list[tuple[str, float | None]]]:
    reuse = summary.reuse.summary() if level == "agent" else {}
    rows = []
    for name, stats in sorted(groups.items()):
        row = stats.row()
        link = (f'<a href="#{_anchor("agent", name)}">{escape(name)}</a>' if name in drilled else escape(name))
        weakest = min(stats.category_sums, key=lambda c: stats.category_sums[c]) if stats.replies else ""
        rate = reuse.get(name, {}).get("reuse_rate")
        worst = ", ".join(f'<a href="#{_anchor("agent", name, e.id)}">{escape(e.id)}</a>' if name in drilled
                          else escape(e.id) for e in stats.worst)
        rows.append([(link, None), (str(stats.replies), stats.replies), (f"{stats.mean_score}", stats.mean_score),
                     (escape(weakest), None),
                     (f"{row['findings_per_100_words']}", row["findings_per_100_words"]),
                     *([(f"{rate:.0%}" if rate is not None else "", rate if rate is not None else -1)]
                       if level == "agent" else []),
                     (escape(", ".join(f"{r} ({n})" for r, n in stats.rules.most_common(3))), None),
                     (worst, None)])
    return rows


def _drill_down(name: str, stats: GroupStats) -> str:
    shown = {e.id for e in stats.worst}
    best = [e for e in stats.best if e.id not in shown]
    weekly = ", ".join(f"{w}: {m} ({n})" for w, n, m in stats.weekly())
    cards = "".join(_reply_card(e, _anchor("agent", name, e.id), agent=None) for e in stats.worst)
    best_cards = "".join(_reply_card(e, _anchor("agent", name, e.id), agent=None) for e in best)
    return (f'<section class="rc-agent" id="{_anchor("agent", name)}"><h3>{escape(name)}</h3>'
            f"<p>{stats.replies} replies, mean score {stats.mean_score}, "
            f"{stats.row()['findings_per_100_words']} findings per 100 words"
            + (f"; weekly mean (replies): {escape(weekly)}" if weekly else "") + "</p>"
            f"<h4>Lowest-scoring replies</h4>{cards}"
            + (f"<h4>Highest-scoring replies</h4>{best_cards}" if best_cards else "") + "</section>")


def batch_report_html(summary: BatchSummary, *, title: str = "replycoach batch report") -> str:
    """The trainer's report: overview (and what the data lacks), weekly trend, score and rule
    distributions, a sortable agent table, per-agent drill-down (worst and best replies beside the
    customer's message, findings grouped by span), the lowest-scoring replies, repeated lines.

    One self-contained file: inline CSS and SVG, no fonts or anything else from a network; its one
    inline script only sorts tables."""
    overall = summary.overall
    gaps = summary.gaps()
    notes = "".join(f'<p class="rc-note">{escape(g)}</p>' for g in gaps.values())
    overview = (f"<p><b>{summary.read}</b> records read: <b>{summary.scored}</b> scored, "
                f"<b>{summary.failed}</b> failed, <b>{summary.skipped}</b> skipped.")
    if summary.errors:
        overview += " Errors: " + escape(", ".join(f"{c} {n}" for c, n in summary.errors.most_common())) + "."
    if overall.replies:
        overview += f" Mean score <b>{overall.mean_score}</b> over {overall.replies} agent replies."
    overview += "</p>"
    bins = {f"{b * 10}-{b * 10 + 9 if b < 9 else 100}": float(summary.score_bins.get(b, 0)) for b in range(10)}
    n = max(1, overall.replies)
    categories = {c: round(v / n, 1) for c, v in overall.category_sums.items()} if overall.replies else {}
    top_rules = dict(overall.rules.most_common(15))
    rules = (_bars({r: float(c) for r, c in top_rules.items()}, maximum=max(top_rules.values()), label_width=230,
                   colour=lambda rule: colour_of(rule.split(".")[0]))
             + (f'<p class="rc-label">The 15 most frequent of {len(overall.rules)} rules.</p>'
                if len(overall.rules) > 15 else "")
             if top_rules else "<p>No findings.</p>")
    # An empty section says why: the gap that emptied it, or the one that emptied everything (no agent turns).
    def empty(key: str, default: str) -> str:
        return f'<p class="rc-note">{escape(gaps.get(key) or gaps.get("roles") or default)}</p>'

    weekly = overall.weekly()
    trend = _trend(weekly) if weekly else empty("time", "No weekly data.")
    drilled_names = sorted(summary.agents, key=lambda a: (-summary.agents[a].replies, a))[:DRILL_DOWN_AGENTS]
    drilled = set(drilled_names)
    heads = [("agent", False), ("replies", True), ("mean score", True), ("weakest category", False),
             ("findings / 100 words", True), ("reuse rate", True), ("top rules", False), ("lowest-scoring", False)]
    agents = (_sortable("Click a header to sort. Each agent links to their replies below.", heads,
                        _group_rows(summary, "agent", summary.agents, drilled))
              if summary.agents else empty("agent", "No agents."))
    teams = (_sortable("Teams", [("team", False), *[h for h in heads[1:] if h[0] != "reuse rate"]],
                       _group_rows(summary, "team", summary.teams, set())) if summary.teams else "")
    more = (f'<p class="rc-label">Drill-down for the {DRILL_DOWN_AGENTS} agents with most replies, of '
            f"{len(summary.agents)}.</p>" if len(summary.agents) > DRILL_DOWN_AGENTS else "")
    drill = "".join(_drill_down(a, summary.agents[a]) for a in drilled_names)
    reuse = summary.reuse.summary()
    repeated_rows = [[(f'<a href="#{_anchor("agent", agent)}">{escape(agent)}</a>' if agent in drilled
                       else escape(agent), None), (str(line["count"]), line["count"]), (escape(line["text"]), None)]
                     for agent, data in sorted(reuse.items(), key=lambda kv: -kv[1]["reuse_rate"])
                     for line in data["top"][:3]]
    repeated = (_sortable("Lines an agent used in three or more replies.", [("agent", False), ("times", True),
                                                                           ("line", False)], repeated_rows)
                if repeated_rows else empty("agent", "No agent used a line in three or more replies."))
    lowest = "".join(_reply_card(e, _anchor("low", e.id), agent=None) for e in summary.worst)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}{REPORT_STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<nav><a href="#overview">Overview</a><a href="#trend">Trend</a><a href="#charts">Scores</a><a href="#rules">Rules</a>
<a href="#agents">Agents</a><a href="#drilldown">Agent drill-down</a><a href="#examples">Lowest-scoring</a>
<a href="#repeated">Repeated lines</a></nav>
<section id="overview"><h2>Overview</h2>{overview}{notes}</section>
<section id="trend"><h2>Weekly trend</h2>{trend}</section>
<section id="charts"><h2>Scores</h2>
<h3>Score distribution (replies)</h3>{_bars(bins, maximum=max(bins.values() or [0]))}
<h3>Mean score by category</h3>{_bars(categories, maximum=100) if categories else "<p>No replies scored.</p>"}</section>
<section id="rules"><h2>Rules: how often each fired</h2>{rules}</section>
<section id="agents"><h2>Agents and teams</h2>{agents}{teams}</section>
<section id="drilldown"><h2>Agent drill-down</h2>{more}{drill or "<p>No agents to show.</p>"}</section>
<section id="examples"><h2>Lowest-scoring replies</h2>{lowest or "<p>No reply had findings.</p>"}</section>
<section id="repeated"><h2>Repeated lines</h2>{repeated}</section>
<script>{SORT_SCRIPT}</script>
</body></html>
"""


html_view.register(BatchSummary)(summary_html)
