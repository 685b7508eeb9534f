"""`regex`: a regular expression over the text, for shapes tokens cannot see ({{first_name}}, !!!).

Guarded: the pattern's length is capped and every search runs under a time limit (the
`regex` module's timeout), so a careless pattern cannot hang a check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import regex
from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from .base import Check, MatcherBank, register_kind

TIME_LIMIT_S = 0.05


class RegexSpec(RuleSpec):
    kind: Literal["regex"]
    pattern: str = Field(min_length=1, max_length=600)
    ignore_case: bool = False
    suggestions: tuple[str, ...] = ()
    fix: tuple[str, ...] = Field(default=(), description="Replacement templates, best first; '' removes.")


@register_kind("regex")
class Regex(Check[RegexSpec]):
    Spec = RegexSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        try:
            self._pattern = regex.compile(self.spec.pattern, regex.IGNORECASE if self.spec.ignore_case else 0)
        except regex.error as err:
            raise ValueError(f"invalid regular expression: {err}") from None
        if self._pattern.search("", timeout=TIME_LIMIT_S) is not None:
            raise ValueError("the pattern matches empty text; it would fire everywhere")

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        lo, hi = a.scope_range("reply" if self.spec.scope == "sentence" else self.spec.scope)
        try:
            for m in self._pattern.finditer(a.clean.analysed, lo, hi, timeout=TIME_LIMIT_S):
                if m.end() > m.start() and not a.clean.is_protected(m.start(), m.end()):
                    yield self.finding(a, m.start(), m.end(), suggestions=self.spec.suggestions,
                                       fixes=self.replace_fixes(a, ctx, m.start(), m.end(), self.spec.fix))
        except TimeoutError:
            return  # a pathological input for this pattern: skip the rule rather than hang
