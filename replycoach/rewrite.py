"""Fixes -> a rewritten draft that scores better, or no change at all.

One resolver picks the edits (non-overlapping; severity first, then position). One guard
decides what may land, whoever proposed it (the rule-based rewriter here, or a team's own
`Rewriter`): an edit may not touch protected spans (URLs, e-mail addresses, ids, numbers, code),
the quoted thread or signature, or line breaks; and a rewrite that lowers the score or adds a
finding the draft did not have is turned down. The only new findings allowed are the `[slot]`s
a fix left for the agent to fill ("by [day]"), which fail the check until filled and come back
as to-dos. The score is not the only test: an edit may not add a line where a trainer would
strike it out (before the greeting, after the sign-off, inside a tweet thread's continuation, an
empathy line for a customer who is not upset), nor leave grammar a cheap check can see is broken
("an plane", a doubled word, "Since ... but").

Rewriting runs to a fixed point, so rewriting the result again changes nothing.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from .checks.base import SLOT, capital_at_sentence_start
from .models import Edit, Finding, Report, html_view
from .pipeline import continuation, greeting_range, signoff_range
from .text import CleanText, source_end, source_offsets

__all__ = ["Rewrite", "Rewriter", "RuleRewriter", "Todo", "apply_edits", "grammar_faults", "resolve_overlaps",
           "rewrite_to_fixed_point"]

MAX_PASSES = 6


class Todo(BaseModel):
    """A `[slot]` the rewrite left for the agent to fill in before sending ("by [day]")."""

    model_config = ConfigDict(frozen=True)
    start: int = Field(ge=0, description="Offset of the slot in `Rewrite.text`.")
    end: int = Field(ge=0)
    slot: str = Field(description='The slot as written, e.g. "[day]".')
    question: str = Field(description='What the agent must decide, e.g. "fill in: when will this be done?".')


class Rewrite(BaseModel):
    """A rewritten draft, the edits that made it (offsets into the draft as given), both reports,
    and the slots left for the agent to fill in."""

    model_config = ConfigDict(frozen=True)
    text: str
    edits: tuple[Edit, ...]
    before: Report
    after: Report
    todos: tuple[Todo, ...] = ()
    rejected: tuple[str, ...] = ()

    def to_json(self, *, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent, exclude={"rejected"})

    def _repr_html_(self) -> str | None:
        return html_view(self)


@runtime_checkable
class Rewriter(Protocol):
    """Proposes edits for a checked draft; offsets are into `report.text`.

    A team's own rewriter (say, a language-model service they run) implements this. Whatever
    it proposes goes through the same guard as the built-in one.
    """

    def propose(self, report: Report, *, customer: str | None) -> Sequence[Edit]: ...


class RuleRewriter:
    """The built-in rewriter: each finding's best fix, as the rule packs define them, less those
    `skip(edit, text)` says to leave to the agent (the Coach skips one-word swaps)."""

    def __init__(self, skip: Callable[[Edit, str], bool] | None = None) -> None:
        self.skip = skip

    def propose(self, report: Report, *, customer: str | None) -> Sequence[Edit]:
        edits = best_fixes(report.findings)
        return [e for e in edits if not self.skip(e, report.text)] if self.skip else edits


def best_fixes(findings: Sequence[Finding]) -> list[Edit]:
    """Each finding's best fix as an edit, most severe first, then by position."""
    return [Edit(start=f.fixes[0].start, end=f.fixes[0].end, replacement=f.fixes[0].replacement,
                 rule=f.rule, reason=f.message)
            for f in sorted(findings, key=lambda f: (f.severity.rank, f.start)) if f.fixes]


# --- the guard's span checks -----------------------------------------------------------------

