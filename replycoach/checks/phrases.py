"""`phrases`: any of these phrases, matched on lemmas ("apologised" finds "apologize")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis, norm_of
from ..rules.schema import RuleSpec
from .base import Check, MatcherBank, register_kind


class PhrasesSpec(RuleSpec):
    kind: Literal["phrases"]
    phrase_fields = ("phrases",)
    phrases: tuple[str, ...] = Field(min_length=1, description="`{a|b|}` alternations expand.")
    match: Literal["lemma", "lower"] = Field(
        "lemma", description="lemma: small variations match (tense, plural, British spelling); "
                             "lower: the exact words, any case.")
    suggestions: tuple[str, ...] = ()
    fix: tuple[str, ...] = Field(default=(), description="Replacement templates, best first; '' removes.")
    credit: bool = Field(False, description="A strength of the reply rather than a problem.")
    once: bool = Field(False, description=(
        "At most one finding per reply: for rules about the reply as a whole (sending the customer "
        "back to a failed channel), where three phrases of one sentence are one problem."))


@register_kind("phrases")
class Phrases(Check[PhrasesSpec]):
    Spec = PhrasesSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key, self.spec.phrases, exact=self.spec.match == "lower")

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        for start, end in self.token_hits(a, ctx):
            if self.spec.skip_if_customer_used and ctx.customer and ctx.customer.used(
                    tuple(norm_of(w) for w in a.texts[start:end]), a.span_text(start, end)):
                continue
            if self.spec.credit:
                yield self.strength(a, start, end)
            else:
                first, last = a.starts[start], a.token_end(end - 1)
                yield self.token_finding(a, start, end, suggestions=self.spec.suggestions,
                                         fixes=self.replace_fixes(a, ctx, first, last, self.spec.fix))
            if self.spec.once:
                return
