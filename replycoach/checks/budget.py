"""`budget`: how often phrases may appear, within a band, optionally per N words."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from .base import Check, MatcherBank, register_kind


class BudgetSpec(RuleSpec):
    kind: Literal["budget"]
    phrase_fields = ("phrases",)
    phrases: tuple[str, ...] = Field(min_length=1)
    max: int | None = Field(None, ge=0, description="At most this many (per `per_words`).")
    min: int = Field(0, ge=0, description="At least this many.")
    per_words: int | None = Field(None, ge=10, description="Scale the band per this many words.")
    suggestions: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _band(self) -> BudgetSpec:
        if self.max is None and not self.min:
            raise ValueError("set `max`, `min` or both")
        if self.max is not None and self.max < self.min:
            raise ValueError("`max` must not be below `min`")
        return self


@register_kind("budget")
class Budget(Check[BudgetSpec]):
    Spec = BudgetSpec
    word_level = False

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key, self.spec.phrases)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        hits = self.token_hits(a, ctx)
        scale = max(1, math.ceil(a.words / self.spec.per_words)) if self.spec.per_words else 1
        allowed = None if self.spec.max is None else self.spec.max * scale
        if allowed is not None and len(hits) > allowed:
            start, end = hits[allowed]
            yield self.token_finding(a, start, end, suggestions=self.spec.suggestions,
                                     count=len(hits), limit=allowed, words=a.words)
        elif len(hits) < self.spec.min * scale:
            yield self.missing_finding(a, suggestions=self.spec.suggestions, count=len(hits),
                                       limit=self.spec.min * scale, words=a.words)