_DIFF_CELLS = 250_000  # a character diff of two middles larger than this is done by words
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def _fine_grained(text: str, edit: Edit) -> list[Edit]:
    """An edit narrowed to the characters it really changes (a rewriter may replace a whole
    paragraph to change one word): what the span checks look at. Linear for case changes
    (`tone.shouting` lower-cases whole drafts), and by words, not characters, for long middles,
    since a character diff is quadratic."""
    old, new = text[edit.start:edit.end], edit.replacement
    if old == new:
        return []

    def part(i1: int, i2: int, j1: int, j2: int) -> Edit:
        return Edit(start=edit.start + i1, end=edit.start + i2, replacement=new[j1:j2], rule=edit.rule,
                    reason=edit.reason)

    if len(old) == len(new) and old.lower() == new.lower():
        runs = [m.span() for m in re.finditer(r"\w+", old)]  # word by word
        return [part(a, b, a, b) for a, b in runs if old[a:b] != new[a:b]]
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    a, b = old[head:len(old) - tail], new[head:len(new) - tail]
    if len(a) * len(b) <= _DIFF_CELLS:
        units_a, units_b = list(a), list(b)
    else:
        units_a, units_b = _TOKENS.findall(a), _TOKENS.findall(b)
        if len(units_a) * len(units_b) > _DIFF_CELLS:
            return [part(head, len(old) - tail, head, len(new) - tail)]
    ends_a = list(accumulate(map(len, units_a), initial=head))  # unit index -> character offset
    ends_b = list(accumulate(map(len, units_b), initial=head))
    matcher = difflib.SequenceMatcher(None, units_a, units_b, autojunk=False)
    return [part(ends_a[i1], ends_a[i2], ends_b[j1], ends_b[j2])
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


# --- the guard's placement and grammar checks ----------------------------------------------------

_SENTENCE_WORDS = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_EMPATHY_LINE = re.compile(r"\b(?:sorry|apologi[sz]e|frustrat\w*|upsetting|understand (?:how|why|that)|can see why|"
                           r"must (?:be|have been)|sounds (?:like|really|so))\b", re.IGNORECASE)


def _added_line(text: str, edit: Edit) -> tuple[int, str] | None:
    """Where an edit adds a sentence of its own (three or more words ending in . ! or ?), and the
    sentence: what the placement checks look at. Rewording inside a sentence adds no line."""
    if len(_SENTENCE_WORDS.findall(edit.replacement)) < 3 or not re.search(r"[.!?]", edit.replacement):
        return None  # too short to hold a sentence of its own: no need to diff it
    for part in _fine_grained(text, edit):
        added = part.replacement.strip(" .")
        if len(_SENTENCE_WORDS.findall(added)) >= 3 and re.search(r"[.!?]", part.replacement):
            return part.start, added
    return None


@dataclass(frozen=True)
class _Layout:
    """Where a text's greeting, body and sign-off are, and whether it is part of a thread: what
    the placement checks read, worked out once per pass rather than once per edit."""

    greeting: tuple[int, int] | None
    signoff: tuple[int, int] | None
    body: tuple[int, int]
    from_earlier: bool
    into_later: bool

    @classmethod
    def of(cls, text: str) -> _Layout:
        greeting, signoff = greeting_range(text), signoff_range(text)
        body = (greeting[1] if greeting else len(text) - len(text.lstrip()),
                signoff[0] if signoff else len(text.rstrip()))
        return cls(greeting, signoff, body, *continuation(text))


def _line_problem(text: str, layout: _Layout, edit: Edit, *, customer_upset: bool) -> str | None:
    """A line added where a trainer would strike it out."""
    added = _added_line(text, edit)
    if added is None:
        return None
    at, line = added
    if layout.greeting and at < layout.greeting[1]:
        return f"{edit.rule}: would add a line before the greeting"
    if layout.signoff and at > layout.signoff[0]:
        return f"{edit.rule}: would add a line after the sign-off"
    if layout.from_earlier and not text[layout.body[0]:at].strip(" \t\n@") or \
            layout.into_later and not text[at:layout.body[1]].strip(" \t\n."):
        return f"{edit.rule}: would add a line inside a tweet thread's continuation"
    if not customer_upset and _EMPATHY_LINE.search(line):
        return f"{edit.rule}: would add an empathy line for a customer who is not upset"
    return None


_ARTICLE = re.compile(r"\b([Aa]n?)\s+([A-Za-z][\w'-]*)")
_DOUBLED = re.compile(r"\b(\w*[A-Za-z]\w*)\s+\1\b", re.IGNORECASE)
_DANGLING = re.compile(r"(?:^|[.!?]\s+)(?:Since|Although|Though|Whereas|While|Because)\b[^.!?\n]{1,200}?,?\s+but\b")
# A phrase a swap ends on ("sorry about this") run straight into the clause the old phrase
# carried ("... inconvenience we bring to you"): "sorry about this we bring to you".
_RUN_ON = re.compile(r"\b(?:about|for|with|on) (?:this|that|it) (?:we|I|you|they)\b(?! (?:can|could|will|would|"
                     r"should|may|might|must|are|were|have|had|do|did|'ll|'re|'ve)\b)", re.IGNORECASE)
_DOUBLED_OK = frozenset({"that", "had", "is", "do", "very", "really", "so", "bye", "ha", "no"})
# "an" before a vowel sound: vowel letters bar "uni-", "use", "eu-", "one"; silent-h words; letters
# said with a vowel sound first when an acronym is spelt out ("an FAQ", "an SMS").
_CONSONANT_SOUND = re.compile(r"^(?:uni|use|usu|uti|eu|ew|one|once|ur[aeiou])", re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)


def _wants_an(word: str) -> bool:
    if word.isupper() and len(word) > 1:
        return word[0] in "AEFHILMNORSX"
    if _VOWEL_SOUND.match(word):
        return True
    return word[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(word)


def grammar_faults(text: str) -> list[tuple[str, int, int]]:
    """Faults a substitution can leave that a cheap check can see: "a"/"an" before the wrong
    sound, a doubled word, "Since ... but", a phrase run into a clause. Each is (kind, start, end)."""
    faults = [("article", m.start(), m.end()) for m in _ARTICLE.finditer(text)
              if (m.group(1).lower() == "an") != _wants_an(m.group(2))]
    faults += [("doubled", m.start(), m.end()) for m in _DOUBLED.finditer(text)
               if m.group(1).lower() not in _DOUBLED_OK]
    faults += [("dangling", m.start(), m.end()) for m in _DANGLING.finditer(text)]
    faults += [("run-on", m.start(), m.end()) for m in _RUN_ON.finditer(text)]
    return faults


def _cased(text: str, edit: Edit) -> Edit:
    """The edit with its replacement capitalised where it starts a capitalised sentence, as rule
    fixes are: a plugged-in rewriter's edits get the same care."""
    replacement = capital_at_sentence_start(text, edit.start, edit.replacement)
    return edit if replacement == edit.replacement else edit.model_copy(update={"replacement": replacement})


def _new_faults(old: str, new: str) -> list[tuple[str, int, int]]:
    """Grammar faults in `new` that `old` did not have (compared by kind and text)."""
    had = Counter((kind, old[a:b].lower()) for kind, a, b in grammar_faults(old))
    fresh = []
    for kind, a, b in grammar_faults(new):
        key = (kind, new[a:b].lower())
        if had[key]:
            had[key] -= 1
        else:
            fresh.append((kind, a, b))
    return fresh


def resolve_overlaps(edits: Sequence[Edit]) -> list[Edit]:
    """Non-overlapping edits, in the proposer's order of preference, then sorted by position."""
    chosen: list[Edit] = []
    for e in edits:
        if all(e.end <= c.start or c.end <= e.start for c in chosen) and \
                not any(e.start == e.end == c.start == c.end for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda e: (e.start, e.end))


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, list[tuple[int, int]]]:
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


def new_findings(before: Report, after: Report, slot_ranges: Sequence[tuple[int, int]],
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


def rewrite_to_fixed_point(check: Checker, first: Report, clean: CleanText, *, customer: str | None,
                           rewriter: Rewriter, word_level: frozenset[str], customer_upset: bool = False,
                           slots: bool = False) -> Rewrite:
    """Rewrite a checked draft to a fixed point: propose, resolve, guard, apply; repeat while it helps.

    `customer_upset` says whether an empathy line may be added; edits that would leave a `[slot]`
    for the agent to fill in are left out unless `slots` is true."""
    current, report = first.text, first
    log = _EditLog()
    rejected: list[str] = []
    turned_down: set[tuple[str, str, str]] = set()  # (rule, old text, replacement): not tried again
    slot_spans: list[tuple[int, int]] = []
    fresh = True  # this pass may try every proposal: nothing is remembered as turned down
    for _ in range(MAX_PASSES):
        proposals = []
        layout = _Layout.of(current)
        for edit in rewriter.propose(report, customer=customer):
            edit = _cased(current, edit)
            if (edit.rule, current[edit.start:edit.end], edit.replacement) in turned_down:
                continue
            problem = _edit_problem(clean, current, layout, edit, customer_upset=customer_upset, slots=slots)
            if problem:
                rejected.append(problem)
            else:
                proposals.append(edit)
        chosen = resolve_overlaps(proposals)
        accepted = _accept(check, current, report, chosen, slot_spans, word_level, rejected)
        kept = {id(e) for e in accepted[0]} if accepted else set()
        turned_down.update((e.rule, current[e.start:e.end], e.replacement) for e in chosen if id(e) not in kept)
        if accepted is None:
            if fresh:
                break  # a fixed point: rewriting the result again would change nothing
            # Edits turned down in one context may pass in this one: try them all once more.
            turned_down.clear()
            fresh = True
            continue
        fresh = False
        edits, new_text, new_report, new_clean, placed = accepted
        slot_spans = [_shift(sp, edits) for sp in slot_spans] + [
            p for p, e in zip(placed, edits, strict=True) if "[" in e.replacement]
        log.record(edits, placed)
        current, report, clean = new_text, new_report, new_clean
    return Rewrite(text=current, edits=log.edits(current), before=first, after=report,
                   todos=todos_in(current, [en.cur for en in log.entries]),
                   rejected=tuple(dict.fromkeys(rejected)))


def _edit_problem(clean: CleanText, text: str, layout: _Layout, edit: Edit, *, customer_upset: bool,
                  slots: bool) -> str | None:
    if not 0 <= edit.start <= edit.end <= len(text):
        return f"{edit.rule}: offsets outside the text"
    if not slots and SLOT.search(edit.replacement):
        return f"{edit.rule}: left out, as it leaves a [slot] to fill in"
    return _span_problem(clean, edit) or _line_problem(text, layout, edit, customer_upset=customer_upset)


def _shift(span: tuple[int, int], edits: Sequence[Edit]) -> tuple[int, int]:
    shift = sum(len(e.replacement) - (e.end - e.start) for e in edits if e.end <= span[0])
    return span[0] + shift, span[1] + shift


Accepted = tuple[list[Edit], str, Report, CleanText, list[tuple[int, int]]]
_CHECKS_PER_PASS = 3  # one for all the edits, then at most two narrower tries: linear in the draft


def _accept(check: Checker, text: str, report: Report, edits: list[Edit], slots: list[tuple[int, int]],
            word_level: frozenset[str], rejected: list[str]) -> Accepted | None:
    """All the edits if together they pass the guard; else, by blaming the edits next to what got
    worse (or, with no one to blame, halving), the largest subset that passes in a few checks."""

    def attempt(chosen: list[Edit]) -> tuple[Accepted | None, list[Edit]]:
        new_text, placed = apply_edits(text, chosen)
        new_report, new_clean = check(new_text)
        new_slots = [_shift(sp, chosen) for sp in slots] + [
            p for p, e in zip(placed, chosen, strict=True) if "[" in e.replacement]
        spots = [(f.start, f.end) for f in new_findings(report, new_report, new_slots, word_level)]
        spots += [(a, b) for _, a, b in _new_faults(text, new_text)]
        if not spots and new_report.score >= report.score:
            return (chosen, new_text, new_report, new_clean, placed), []
        return None, [e for e, (ps, pe) in zip(chosen, placed, strict=True)
                      if any(ps - 2 <= b and a <= pe + 2 for a, b in spots)]

    if not edits:
        return None
    candidates = edits
    for _ in range(_CHECKS_PER_PASS):
        accepted, blamed = attempt(candidates)
        if accepted is not None:
            tried = {id(e) for e in candidates}
            rejected.extend(f"{e.rule}: the result scored lower or had a new finding or fault"
                            for e in edits if id(e) not in tried)
            return accepted
        blame = {id(e) for e in blamed}
        candidates = [e for e in candidates if id(e) not in blame] if blamed else candidates[:len(candidates) // 2]
        if not candidates:
            break
    rejected.extend(f"{e.rule}: the result scored lower or had a new finding or fault" for e in edits)
    return None


# --- slots and the draft as given -------------------------------------------------------------

_QUESTIONS = {
    "day": "when will this be done?", "date": "when will this be done?", "time": "at what time?",
    "when": "when will this happen?", "next step": "what happens next, and who does it?",
    "their name": "who is it?",
}


def todos_in(text: str, ranges: Sequence[tuple[int, int]]) -> tuple[Todo, ...]:
    """The slots inside the edited ranges of the final text, each with the question it asks."""
    found = []
    for lo, hi in ranges:
        for m in SLOT.finditer(text, lo, hi):
            name = m.group()[1:-1]
            found.append(Todo(start=m.start(), end=m.end(), slot=m.group(),
                              question="fill in: " + _QUESTIONS.get(name, f"what goes in {m.group()}?")))
    return tuple(sorted(found, key=lambda t: t.start))


def onto_draft(draft: str, cleaned: str, edits: Sequence[Edit]
               ) -> tuple[str, tuple[Edit, ...], list[tuple[int, int]]] | None:
    """Edits made to the cleaned text of an HTML or entity-encoded draft, applied to the draft as
    given: entities, tags, spacing and line breaks outside the edits survive byte for byte, and
    replacements are escaped as the draft is. Returns the text, the edits in the draft's offsets
    and where each replacement landed; None where an edit's span cannot be found in the draft (it
    crosses a tag or an entity), so the caller can fall back to the cleaned text."""
    offsets = source_offsets(draft, cleaned)
    if offsets is None:
        return None
    mapped = []
    for e in edits:
        start = end = offsets[e.start]
        if e.end > e.start:
            end = source_end(draft, offsets[e.end - 1])
        old = draft[start:end]
        if "<" in old or _squash(html.unescape(old)) != _squash(cleaned[e.start:e.end]):
            return None
        mapped.append(Edit(start=start, end=end, replacement=html.escape(e.replacement, quote=False),
                           rule=e.rule, reason=e.reason))
    ordered = sorted(mapped, key=lambda e: (e.start, e.end))
    text, placed = apply_edits(draft, ordered)
    return text, tuple(ordered), placed


def _squash(text: str) -> str:
    return " ".join(text.split())
