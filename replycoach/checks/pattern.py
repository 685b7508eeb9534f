"""`pattern`: spaCy token patterns (no REGEX operators: they could hang on long tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from .base import Check, MatcherBank, register_kind


def _find_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return any(k.upper() == key or _find_key(v, key) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_find_key(v, key) for v in value)
    return False


class PatternSpec(RuleSpec):
    kind: Literal["pattern"]
    patterns: tuple[tuple[dict[str, Any], ...], ...] = Field(
        min_length=1, description="spaCy Matcher patterns: a list of token patterns.")
    suggestions: tuple[str, ...] = ()
    requires: tuple[Literal["tagger", "morphologizer", "parser"], ...] = Field(
        default=(), description="Pipeline components the patterns need (a trained pipeline).")
    credit: bool = False


@register_kind("pattern")
class Pattern(Check[PatternSpec]):
    Spec = PatternSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        if _find_key(self.spec.patterns, "REGEX"):
            raise ValueError("REGEX is not allowed in token patterns (it can hang on long input); "
                             "use IN with a word list, or the `regex` kind, which is time-guarded")
        self.active = all(bank.nlp.has_pipe(c) for c in self.spec.requires)
        if self.active:
            bank.add_patterns(self.key, [list(p) for p in self.spec.patterns])

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.active or not self.applies(a, ctx):
            return
        for start, end in self.token_hits(a, ctx):
            finding = self.token_finding(a, start, end, suggestions=self.spec.suggestions)
            if self.spec.credit:
                yield Strength(rule=finding.rule, category=finding.category, start=finding.start,
                               end=finding.end, text=finding.text, message=finding.message)
            else:
                yield finding
