"""`substitution`: this term -> a plainer one, or the term kept with a short explanation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis, norm_of
from ..rules.schema import RuleSpec, Strict, expand_phrases
from .base import Check, MatcherBank, register_kind


class Replacement(Strict):
    use: tuple[str, ...] = Field(default=(), description="Plainer words, best first.")
    explain: str | None = Field(None, description="A short explanation if the term must stay.")


class SubstitutionSpec(RuleSpec):
    kind: Literal["substitution"]
    swap: dict[str, str | tuple[str, ...] | Replacement] = Field(
        min_length=1, description="term -> replacement(s), or {use: [...], explain: ...}")
    match: Literal["lemma", "lower"] = "lemma"


@register_kind("substitution")
class Substitution(Check[SubstitutionSpec]):
    Spec = SubstitutionSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        self._entries: dict[tuple[str, ...], tuple[str, Replacement]] = {}
        exact = self.spec.match == "lower"
        for term, value in self.spec.swap.items():
            if isinstance(value, str):
                value = Replacement(use=(value,))
            elif isinstance(value, tuple):
                value = Replacement(use=value)
            if not value.use and not value.explain:
                raise ValueError(f"swap entry {term!r} needs `use` or `explain`")
            for variant in expand_phrases([term]):
                doc = bank.nlp.make_doc(variant) if exact else bank.nlp(variant)
                keys = tuple(t.lower_ if exact else t.norm_ for t in doc)
                self._entries[keys] = (term, value)
        bank.add_phrases(self.key, list(self.spec.swap), exact=exact)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        exact = self.spec.match == "lower"
        seen: set[str] = set()
        for start, end in self.token_hits(a, ctx):
            words = a.texts[start:end]
            norms = tuple(norm_of(w) for w in words)
            entry = self._entries.get(tuple(w.lower() for w in words) if exact else norms)
            if entry is None:
                continue
            term, value = entry
            if a.text[a.token_end(end - 1):a.token_end(end - 1) + 2].lstrip().startswith("("):
                continue  # already explained: "APN (access point name)"
            if term.lower() in ctx.allow or (self.spec.skip_if_customer_used and ctx.customer
                                            and ctx.customer.used(norms, a.span_text(start, end))):
                continue
            first_use = term not in seen
            seen.add(term)
            suggestions = list(value.use)
            if value.explain and first_use:
                suggestions.append(f"{a.span_text(start, end)} ({value.explain})")
            yield self.token_finding(a, start, end, suggestions=suggestions,
                                     replacement=value.use[0] if value.use else a.span_text(start, end),
                                     explain=value.explain or "")
