"""`exchange-unless`: an `exchange` rule (a regex over the reply, gated on the customer's message)
that, like `lone`, stays quiet where any of its `unless` phrases appears anywhere in the reply.

For whole-reply judgements that need both a customer gate and a long list of words that rule the
finding out: bad news with nothing after it strands a customer who reported a problem, and one
word of a way forward anywhere ("please", "will", "suggest") means it is not left there. The
words live in a phrase list (on lemmas, or with `match: lower` the exact words) rather than in
the pattern, where they would use up its 600 characters. Words inside links, ids and code do not
count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from .base import MatcherBank, register_kind
from .exchange import Exchange, ExchangeSpec


class ExchangeUnlessSpec(ExchangeSpec):
    kind: Literal["exchange-unless"]  # type: ignore[assignment]
    phrase_fields = ("unless",)
    unless: tuple[str, ...] = Field(min_length=1, description=(
        "Any one of these anywhere in the reply keeps the rule quiet; `{a|b|}` alternations expand."))
    match: Literal["lemma", "lower"] = Field(
        "lemma", description="How `unless` matches: lemma: small variations match (tense, plural, British "
                             "spelling); lower: the exact words, any case.")


@register_kind("exchange-unless")
class ExchangeUnless(Exchange):
    Spec = ExchangeUnlessSpec  # type: ignore[assignment]
    spec: ExchangeUnlessSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key + "#unless", self.spec.unless, exact=self.spec.match == "lower")

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not any(a.in_words(start, end) for start, end in ctx.hits.get(self.key + "#unless", ())):
            yield from super().run(a, ctx)
