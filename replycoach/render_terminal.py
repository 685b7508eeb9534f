"""Reports as text for a terminal: each finding in context with its span marked, then scores."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .models import Finding, Report
from .rewrite import Rewrite

__all__ = ["print_report", "printable"]

_STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}
_CONTEXT = 60  # characters of context either side of a span

# A draft's control characters, shown as Unicode's control pictures ("␛", "␇"), one for one: pasted
# text can carry escape sequences (ESC ] 0 ; ... BEL retitles a terminal, ESC [ 2 J clears it) that
# printed as they are would run in the agent's terminal. Line breaks and tabs stay, for the caller
# to lay out; C1 controls (0x80-0x9f, CSI among them) have no picture and show as U+FFFD.
_PICTURES = ({c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
             | {0x7F: "\u2421"} | {c: "\ufffd" for c in range(0x80, 0xA0)})


def printable(text: str) -> str:
    """`text` with each control character but line break and tab shown as a symbol."""
    return text.translate(_PICTURES)


def _context_line(text: str, f: Finding) -> Text:
    """The span with a little context around it, on one line, the span highlighted."""
    lo = max(0, f.start - _CONTEXT)
    hi = min(len(text), f.end + _CONTEXT)
    before, span, after = (printable(t) for t in (text[lo:f.start], text[f.start:f.end], text[f.end:hi]))
    line = Text("    ")
    line.append(("…" if lo else "") + before.replace("\n", " ⏎ "), style="dim")
    line.append(span.replace("\n", " ⏎ ") or "▌", style=f"reverse {_STYLE[f.severity.value]}")
    line.append(after.replace("\n", " ⏎ ") + ("…" if hi < len(text) else ""), style="dim")
    return line


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def print_report(report: Report, console: Console, *, name: str = "draft",
                 where: Callable[[Finding], tuple[int, int]] | None = None) -> None:
    """Findings in context, then category scores and the verdict; `where` gives a finding's line
    and column in the file as written (default: in the report's text)."""
    for f in report.findings:
        line, col = where(f) if where else _line_col(report.text, f.start)
        head = Text(f"{printable(name)}:{line}:{col} ", style="bold")
        head.append(f"{f.severity.value}", style=_STYLE[f.severity.value])
        head.append(f" [{f.category}] {f.rule}", style="dim")
        console.print(head)
        console.print(_context_line(report.text, f))
        console.print(f"    {escape(printable(f.message))}")  # a message may quote the draft
        console.print(f"    [dim]why: {escape(printable(f.why))}[/dim]")
        for s in f.suggestions:
            console.print(f"    [green]→ {escape(printable(s))}[/green]")
        console.print()
    for strength in report.strengths:
        console.print(f"[green]✓[/green] {escape(printable(strength.message))} [dim]{strength.rule}[/dim]")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for name_ in report.categories:
        table.add_column(name_, justify="right")
    table.add_row(*(_score_text(v) for v in report.categories.values()))
    console.print(table)
    m = report.metrics
    verdict = Text("PASS" if report.passed else "FAIL", style="bold green" if report.passed else "bold red")
    summary = Text(f"score {report.score}/100 (pass at {report.threshold})  ·  grade {m.grade} "
                   f"(target {m.grade_target:g})  ·  {m.words} words  ·  {len(report.findings)} findings  ·  ")
    summary.append(verdict)
    console.print(summary)
    if m.unchecked_rules:
        console.print(f"[yellow]not checked (each ran past its time limit on this text): "
                      f"{escape(', '.join(m.unchecked_rules))}[/yellow]")


def print_edits(result: Rewrite, console: Console) -> None:
    """Each edit of a rewrite, in context, with its reason; then the score change."""
    original = result.before.text
    for e in result.edits:
        line, col = _line_col(original, e.start)
        console.print(Text(f"{line}:{col} ", style="bold") + Text(e.rule, style="dim"))
        if e.end > e.start:
            console.print(Text(printable(f"  - {original[e.start:e.end]}".replace("\n", " ⏎ ")), style="red"))
        if e.replacement:
            console.print(Text(printable(f"  + {e.replacement}".replace("\n", " ⏎ ")), style="green"))
        console.print(f"    [dim]why: {escape(e.reason)}[/dim]")
    after = result.after
    console.print(Text(f"{len(result.edits)} edits · score {result.before.score} -> {after.score}"))
    for todo in result.todos:
        console.print(Text(f"  to do: {todo.slot}: {todo.question}", style="yellow"))


def _score_text(value: int) -> Text:
    style = "green" if value >= 90 else "yellow" if value >= 70 else "red"
    return Text(str(value), style=style)
