"""Fixes -> a rewritten draft that scores better, or no change at all.

One resolver picks the edits (non-overlapping; severity first, then position). One guard
decides what may land, whoever proposed it (the rule-based rewriter here, or a team's own
`Rewriter`): an edit may not touch protected spans (URLs, e-mail addresses, ids, numbers, code),
the quoted thread or signature, or line breaks; and a rewrite that lowers the score or adds a
finding the draft did not have is turned down. The only new findings allowed are the `[slot]`s
a fix left for the agent to fill ("by [day]"), which fail the check until filled.

Rewriting runs to a fixed point, so rewriting the result again changes nothing.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from .models import Edit, Finding, Report
from .text import CleanText

__all__ = ["Rewrite", "Rewriter", "RuleRewriter", "rewrite"]

MAX_PASSES = 6


class Rewrite(BaseModel):
    """A rewritten draft, the edits that made it (offsets into the original), and both reports."""

    model_config = ConfigDict(frozen=True)
    text: str
    edits: tuple[Edit, ...]
    before: Report
    after: Report
    rejected: tuple[str, ...] = ()

    def to_json(self, *, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent, exclude={"rejected"})


@runtime_checkable
class Rewriter(Protocol):
    """Proposes edits for a checked draft; offsets are into `report.text`.

    A team's own rewriter (say, a language-model service they run) implements this. Whatever
    it proposes goes through the same guard as the built-in one.
    """

    def propose(self, report: Report, *, customer: str | None) -> Sequence[Edit]: ...


class RuleRewriter:
    """The built-in rewriter: each finding's best fix, as the rule packs define them."""

    def propose(self, report: Report, *, customer: str | None) -> Sequence[Edit]:
        return best_fixes(report.findings)


def best_fixes(findings: Sequence[Finding]) -> list[Edit]:
    """Each finding's best fix as an edit, most severe first, then by position."""
    return [Edit(start=f.fixes[0].start, end=f.fixes[0].end, replacement=f.fixes[0].replacement,
                 rule=f.rule, reason=f.message)
            for f in sorted(findings, key=lambda f: (f.severity.rank, f.start)) if f.fixes]


# --- the guard's span checks -----------------------------------------------------------------

def _fine_grained(text: str, edit: Edit) -> list[Edit]:
    """An edit narrowed to the characters it really changes (a rewriter may replace a whole
    paragraph to change one word): what the span checks look at."""
    old = text[edit.start:edit.end]
    if old == edit.replacement:
        return []
    matcher = difflib.SequenceMatcher(None, old, edit.replacement, autojunk=False)
    return [Edit(start=edit.start + i1, end=edit.start + i2, replacement=edit.replacement[j1:j2],
                 rule=edit.rule, reason=edit.reason)
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def _touches(span_start: int, span_end: int, start: int, end: int) -> bool:
    # An insertion right at a span's edge leaves it whole.
    return start < span_end and span_start < end or span_start < start < span_end


def _span_problem(clean: CleanText, edit: Edit) -> str | None:
    spans = [s for s in (*clean.protected, *clean.excluded) if _touches(s.start, s.end, edit.start, edit.end)]
    # Narrow the edit to what really changes only when it covers a span (diffing every edit is slow).
    parts = _fine_grained(clean.text, edit) if spans else [edit]
    for part in parts:
        for span in spans:
            if _touches(span.start, span.end, part.start, part.end):
                return f"{edit.rule}: would change a protected {span.kind} span"
        if clean.text[part.start:part.end].count("\n") != part.replacement.count("\n"):
            return f"{edit.rule}: would change the paragraphs"
    return None


def _resolve(edits: Sequence[Edit]) -> list[Edit]:
    """Non-overlapping edits, in the proposer's order of preference, then sorted by position."""
    chosen: list[Edit] = []
    for e in edits:
        if all(e.end <= c.start or c.end <= e.start for c in chosen) and \
                not any(e.start == e.end == c.start == c.end for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda e: (e.start, e.end))


def _apply(text: str, edits: Sequence[Edit]) -> tuple[str, list[tuple[int, int]]]:
    """Apply sorted, non-overlapping edits; also where each replacement landed in the new text."""
    out: list[str] = []
    placed: list[tuple[int, int]] = []
    pos = shift = 0
    for e in edits:
        out.append(text[pos:e.start])
        placed.append((e.start + shift, e.start + shift + len(e.replacement)))
        out.append(e.replacement)
        shift += len(e.replacement) - (e.end - e.start)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), placed


