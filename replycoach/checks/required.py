"""`required`: at least one of these phrases must appear (under a condition, in a scope)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec, Strict
from .base import Check, MatcherBank, register_kind

_LEADING_HANDLES = re.compile(r"(?:@\w{1,30}[ \t]*)+")


class Insert(Strict):
    """A line to add: the first template that can be filled, at the start or end of the reply body."""

    text: tuple[str, ...] = Field(min_length=1, description="Templates, best first; may use {customer_problem}.")
    at: Literal["opening", "closing"] = Field(
        description="opening: first thing after the greeting; closing: last thing before the sign-off.")


class RequiredSpec(RuleSpec):
    kind: Literal["required"]
    phrase_fields = ("any",)
    any: tuple[str, ...] = Field(min_length=1, description="Any one of these satisfies the rule.")
    suggestions: tuple[str, ...] = Field(default=(), description="Lines the agent could add.")
    insert: Insert | None = None


@register_kind("required")
class Required(Check[RequiredSpec]):
    Spec = RequiredSpec
    density_scaled = False

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key, self.spec.any)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if self.applies(a, ctx) and not self.token_hits(a, ctx):
            yield self.missing_finding(a, suggestions=self.spec.suggestions, fixes=self._insertion(a, ctx))

    def _insertion(self, a: Analysis, ctx: Context) -> list[Fix]:
        """The line inserted as its own sentence, after the greeting or before the sign-off."""
        body = [s for s in a.sentences if s.words]
        if not self.spec.insert or not body:
            return []
        fixes = self.replace_fixes(a, ctx, 0, 0, self.spec.insert.text)
        if not fixes:
            return []
        line = fixes[0].replacement
        if self.spec.insert.at == "opening":
            at = body[0].start
            handles = _LEADING_HANDLES.match(a.text, at)  # "@jo @sam Thanks..." -> after the handles
            at = handles.end() if handles else at
            return [Fix(start=at, end=at, replacement=f"{line} ", slot=fixes[0].slot)]
        at = body[-1].end
        if a.signoff and a.signoff[0] < at:  # a sign-off on the last line ("... today *TMT")
            at = len(a.text[:a.signoff[0]].rstrip())
        stop = "" if a.text[:at].rstrip()[-1:] in ".!?" else "."
        return [Fix(start=at, end=at, replacement=f"{stop} {line}", slot=fixes[0].slot)]
