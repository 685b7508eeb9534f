"""One renderer for highlighted findings as HTML: the batch report, the web page and notebooks
(`Report._repr_html_`) all show a report the same way. Self-contained: inline styles, no scripts
from anywhere else."""

from __future__ import annotations

from html import escape

from .models import Report

__all__ = ["CATEGORY_COLOURS", "STYLE", "highlighted", "report_html"]

CATEGORY_COLOURS = {"jargon": "#7c3aed", "readability": "#2563eb", "canned": "#b45309", "empathy": "#db2777",
                    "gratitude": "#059669", "tone": "#dc2626", "ownership": "#0891b2"}

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
    """The report's text with each finding's span marked (nested or overlapping spans: first wins)."""
    text, out, pos = report.text, [], 0
    for f in sorted(report.findings, key=lambda f: (f.start, -f.end)):
        if f.start < pos or f.end <= f.start:
            continue
        out.append(escape(text[pos:f.start]))
        title = f"{f.rule}: {f.message}"
        out.append(f'<mark class="rc-mark" style="--c:{_colour(f.category)}" data-rule="{escape(f.rule)}" '
                   f'data-category="{escape(f.category)}" title="{escape(title)}" tabindex="0">'
                   f"{escape(text[f.start:f.end])}</mark>")
        pos = f.end
    out.append(escape(text[pos:]))
    return "".join(out)


def report_html(report: Report, *, with_style: bool = True) -> str:
    """A report as an HTML fragment: scores, highlighted text, findings with why and suggestions."""
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
