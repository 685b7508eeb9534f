"""`rarity`: words rare in everyday English (wordfreq's Zipf scale), which customers may not know."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis, norm_of, plain_zipf
from ..rules.schema import RuleSpec
from .base import Check, register_kind


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency in English: 7 for 'the', 3 for 'plumber', below 2.5 rare (wordfreq's,
    from the compiled-pack cache's table for plain words)."""
    known = plain_zipf(word)
    if known is not None:
        return known
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


# Languages a support team may get a reply in by mistake, written in the Latin alphabet (other
# scripts are caught by counting letters; see Coach's non-English refusal).
OTHER_LANGUAGES = ("es", "fr", "de", "pt", "it", "nl")


@lru_cache(maxsize=50_000)
def _foreign(word: str) -> bool:
    """More common in another language than in English by a factor of ten, and common there."""
    from wordfreq import zipf_frequency

    other = max(zipf_frequency(word, lang, wordlist="small") for lang in OTHER_LANGUAGES)
    return other >= 3.0 and other >= zipf(word) + 1.0


def looks_foreign(words: list[str]) -> bool:
    """True if lower-cased `words` (6 or more) read as another language than English: half of
    them belong to another language ("hola", "gracias", "por"). Measured on 5,600 support
    tweets and replies: English ones stay under 0.45 (names, loanwords), others from 0.5 up.
    Only the first 300 words are read, and only when under 60% are common English words (the
    other languages' word lists are loaded when first needed)."""
    words = words[:300]
    if len(words) < 6 or sum(1 for w in words if zipf(w) >= 4.5) >= 0.6 * len(words):
        return False
    return sum(1 for w in words if _foreign(w)) >= 0.5 * len(words)


class RaritySpec(RuleSpec):
    kind: Literal["rarity"]
    zipf_below: float | None = Field(None, ge=0, le=8,
                                     description="Threshold; unset uses the config's `rarity_zipf`.")
    min_length: int = Field(4, ge=1)
    allow: tuple[str, ...] = ()


@register_kind("rarity")
class Rarity(Check[RaritySpec]):
    Spec = RaritySpec

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        threshold = self.spec.zipf_below if self.spec.zipf_below is not None else ctx.config.rarity_zipf
        allow = {w.lower() for w in self.spec.allow} | ctx.allow
        seen: set[str] = set()
        lo, hi = a.rule_range(self.spec.scope)
        for i, text in enumerate(a.texts):
            if not a.is_word[i] or len(text) < self.spec.min_length or not text.isalpha():
                continue
            if text[0].isupper() or not lo <= a.starts[i] < hi:
                continue  # names (without a tagger, any capitalised word may be one) and acronyms
            lower = text.lower()
            if lower in seen or lower in allow:
                continue
            seen.add(lower)
            norm = norm_of(lower)
            if zipf(lower) >= threshold or zipf(norm) >= threshold:
                continue
            if ctx.customer and ctx.customer.used((norm,), text):
                continue
            yield self.finding(a, a.starts[i], a.token_end(i), zipf=round(zipf(lower), 1))
