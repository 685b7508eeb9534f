"""`required`: at least one of these phrases must appear (under a condition, in a scope)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from .base import Check, MatcherBank, register_kind


class RequiredSpec(RuleSpec):
    kind: Literal["required"]
    any: tuple[str, ...] = Field(min_length=1, description="Any one of these satisfies the rule.")
    suggestions: tuple[str, ...] = Field(default=(), description="Lines the agent could add.")


@register_kind("required")
class Required(Check[RequiredSpec]):
    Spec = RequiredSpec
    density_scaled = False

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        bank.add_phrases(self.key, self.spec.any)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if self.applies(a, ctx) and not self.token_hits(a, ctx):
            yield self.missing_finding(a, suggestions=self.spec.suggestions)
