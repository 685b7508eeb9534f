"""One renderer for highlighted findings as HTML: the batch report, the web page and notebooks
(`Report._repr_html_`) all show a report the same way. Self-contained: inline styles, no scripts
from anywhere else."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .models import ConversationReport, Report

if TYPE_CHECKING:
    from .batch import BatchSummary
    from .rewrite import Rewrite

__all__ = ["CATEGORY_COLOURS", "STYLE", "batch_report_html", "conversation_html", "highlighted", "report_html",
           "rewrite_html", "summary_html"]

# All at least 4.5:1 on white (WCAG AA), as they are also used for text.
CATEGORY_COLOURS = {"jargon": "#6d28d9", "readability": "#1d4ed8", "canned": "#b45309", "empathy": "#be185d",
                    "gratitude": "#047857", "tone": "#b91c1c", "ownership": "#0e7490"}

STYLE = """
.rc-report{font:15px/1.5 system-ui,sans-serif;color:#111;max-width:60rem}
.rc-text{white-space:pre-wrap;border:1px solid #ccc;border-radius:6px;padding:.75rem;background:#fff}
.rc-mark{border-bottom:3px solid var(--c);background:color-mix(in srgb,var(--c) 12%,white);cursor:help}
.rc-scores{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.rc-score{border:1px solid #ccc;border-radius:4px;padding:.1rem .5rem}
.rc-findings li{margin:.25rem 0}.rc-why{color:#444}
"""


def _colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, "#4b5563")


def highlighted(report: Report) -> str:
    """The report's text with each finding's span marked. A sentence-wide finding contains the
    word-level ones inside it (nested marks); a span that only partly overlaps another is left
    unmarked (it is still in the findings list)."""
    text, out, pos = report.text, [], 0
    open_ends: list[int] = []

    def close_until(limit: int) -> None:
        nonlocal pos
        while open_ends and open_ends[-1] <= limit:
            end = open_ends.pop()
            out.append(escape(text[pos:end]) + "</mark>")
            pos = end

    for f in sorted(report.findings, key=lambda f: (f.start, -f.end)):
        if f.end <= f.start:
            continue
        close_until(f.start)
        if open_ends and f.end > open_ends[-1]:
            continue
        out.append(escape(text[pos:f.start]))
        pos = f.start
        title = f"{f.rule}: {f.message}"
        out.append(f'<mark class="rc-mark" style="--c:{_colour(f.category)}" data-rule="{escape(f.rule)}" '
                   f'data-category="{escape(f.category)}" data-start="{f.start}" data-end="{f.end}" '
                   f'title="{escape(title)}" tabindex="0">')
        open_ends.append(f.end)
    close_until(len(text))
    out.append(escape(text[pos:]))
    return "".join(out)


def report_html(report: Report, *, with_style: bool = True, severities: bool = False) -> str:
    """A report as an HTML fragment: scores, highlighted text, findings with why and suggestions
    (each led by its severity, most severe first, when `severities`: the notebook view)."""
    if severities:
        return _notebook_report(report, with_style=with_style)
    scores = "".join(f'<span class="rc-score" style="border-color:{_colour(c)}">{escape(c)} {v}</span>'
                     for c, v in report.categories.items())
    items = "".join(
        f'<li><b style="color:{_colour(f.category)}">{escape(f.category)}</b> {escape(f.message)}'
        f' <span class="rc-why">({escape(f.why)})</span>'
        + ("".join(f"<br>→ {escape(s)}" for s in f.suggestions[:2])) + "</li>"
        for f in report.findings)
    verdict = "passed" if report.passed else "did not pass"
    style = f"<style>{STYLE}</style>" if with_style else ""
    return (f'{style}<div class="rc-report"><div class="rc-scores"><b>score {report.score}</b> ({verdict})'
            f"{scores}</div><div class=\"rc-text\">{highlighted(report)}</div>"
            f'<ul class="rc-findings">{items}</ul></div>')


# --- notebooks (_repr_html_): inline styles only, as notebook front ends may drop <style> -------

# Text and background pairs at least 4.5:1 (WCAG AA).
SEVERITY_COLOURS = {"error": ("#fff", "#b91c1c"), "warning": ("#111", "#fcd34d"), "suggestion": ("#fff", "#1d4ed8")}
_BOX = "font:14px/1.5 system-ui,sans-serif;color:#111;background:#fff;max-width:60rem"
_TEXT = "white-space:pre-wrap;border:1px solid #ccc;border-radius:6px;padding:.5rem .75rem;margin:.25rem 0"


def _severity(value: str) -> str:
    fg, bg = SEVERITY_COLOURS.get(value, ("#fff", "#4b5563"))
    return (f'<span class="rc-severity" style="color:{fg};background:{bg};border-radius:3px;'
            f'padding:0 .3rem;font-size:.85em">{escape(value)}</span>')


def _notebook_report(report: Report, *, with_style: bool) -> str:
    scores = " · ".join(f'<span style="color:{_colour(c)}">{escape(c)} {v}</span>'
                        for c, v in report.categories.items())
    verdict = "passed" if report.passed else "did not pass"
    ordered = sorted(report.findings, key=lambda f: (f.severity.rank, f.start))
    items = "".join(
        f"<li>{_severity(f.severity.value)} <b style=\"color:{_colour(f.category)}\">{escape(f.rule)}</b> "
        + (f"<q>{escape(f.text)}</q> " if f.text else "")
        + f"{escape(f.message)} <span style=\"color:#444\">({escape(f.why)})</span>"
        + "".join(f"<br>→ {escape(s)}" for s in f.suggestions[:2]) + "</li>" for f in ordered)
    style = f"<style>{STYLE}</style>" if with_style else ""
    return (f'{style}<div class="rc-report" style="{_BOX}"><div><b>score {report.score}</b> ({verdict}, '
            f"threshold {report.threshold}) {scores}</div>"
            f'<div class="rc-text" style="{_TEXT}">{highlighted(report)}</div>'
            + (f'<ul class="rc-findings">{items}</ul>' if items else "<p>No findings.</p>") + "</div>")


def conversation_html(conversation: ConversationReport) -> str:
    """A scored conversation: each turn in order (agent turns with their report), then the
    conversation-level findings."""
    turns = []
    for turn in conversation.turns:
        who = escape(turn.role + (f" ({turn.author})" if turn.author else ""))
        if turn.report is not None:
            body = report_html(turn.report, with_style=False, severities=True)
        elif turn.error:
            body = f"<p>not scored: {escape(str(turn.error.get('message') or turn.error.get('code')))}</p>"
        else:
            body = '<p style="color:#444">not scored (not an agent turn)</p>'
        turns.append(f"<li><b>turn {turn.index}: {who}</b>{body}</li>")
    findings = "".join(f"<li>{_severity(f.severity.value)} <b>{escape(f.rule)}</b> {escape(f.message)}</li>"
                       for f in sorted(conversation.findings, key=lambda f: f.severity.rank))
    verdict = "passed" if conversation.passed else "did not pass"
    return (f"<style>{STYLE}</style><div class=\"rc-conversation\" style=\"{_BOX}\"><div><b>conversation score "
            f"{conversation.score}</b> ({verdict}, threshold {conversation.threshold})</div>"
            f'<ol style="list-style:none;padding:0">{"".join(turns)}</ol>'
            + (f"<b>Across the conversation</b><ul>{findings}</ul>" if findings else "") + "</div>")


def rewrite_html(rewrite: Rewrite) -> str:
    """A rewrite: the draft with each edit marked (struck-out text, inserted text, the reason on
    hover and listed), the rewritten text, the scores before and after, and what is left to fill in."""
    text, out, pos = rewrite.before.text, [], 0
    for edit in sorted(rewrite.edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            continue  # edits do not overlap; a defensive skip keeps the text readable if one did
        title = escape(f"{edit.rule}: {edit.reason}")
        out.append(escape(text[pos:edit.start]))
        if edit.end > edit.start:
            out.append(f'<del title="{title}" style="background:#fee2e2;color:#7f1d1d">'
                       f"{escape(text[edit.start:edit.end])}</del>")
        if edit.replacement:
            out.append(f'<ins title="{title}" style="background:#dcfce7;color:#14532d">'
                       f"{escape(edit.replacement)}</ins>")
        pos = edit.end
    out.append(escape(text[pos:]))
    reasons = "".join(f"<li><b>{escape(e.rule)}</b> {escape(e.reason)}</li>" for e in rewrite.edits)
    todos = "".join(f"<li><code>{escape(t.slot)}</code> {escape(t.question)}</li>" for t in rewrite.todos)
    return (f'<div class="rc-rewrite" style="{_BOX}"><div><b>score {rewrite.before.score} → '
            f"{rewrite.after.score}</b> ({len(rewrite.edits)} edits)</div>"
            f'<div><b>Changes</b></div><div class="rc-diff" style="{_TEXT}">{"".join(out)}</div>'
            f'<div><b>Rewritten</b></div><div class="rc-after" style="{_TEXT}">{escape(rewrite.text)}</div>'
            + (f"<ul>{reasons}</ul>" if reasons else "<p>No edits.</p>")
            + (f"<b>Fill in before sending</b><ul>{todos}</ul>" if todos else "") + "</div>")


def summary_html(summary: BatchSummary) -> str:
    """A batch summary for a notebook: the counts, what it lacks and why, and a row per group."""
    gaps = "".join(f'<p style="color:#7c2d12">Note: {escape(g)}</p>' for g in summary.gaps().values())
    rows = [(r["level"], r["name"], r["replies"], r["mean_score"], r["findings_per_100_words"],
             "" if r["reuse_rate"] is None else r["reuse_rate"]) for r in summary.rows()]
    table = _plain_table(("level", "name", "replies", "mean score", "findings / 100 words", "reuse rate"), rows)
    return (f'<div class="rc-summary" style="{_BOX}"><p>{escape(summary.line())}</p>{gaps}'
            + (table if rows else "") + "</div>")


def _plain_table(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    cell = "border:1px solid #ccc;padding:.15rem .5rem;text-align:left"
    head = "".join(f'<th style="{cell}">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="{cell}">{escape(str(v))}</td>' for v in row) + "</tr>"
                   for row in rows)
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


def _bars(values: dict[str, float], *, maximum: float, width: int = 360, unit: str = "") -> str:
    """A horizontal bar chart as inline SVG (no scripts, no fonts to fetch)."""
    row = 22
    height = row * max(1, len(values)) + 4
    parts = [f'<svg class="rc-chart" role="img" width="{width + 200}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(values.items()):
        y = i * row + 2
        length = 0 if maximum <= 0 else int(width * value / maximum)
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>'
                     f'<rect x="110" y="{y + 3}" width="{length}" height="15" fill="{_colour(label)}"/>'
                     f'<text x="{115 + length}" y="{y + 15}" font-size="12">{value:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def batch_report_html(summary: object, *, title: str = "replycoach batch report") -> str:
    """The trainer's report: overview, per-agent table, charts, repeated lines, worst examples.

    One self-contained file: inline CSS and SVG, no scripts or fonts from a network."""
    from .batch import BatchSummary

    assert isinstance(summary, BatchSummary)
    overall = summary.overall.row() if summary.overall.replies else None
    bins = {f"{b * 10}-{b * 10 + 9 if b < 9 else 100}": float(summary.score_bins.get(b, 0)) for b in range(10)}
    categories = {c[len("mean_"):]: v for c, v in (overall or {}).items()
                  if c.startswith("mean_") and c != "mean_score"}
    reuse_rates = {r["name"]: r["reuse_rate"] for r in summary.rows() if r["level"] == "agent"}
    agent_rows = "".join(
        f"<tr><td>{escape(level)}</td><td>{escape(str(name))}</td><td>{stats.replies}</td>"
        f"<td>{stats.mean_score}</td><td>{stats.row()['findings_per_100_words']}</td>"
        f"<td>{escape(', '.join(f'{k} ({v})' for k, v in stats.rules.most_common(5)))}</td>"
        f"<td>{reuse_rates.get(name) if reuse_rates.get(name) is not None else ''}</td>"
        f"<td>{escape(', '.join(e.id for e in stats.worst))}</td></tr>"
        for level, name, stats in summary.groups() if level != "all")
    reuse = summary.reuse.summary()
    repeated = "".join(
        f"<tr><td>{escape(agent)}</td><td>{line['count']}</td><td>{escape(line['text'])}</td></tr>"
        for agent, data in sorted(reuse.items(), key=lambda kv: -kv[1]["reuse_rate"]) for line in data["top"][:3])
    examples = "".join(f"<h3>{escape(e.id)} (score {e.score})</h3>{report_html(_as_report(e.report), with_style=False)}"
                       for e in summary.worst)
    overview = (f"<p><b>{summary.read}</b> records read: <b>{summary.scored}</b> scored, "
                f"<b>{summary.failed}</b> failed, <b>{summary.skipped}</b> skipped.")
    if overall:
        overview += f" Mean score <b>{overall['mean_score']}</b> over {overall['replies']} agent replies."
    overview += "</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}
body{{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#111}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}
</style></head><body>
<h1>{escape(title)}</h1>
<section id="overview"><h2>Overview</h2>{overview}</section>
<section id="charts"><h2>Scores</h2>
<h3>Score distribution (replies)</h3>{_bars(bins, maximum=max(bins.values() or [0]))}
<h3>Mean score by category</h3>{_bars(categories, maximum=100)}</section>
<section id="agents"><h2>Agents and teams</h2><table>
<tr><th>level</th><th>name</th><th>replies</th><th>mean score</th><th>findings / 100 words</th>
<th>top rules</th><th>reuse rate</th><th>worst examples</th></tr>{agent_rows}</table></section>
<section id="repeated"><h2>Repeated lines</h2><table><tr><th>agent</th><th>times</th><th>line</th></tr>
{repeated}</table></section>
<section id="examples"><h2>Lowest-scoring replies</h2>{examples}</section>
</body></html>
"""


def _as_report(data: dict[str, object]) -> Report:
    return Report.model_validate(data)
