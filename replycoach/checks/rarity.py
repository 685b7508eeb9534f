"""`rarity`: words rare in everyday English (wordfreq's Zipf scale), which customers may not know."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..language import zipf
from ..models import Finding, Strength
from ..pipeline import Analysis, norm_of
from ..rules.schema import Rule, RuleSpec
from .base import Check, register_kind


class RaritySpec(RuleSpec):
    kind: Literal["rarity"]
    zipf_below: float | None = Field(None, ge=0, le=8,
                                     description="Threshold; unset uses the config's `rarity_zipf`.")
    min_length: int = Field(4, ge=1)
    allow: tuple[str, ...] = ()


@register_kind("rarity")
class Rarity(Check[RaritySpec]):
    Spec = RaritySpec

    def __init__(self, rule: Rule[RaritySpec]) -> None:
        super().__init__(rule)
        self._allow = frozenset(w.lower() for w in self.spec.allow)  # once, not per check

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        threshold = self.spec.zipf_below if self.spec.zipf_below is not None else ctx.config.rarity_zipf
        own, team = self._allow, ctx.allow  # the rule's list and the team's (both lower case)
        seen: set[str] = set()
        lo, hi = a.rule_range(self.spec.scope)
        for i, text in enumerate(a.texts):
            if not a.is_word[i] or len(text) < self.spec.min_length or not text.isalpha():
                continue
            if text[0].isupper() or not lo <= a.starts[i] < hi:
                continue  # names (without a tagger, any capitalised word may be one) and acronyms
            lower = text.lower()
            if lower in seen or lower in own or lower in team:
                continue
            seen.add(lower)
            norm = norm_of(lower)
            if zipf(lower) >= threshold or zipf(norm) >= threshold:
                continue
            if ctx.customer and ctx.customer.used((norm,), text):
                continue
            yield self.finding(a, a.starts[i], a.token_end(i), zipf=round(zipf(lower), 1))
