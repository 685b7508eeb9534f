"""`rarity`: words rare in everyday English (wordfreq's Zipf scale), which customers may not know."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

from pydantic import Field

from ..context import Context
from ..language import zipf
from ..models import Finding, Strength
from ..pipeline import Analysis, norm_of, plain_zipf
from ..rules.schema import Rule, RuleSpec
from .base import Check, register_kind


class RaritySpec(RuleSpec):
    kind: Literal["rarity"]
    zipf_below: float | None = Field(None, ge=0, le=8,
                                     description="Threshold; unset uses the config's `rarity_zipf`.")
    min_length: int = Field(4, ge=1)
    allow: tuple[str, ...] = ()
    typo_of: float | None = Field(None, ge=0, le=8, description=(
        "A rare word one letter away from a word at least this common (Zipf) is a typo "
        "('feeback', 'transfered'), not a word the customer may not know: it stays quiet."))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _plain(word: str) -> float:
    known = plain_zipf(word)  # the cached table: no wordfreq call for each made-up spelling
    return zipf(word) if known is None else known


@lru_cache(maxsize=20_000)
def _one_letter_from(word: str, common: float) -> bool:
    """A letter dropped, added, changed or two swapped makes `word` a word this common."""
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail and _plain(head + tail[1:]) >= common:
            return True
        if len(tail) > 1 and _plain(head + tail[1] + tail[0] + tail[2:]) >= common:
            return True
        for c in _LETTERS:
            if _plain(head + c + tail) >= common or (tail and c != tail[0] and _plain(head + c + tail[1:]) >= common):
                return True
    return False


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
            if self.spec.typo_of is not None and _one_letter_from(lower, self.spec.typo_of):
                continue
            yield self.finding(a, a.starts[i], a.token_end(i), zipf=round(zipf(lower), 1))
