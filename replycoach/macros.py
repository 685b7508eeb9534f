"""Help-desk macro exports as drafts to check: a CSV or JSON list of titled templates.

In a macro, `{{ticket.requester.first_name}}`, `{% if ... %}` and `{ticket.id}` are template
variables the help desk fills in, not slots an agent forgot. Each is swapped for a neutral
stand-in ("Alex", "#48213") before the check, so no rule needs a macro mode of its own, and
the report's offsets are mapped back onto the macro as written.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .text import clean, looks_like_html

if TYPE_CHECKING:
    from .coach import Coach
    from .models import Finding, Report, Strength

__all__ = ["Macro", "Templated", "check_macro", "check_macros", "read_macros", "templated"]

BODY_NAMES = ("body", "content", "text")  # the column or key holding the template, first found wins
_ZENDESK_COMMENT = ("comment_value", "comment_value_html")


@dataclass(frozen=True)
class Macro:
    """One template of an export: its title, its body and the line of the export it starts on;
    `error` when the entry is not a macro at all (it is reported in its place, the rest checked)."""

    title: str
    body: str
    line: int
    error: InputError | None = None


def read_macros(data: str, *, name: str) -> list[Macro]:
    """The macros of an export's text: CSV (a title column and a body, content or text column),
    a JSON list of {title, body|content|text}, or Zendesk's {"macros": [{title, actions}]};
    InputError RC107 when it is none of these."""
    if name.lower().endswith(".json") or (not name.lower().endswith(".csv") and data.lstrip()[:1] in ("[", "{")):
        return _from_json(data, name=name)
    return _from_csv(data, name=name)


def _unreadable(name: str, why: str) -> InputError:
    return InputError(f"cannot read the macro export: {why}", code="RC107", place=name,
                      remedy="export a CSV with title and body columns, or a JSON list of {title, body} "
                             "(Zendesk's {\"macros\": [...]} export works as it is)")


def _from_csv(data: str, *, name: str) -> list[Macro]:
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise _unreadable(name, "it is empty") from None
    except csv.Error as err:
        raise _unreadable(name, str(err)) from None
    body_at = next((header.index(b) for b in BODY_NAMES if b in header), None)
    if body_at is None:
        raise _unreadable(name, f"no {', '.join(BODY_NAMES[:-1])} or {BODY_NAMES[-1]} column "
                                f"(the columns are: {', '.join(header) or 'none'})")
    title_at = header.index("title") if "title" in header else None
    macros, line = [], reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                title = row[title_at].strip() if title_at is not None and title_at < len(row) else ""
                body = row[body_at] if body_at < len(row) else ""
                macros.append(Macro(title=title or f"line {line}", body=body, line=line))
            line = reader.line_num + 1
    except csv.Error as err:
        raise _unreadable(name, f"line {reader.line_num}: {err}") from None
    return macros


def _from_json(data: str, *, name: str) -> list[Macro]:
    try:
        parsed = json.loads(data)
    except ValueError as err:
        raise _unreadable(name, f"not valid JSON ({err})") from None
    if isinstance(parsed, dict):
        parsed = parsed.get("macros", [parsed.get("macro")] if "macro" in parsed else None)
    if not isinstance(parsed, list):
        raise _unreadable(name, "the JSON is neither a list of macros nor {\"macros\": [...]}")
    lines = _LineFinder(data)
    macros = []
    for i, item in enumerate(parsed, 1):
        if not isinstance(item, dict):
            macros.append(Macro(title=f"macro {i}", body="", line=lines.of(""), error=_unreadable(
                name, f"macro {i} is not an object but {json.dumps(item)[:40]}")))
            continue
        title = str(item.get("title") or item.get("name") or "").strip()
        body = _body_of(item)
        if body is None:
            continue  # an action-only macro (set a status, assign a group) has no reply in it
        macros.append(Macro(title=title or f"macro {i}", body=body, line=lines.of(title)))
    return macros


def _body_of(item: dict[str, Any]) -> str | None:
    for key in BODY_NAMES:
        if isinstance(item.get(key), str):
            return str(item[key])
    actions = item.get("actions")
    for field in _ZENDESK_COMMENT:  # the plain comment if there is one, else the HTML one
        for action in actions if isinstance(actions, list) else ():
            if isinstance(action, dict) and action.get("field") == field:
                value = action.get("value")
                if isinstance(value, list):  # older exports: ["channel:all", "the text"]
                    value = next((v for v in reversed(value) if isinstance(v, str)), None)
                if isinstance(value, str):
                    return value
    return None


class _LineFinder:
    """The line of the export each macro's title is on: JSON parsers give no positions, so each
    title is looked for after the last one found."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.at = 0

    def of(self, title: str) -> int:
        for form in (json.dumps(title, ensure_ascii=False), json.dumps(title)):
            found = self.data.find(form, self.at) if title else -1
            if found >= 0:
                self.at = found + len(form)
                return self.data.count("\n", 0, found) + 1
        return self.data.count("\n", 0, self.at) + 1


# --- template variables ---------------------------------------------------------------------

