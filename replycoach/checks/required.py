"""`required`: at least one of these phrases must appear (under a condition, in a scope)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis, Sentence, continuation
from ..rules.schema import RuleSpec, Strict
from .base import Check, MatcherBank, register_kind

_LEADING_HANDLES = re.compile(r"(?:@\w{1,30}[ \t]*)+")


class Insert(Strict):
    """A line to add: the first template that can be filled, at the start or end of the reply body."""

    text: tuple[str, ...] = Field(min_length=1, description="Templates, best first; may use {customer_problem}.")
    at: Literal["opening", "closing"] = Field(
        description="opening: first thing after the greeting; closing: last thing before the sign-off.")
    generic: Literal["apply", "suggest"] = Field(
        "apply", description="A template without placeholders: applied, or only offered as a suggestion "
                             "(a stock line pasted into a reply reads as canned).")
    upset_at: float | None = Field(
        None, ge=0, le=1, description="Insert only when the customer-state model is at least this sure the "
                                      "customer is upset: an empathy line for a calm customer rings false.")


class RequiredSpec(RuleSpec):
    kind: Literal["required"]
    phrase_fields = ("any",)
    any: tuple[str, ...] = Field(min_length=1, description="Any one of these satisfies the rule.")
    suggestions: tuple[str, ...] = Field(default=(), description="Lines the agent could add.")
    insert: Insert | None = None


@register_kind("required")
class Required(Check[RequiredSpec]):
    Spec = RequiredSpec
    word_level = False

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key, self.spec.any)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if self.applies(a, ctx) and not self.token_hits(a, ctx):
            fixes, offered = self._insertion(a, ctx)
            yield self.missing_finding(a, suggestions=tuple(dict.fromkeys([*offered, *self.spec.suggestions])),
                                       fixes=fixes)

    def _insertion(self, a: Analysis, ctx: Context) -> tuple[list[Fix], list[str]]:
        """The line inserted as its own sentence, after the greeting or before the sign-off; or,
        where inserting it would not be safe, the line offered as a suggestion."""
        insert = self.spec.insert
        body = [s for s in a.sentences if s.words]
        if not insert or not body:
            return [], []
        filled = next(((t, f) for t in insert.text for f in self.replace_fixes(a, ctx, 0, 0, [t])), None)
        if filled is None:
            return [], []
        template, fix = filled
        line = fix.replacement
        from_earlier, into_later = continuation(a.text)
        if (insert.generic == "suggest" and "{" not in template) or not _sure_enough(ctx, insert.upset_at) \
                or (from_earlier if insert.at == "opening" else into_later):
            return [], [line]
        if insert.at == "opening":
            return [_opening(a, body, line, fix.slot)], []
        at = body[-1].end
        if a.signoff and a.signoff[0] < at:  # a sign-off on the last line ("... today *TMT")
            at = len(a.text[:a.signoff[0]].rstrip())
        stop = "" if a.text[:at].rstrip()[-1:] in ".!?" else "."
        return [Fix(start=at, end=at, replacement=f"{stop} {line}", slot=fix.slot)], []


def _sure_enough(ctx: Context, upset_at: float | None) -> bool:
    if upset_at is None or ctx.customer is None:
        return True
    if ctx.customer.upset_p is None:  # the older sentiment test gives no probability
        return ctx.customer.upset
    return ctx.customer.upset_p >= upset_at


def _opening(a: Analysis, body: list[Sentence], line: str, slot: bool) -> Fix:
    """The line as the first sentence after the greeting ("@jo Hi Sam! <line> Your refund...")."""
    at = body[0].start
    if a.greeting:
        at = max(at, a.greeting[1])
    else:
        handles = _LEADING_HANDLES.match(a.text, at)  # "@jo @sam Thanks..." -> after the handles
        at = handles.end() if handles else at
    while at < len(a.text) and a.text[at] in " \t":
        at += 1
    nxt = a.text[at:at + 1]
    if nxt.islower():  # "Hi there, thanks for..." -> "Hi there, <line> Thanks for..."
        return Fix(start=at, end=at + 1, replacement=f"{line} {nxt.upper()}", slot=slot)
    return Fix(start=at, end=at, replacement=f"{line} ", slot=slot)

