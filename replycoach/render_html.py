"""One renderer for highlighted findings as HTML: the batch report (batch_report.py), the web
page and notebooks (`Report._repr_html_`) all show a report the same way. Self-contained: inline
styles, no scripts from anywhere else. Importing this module registers the notebook views of
reports, conversations and rewrites (see models.html_view)."""

from __future__ import annotations

from html import escape

from .models import CATEGORY_COLOURS, ConversationReport, Finding, Report, html_view
from .rewrite import Rewrite

__all__ = ["BOX", "STYLE", "colour_of", "conversation_html", "highlighted", "report_html", "rewrite_html",
           "severity_badge"]


STYLE = """
.rc-report{font:15px/1.5 system-ui,sans-serif;color:#111;max-width:60rem}
.rc-text{white-space:pre-wrap;border:1px solid #ccc;border-radius:6px;padding:.75rem;background:#fff}
.rc-mark{border-bottom:3px solid var(--c);background:color-mix(in srgb,var(--c) 12%,white);cursor:help}
.rc-mark:has(.rc-mark){background:none}
.rc-scores{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.rc-score{border:1px solid #ccc;border-radius:4px;padding:.1rem .5rem}
.rc-findings li{margin:.25rem 0}.rc-why{color:#444}
"""


def colour_of(category: str) -> str:
    """The colour a category is shown in (grey for a category a custom pack added)."""
    return CATEGORY_COLOURS.get(category, "#4b5563")


def highlighted(report: Report) -> str:
    """The report's text with each flagged span marked once: findings on the same span share one
    mark (the most severe first in `data-rules` and the title), a sentence-wide mark contains
    the word-level ones inside it (nested marks), and a span that only partly overlaps another
    is left unmarked (it is still in the findings list)."""
    by_span: dict[tuple[int, int], list[Finding]] = {}
    for f in sorted(report.findings, key=lambda f: (f.severity.rank, f.start)):
        if f.end > f.start:
            by_span.setdefault((f.start, f.end), []).append(f)
    text, out, pos = report.text, [], 0
    open_ends: list[int] = []

    def close_until(limit: int) -> None:
        nonlocal pos
        while open_ends and open_ends[-1] <= limit:
            end = open_ends.pop()
            out.append(escape(text[pos:end]) + "</mark>")
            pos = end

    for (start, end), group in sorted(by_span.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        close_until(start)
        if open_ends and end > open_ends[-1]:
            continue
        out.append(escape(text[pos:start]))
        pos = start
        first = group[0]
        title = "\n".join(f"{f.rule}: {f.message}" for f in group)
        rules = " ".join(f.rule for f in group)
        out.append(f'<mark class="rc-mark" style="--c:{colour_of(first.category)}" data-rule="{escape(first.rule)}" '
                   f'data-rules="{escape(rules)}" data-category="{escape(first.category)}" '
                   f'data-severity="{first.severity.value}" data-start="{start}" data-end="{end}" '
                   f'title="{escape(title)}" tabindex="0">')
        open_ends.append(end)
    close_until(len(text))
    out.append(escape(text[pos:]))
    return "".join(out)


def report_html(report: Report, *, with_style: bool = True, severities: bool = False) -> str:
    """A report as an HTML fragment: scores, highlighted text, findings with why and suggestions
    (each led by its severity, most severe first, when `severities`: the notebook view)."""
    if severities:
        return _notebook_report(report, with_style=with_style)
    scores = "".join(f'<span class="rc-score" style="border-color:{colour_of(c)}">{escape(c)} {v}</span>'
                     for c, v in report.categories.items())
    items = "".join(
        f'<li><b style="color:{colour_of(f.category)}">{escape(f.category)}</b> {escape(f.message)}'
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
BOX = "font:14px/1.5 system-ui,sans-serif;color:#111;background:#fff;max-width:60rem"
_TEXT = "white-space:pre-wrap;border:1px solid #ccc;border-radius:6px;padding:.5rem .75rem;margin:.25rem 0"


def severity_badge(value: str) -> str:
    """A severity as a coloured label."""
    fg, bg = SEVERITY_COLOURS.get(value, ("#fff", "#4b5563"))
    return (f'<span class="rc-severity" style="color:{fg};background:{bg};border-radius:3px;'
            f'padding:0 .3rem;font-size:.85em">{escape(value)}</span>')


def _notebook_report(report: Report, *, with_style: bool) -> str:
    scores = " · ".join(f'<span style="color:{colour_of(c)}">{escape(c)} {v}</span>'
                        for c, v in report.categories.items())
    verdict = "passed" if report.passed else "did not pass"
    ordered = sorted(report.findings, key=lambda f: (f.severity.rank, f.start))
    items = "".join(
        f"<li>{severity_badge(f.severity.value)} <b style=\"color:{colour_of(f.category)}\">{escape(f.rule)}</b> "
        + (f"<q>{escape(f.text)}</q> " if f.text else "")
        + f"{escape(f.message)} <span style=\"color:#444\">({escape(f.why)})</span>"
        + "".join(f"<br>→ {escape(s)}" for s in f.suggestions[:2]) + "</li>" for f in ordered)
    style = f"<style>{STYLE}</style>" if with_style else ""
    return (f'{style}<div class="rc-report" style="{BOX}"><div><b>score {report.score}</b> ({verdict}, '
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
    findings = "".join(f"<li>{severity_badge(f.severity.value)} <b>{escape(f.rule)}</b> {escape(f.message)}</li>"
                       for f in sorted(conversation.findings, key=lambda f: f.severity.rank))
    verdict = "passed" if conversation.passed else "did not pass"
    return (f"<style>{STYLE}</style><div class=\"rc-conversation\" style=\"{BOX}\"><div><b>conversation score "
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
    return (f'<div class="rc-rewrite" style="{BOX}"><div><b>score {rewrite.before.score} → '
            f"{rewrite.after.score}</b> ({len(rewrite.edits)} edits)</div>"
            f'<div><b>Changes</b></div><div class="rc-diff" style="{_TEXT}">{"".join(out)}</div>'
            f'<div><b>Rewritten</b></div><div class="rc-after" style="{_TEXT}">{escape(rewrite.text)}</div>'
            + (f"<ul>{reasons}</ul>" if reasons else "<p>No edits.</p>")
            + (f"<b>Fill in before sending</b><ul>{todos}</ul>" if todos else "") + "</div>")


# --- notebook views ---------------------------------------------------------------------------

html_view.register(Report)(lambda report: report_html(report, severities=True))
html_view.register(ConversationReport)(conversation_html)
html_view.register(Rewrite)(rewrite_html)