_VARIABLE = re.compile(
    r"\{\{\{?[^{}\n]{1,200}\}?\}\}"  # {{ticket.id}}, {{ first_name | fallback: "there" }}, {{{raw}}}
    r"|\{%-?[^\n]{0,200}?-?%\}"  # {% if ticket.status == 'open' %}, {%customer.firstName%}
    r"|\$?\{[A-Za-z_][\w.]{0,80}\}"  # {ticket.id}, ${agent.name}
)
_STAND_INS = (  # by what the variable's name says it holds; a name is the default
    (re.compile(r"url|link|href", re.IGNORECASE), "https://example.com/help"),
    (re.compile(r"e-?mail", re.IGNORECASE), "alex@example.com"),
    (re.compile(r"date|time|day|due", re.IGNORECASE), "Monday"),
    (re.compile(r"(?:\b|_)(?:id|number|count|no)\b", re.IGNORECASE), "#48213"),
)
_NAME = "Alex"


def _stand_in(variable: str) -> str:
    if variable.startswith("{%"):
        return ""  # a control tag: what it wraps stays, the tag itself says nothing to the customer
    return next((word for pattern, word in _STAND_INS if pattern.search(variable)), _NAME)


@dataclass(frozen=True)
class Templated:
    """A macro's text with its variables swapped for stand-ins, and the way back."""

    original: str
    text: str
    # Each swap as (start in text, end in text, start in original, end in original), in order.
    swaps: tuple[tuple[int, int, int, int], ...]

    def to_original(self, pos: int, *, end: bool = False) -> int:
        """An offset of `text` in `original`; one inside a stand-in goes to the variable's start
        (or, for an end, its end), so a span never holds part of a variable."""
        at = bisect.bisect_right([s[0] for s in self.swaps], pos) - 1
        if at < 0:
            return pos
        start, stop, o_start, o_stop = self.swaps[at]
        if pos > stop or (pos == stop > start):
            return o_stop + pos - stop
        if pos == start:  # at a stand-in: before its variable; at a dropped tag, a start goes after it
            return o_start if end or stop > start else o_stop
        return o_stop if end else o_start

    def _span(self, start: int, end: int) -> tuple[int, int]:
        lo = self.to_original(start)
        return lo, max(lo, self.to_original(end, end=True))

    def _touches_a_variable(self, start: int, end: int) -> bool:
        return any(s < end and start < e or start == end and s <= start < e for s, e, _, _ in self.swaps)

    def restore(self, report: Report) -> Report:
        """The report with offsets, texts and fixes on the macro as written. A fix that would
        rewrite a stand-in is dropped: it would put "Alex" where the variable was."""
        if not self.swaps:
            return report
        return report.model_copy(update={
            "text": self.original,
            "findings": tuple(self._finding(f) for f in report.findings),
            "strengths": tuple(self._strength(s) for s in report.strengths)})

    def _finding(self, f: Finding) -> Finding:
        start, end = self._span(f.start, f.end)
        fixes = tuple(x.model_copy(update=dict(zip(("start", "end"), self._span(x.start, x.end), strict=True)))
                      for x in f.fixes if not self._touches_a_variable(x.start, x.end))
        return f.model_copy(update={"start": start, "end": end, "text": self.original[start:end], "fixes": fixes})

    def _strength(self, s: Strength) -> Strength:
        start, end = self._span(s.start, s.end)
        return s.model_copy(update={"start": start, "end": end, "text": self.original[start:end]})


def templated(text: str) -> Templated:
    """`text` with each template variable swapped for a neutral stand-in."""
    parts: list[str] = []
    swaps: list[tuple[int, int, int, int]] = []
    last = at = 0
    for m in _VARIABLE.finditer(text):
        parts.append(text[last:m.start()])
        at += m.start() - last
        word = _stand_in(m.group())
        parts.append(word)
        swaps.append((at, at + len(word), m.start(), m.end()))
        at += len(word)
        last = m.end()
    parts.append(text[last:])
    return Templated(original=text, text="".join(parts), swaps=tuple(swaps))


def check_macro(coach: Coach, macro: Macro, *, channel: str | None = None,
                ignore: Sequence[str] = ()) -> Report:
    """Check one macro as a draft, its template variables read as the values they become. An
    HTML body is cleaned first, so the report's text is the macro as the customer reads it."""
    body = macro.body
    if looks_like_html(body):
        body = clean(body, input_format="html", max_chars=coach.config.max_chars, name="macro").text
    template = templated(body)
    report = coach.check(template.text, channel=channel, input_format="text", ignore=ignore)
    return template.restore(report)


def check_macros(coach: Coach, macros: Sequence[Macro], **options: Any
                 ) -> Iterator[tuple[Macro, Report | InputError]]:
    """Each macro with its report, or the coded error that stopped its check."""
    for macro in macros:
        if macro.error is not None:
            yield macro, macro.error
            continue
        try:
            yield macro, check_macro(coach, macro, **options)
        except InputError as err:  # this macro's own fault; a broken rule or config stops the run
            if err.place is None:  # "draft is empty" alone does not say which of 300 macros
                err.place = f"macro {macro.title!r} (line {macro.line})"
            yield macro, err