# --- offsets back to the original --------------------------------------------------------------

@dataclass
class _Entry:
    orig: tuple[int, int]  # range in the original text
    cur: tuple[int, int]  # range of its replacement in the current text
    rule: str
    reason: str


class _EditLog:
    """Edits made over several passes, kept in original offsets; edits that meet merge."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []

    def _to_original(self, pos: int) -> int:
        """An offset of the current text, outside every entry, in the original."""
        delta = 0
        for en in self.entries:
            if en.cur[1] <= pos:
                delta = en.orig[1] - en.cur[1]
        return pos + delta

    def record(self, edits: Sequence[Edit], placed: Sequence[tuple[int, int]]) -> None:
        """`edits` are in current offsets (sorted); `placed` is where each landed in the new text."""
        shifts = [len(e.replacement) - (e.end - e.start) for e in edits]
        new_entries: list[_Entry] = []
        consumed: set[int] = set()
        for e, (new_start, new_end) in zip(edits, placed, strict=True):
            touching = [i for i, en in enumerate(self.entries) if en.cur[0] <= e.end and e.start <= en.cur[1]]
            lo_cur = min([e.start, *(self.entries[i].cur[0] for i in touching)])
            hi_cur = max([e.end, *(self.entries[i].cur[1] for i in touching)])
            # Where an edit starts or ends inside an earlier one, the merged edit takes that one's bounds.
            first = self.entries[touching[0]] if touching else None
            last = self.entries[touching[-1]] if touching else None
            orig_lo = first.orig[0] if first and first.cur[0] <= e.start else self._to_original(e.start)
            orig_hi = last.orig[1] if last and e.end <= last.cur[1] else self._to_original(e.end)
            rules = [self.entries[i].rule for i in touching] + [e.rule]
            reasons = [self.entries[i].reason for i in touching] + [e.reason]
            consumed.update(touching)
            new_entries.append(_Entry(orig=(orig_lo, orig_hi),
                                      cur=(new_start - (e.start - lo_cur), new_end + (hi_cur - e.end)),
                                      rule=" + ".join(dict.fromkeys(rules)),
                                      reason=" / ".join(dict.fromkeys(reasons))))
        for i, en in enumerate(self.entries):
            if i in consumed:
                continue
            shift = sum(s for e, s in zip(edits, shifts, strict=True) if e.end <= en.cur[0])
            new_entries.append(_Entry(orig=en.orig, cur=(en.cur[0] + shift, en.cur[1] + shift),
                                      rule=en.rule, reason=en.reason))
        self.entries = sorted(new_entries, key=lambda en: en.cur)

    def edits(self, final_text: str) -> tuple[Edit, ...]:
        return tuple(Edit(start=en.orig[0], end=en.orig[1], replacement=final_text[en.cur[0]:en.cur[1]],
                          rule=en.rule, reason=en.reason) for en in self.entries)


# --- the loop ------------------------------------------------------------------------------------

Checker = Callable[[str], tuple[Report, CleanText]]
"""Checks a text as plain text and returns its report and cleaned form (the Coach provides it)."""


def _new_findings(before: Report, after: Report, slot_ranges: Sequence[tuple[int, int]],
                  word_level: frozenset[str]) -> list[Finding]:
    """Findings in `after` that `before` did not have, other than [slot]s the edits left.
    Word-level findings are compared by rule and text; others by rule, as their span moves."""
    had = Counter((f.rule, f.text if f.rule in word_level else "") for f in before.findings)
    new = []
    for f in after.findings:
        key = (f.rule, f.text if f.rule in word_level else "")
        if had[key]:
            had[key] -= 1
        elif not any(s <= f.start and f.end <= e for s, e in slot_ranges):
            new.append(f)
    return new


def rewrite(check: Checker, first: Report, clean: CleanText, *, customer: str | None, rewriter: Rewriter,
            word_level: frozenset[str]) -> Rewrite:
    """Rewrite a checked draft to a fixed point: propose, resolve, guard, apply; repeat while it helps."""
    current, report = first.text, first
    log = _EditLog()
    rejected: list[str] = []
    turned_down: set[tuple[str, str, str]] = set()  # (rule, old text, replacement): not tried again
    slots: list[tuple[int, int]] = []
    fresh = True  # this pass may try every proposal: nothing is remembered as turned down
    for _ in range(MAX_PASSES):
        proposals = []
        for edit in rewriter.propose(report, customer=customer):
            if (edit.rule, current[edit.start:edit.end], edit.replacement) in turned_down:
                continue
            problem = _span_problem(clean, edit) if 0 <= edit.start <= edit.end <= len(current) else \
                f"{edit.rule}: offsets outside the text"
            if problem:
                rejected.append(problem)
            else:
                proposals.append(edit)
        chosen = _resolve(proposals)
        accepted = _accept(check, current, report, chosen, slots, word_level, rejected)
        kept = accepted[0] if accepted else []
        turned_down.update((e.rule, current[e.start:e.end], e.replacement) for e in chosen if e not in kept)
        if accepted is None:
            if fresh:
                break  # a fixed point: rewriting the result again would change nothing
            # Edits turned down in one context may pass in this one: try them all once more.
            turned_down.clear()
            fresh = True
            continue
        fresh = False
        edits, new_text, new_report, new_clean, placed = accepted
        slots = [_shift(s, edits) for s in slots] + [
            p for p, e in zip(placed, edits, strict=True) if "[" in e.replacement]
        log.record(edits, placed)
        current, report, clean = new_text, new_report, new_clean
    return Rewrite(text=current, edits=log.edits(current), before=first, after=report,
                   rejected=tuple(dict.fromkeys(rejected)))


def _shift(span: tuple[int, int], edits: Sequence[Edit]) -> tuple[int, int]:
    shift = sum(len(e.replacement) - (e.end - e.start) for e in edits if e.end <= span[0])
    return span[0] + shift, span[1] + shift


def _accept(check: Checker, text: str, report: Report, edits: list[Edit], slots: list[tuple[int, int]],
            word_level: frozenset[str], rejected: list[str]
            ) -> tuple[list[Edit], str, Report, CleanText, list[tuple[int, int]]] | None:
    """All the edits if together they pass the guard; else the largest greedy subset that does."""

    def attempt(chosen: list[Edit]) -> tuple[list[Edit], str, Report, CleanText, list[tuple[int, int]]] | None:
        new_text, placed = _apply(text, chosen)
        new_report, new_clean = check(new_text)
        new_slots = [_shift(s, chosen) for s in slots] + [
            p for p, e in zip(placed, chosen, strict=True) if "[" in e.replacement]
        if new_report.score < report.score or _new_findings(report, new_report, new_slots, word_level):
            return None
        return chosen, new_text, new_report, new_clean, placed

    if not edits:
        return None
    together = attempt(edits)
    if together is not None:
        return together
    kept: list[Edit] = []
    for edit in edits:
        if attempt(sorted([*kept, edit], key=lambda e: (e.start, e.end))) is not None:
            kept = sorted([*kept, edit], key=lambda e: (e.start, e.end))
        else:
            rejected.append(f"{edit.rule}: the result scored lower or had a new finding")
    return attempt(kept) if kept else None
