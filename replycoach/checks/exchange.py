"""`exchange`: a `regex` over the reply that applies only when the customer's message does (or
does not) match an expression of its own: what a reply owes depends on what it answers. A flat
"no" with nothing after it strands a customer who reported a problem, and answers one who asked
a question; the reply's words are the same, the customer's message tells them apart.

The customer's expressions read their words: links, e-mail addresses, handles and code are blanked
first. Both expressions are guarded as `regex` guards its pattern (length, compiled size, CPU time); a
customer's message that makes the search run out skips the rule, reported in
`Report.metrics.unchecked_rules` as any regex rule is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

import regex
from pydantic import Field, model_validator

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..signals import Gated
from ..text import CleanText
from .base import MatcherBank, register_kind
from .regexp import Regex, RegexSpec, compile_guarded, literal_gate, within_time_limit


class ExchangeSpec(RegexSpec):
    kind: Literal["exchange"]  # type: ignore[assignment]
    customer_matches: str | None = Field(default=None, min_length=1, max_length=600, description=(
        "Applies only when the customer's message matches this (never without a customer message)."))
    customer_lacks: str | None = Field(default=None, min_length=1, max_length=600, description=(
        "Applies only when the customer's message does not match this (or there is none)."))

    @model_validator(mode="after")
    def _reads_the_customer(self) -> ExchangeSpec:
        if self.customer_matches is None and self.customer_lacks is None:
            raise ValueError("an exchange rule needs customer_matches or customer_lacks; without either, "
                             "use kind: regex")
        return self


# Kinds of protected span whose characters say nothing about what the customer wrote: the "?" of
# "youtube.com/watch?v=..." is no question.
_NOT_WORDS = frozenset({"code", "url", "email", "handle"})


def _words_only(clean: CleanText) -> str:
    """The customer's analysed text, quotes straight, with links, addresses, handles and code blanked (offsets kept)."""
    text, at = clean.straight, 0
    parts: list[str] = []
    for span in clean.protected:  # in order, never overlapping (one pass of one expression)
        if span.kind in _NOT_WORDS:
            parts += [text[at:span.start], " " * (span.end - span.start)]
            at = span.end
    return "".join(parts) + text[at:]


@register_kind("exchange")
class Exchange(Regex):
    Spec = ExchangeSpec  # type: ignore[assignment]
    spec: ExchangeSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        flags = regex.IGNORECASE if self.spec.ignore_case else 0
        self._customer: dict[str, tuple[regex.Pattern[str], Gated | None]] = {}
        for name in ("customer_matches", "customer_lacks"):
            pattern = getattr(self.spec, name)
            if pattern is not None:
                compiled = compile_guarded(pattern, flags, name)
                self._customer[name] = compiled, literal_gate(compiled, pattern, re.IGNORECASE if flags else 0)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        text = _words_only(ctx.customer.analysis.clean) if ctx.customer is not None else None
        found = {name: self._found(*searched, text) for name, searched in self._customer.items()}
        if None in found.values():  # the customer's message made a search run out
            ctx.unchecked.append(self.rule.id)
            return
        if found.get("customer_matches") is False or found.get("customer_lacks") is True:
            return
        yield from super().run(a, ctx)

    @staticmethod
    def _found(pattern: regex.Pattern[str], gate: Gated | None, text: str | None) -> bool | None:
        """Whether `pattern` occurs in the customer's `text` (False without one, or without any
        string its matches need), or None when the search takes more than the CPU time `regex`
        rules are allowed (`within_time_limit`)."""
        if text is None or (gate is not None and not gate.may_match(text)):
            return False
        return within_time_limit(lambda wall: pattern.search(text, timeout=wall) is not None)
