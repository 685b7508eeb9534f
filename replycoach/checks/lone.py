"""`lone`: one of these phrases is all the reply gives: it fires only where no `unless` phrase (and,
with `unless_question`, no question mark) appears anywhere in the reply.

For whole-reply judgements such as a brush-off ("we've replied to your DM" and nothing else): one
word of engagement anywhere ("sorry", "could you", a question) means the phrase is not all there is.
Words and question marks inside links, ids and code do not count, either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from .base import MatcherBank, register_kind
from .phrases import Phrases, PhrasesSpec


class LoneSpec(PhrasesSpec):
    kind: Literal["lone"]  # type: ignore[assignment]  # a phrases spec under its own kind
    phrase_fields = ("phrases", "unless")
    unless: tuple[str, ...] = Field(min_length=1, description=(
        "Any one of these anywhere in the reply keeps the rule quiet; matched on lemmas, whatever "
        "`match` says (any form of 'apologize' is engagement); `{a|b|}` alternations expand."))
    unless_question: bool = Field(False, description="A question mark anywhere in the reply keeps it quiet too.")
    once: bool = Field(True, description="At most one finding per reply (the default: it judges the whole reply).")


@register_kind("lone")
class Lone(Phrases):
    Spec = LoneSpec  # type: ignore[assignment]
    spec: LoneSpec  # type: ignore[assignment]

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key + "#unless", self.spec.unless)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self._engages(a, ctx):
            yield from super().run(a, ctx)

    def _engages(self, a: Analysis, ctx: Context) -> bool:
        """Does the reply say anything besides the phrase: an `unless` phrase or a question, outside links?"""
        return (any(a.in_words(start, end) for start, end in ctx.hits.get(self.key + "#unless", ()))
                or (self.spec.unless_question and a.asks()))
