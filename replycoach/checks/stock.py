"""`stock`: the whole reply is made of stock words, the help-desk vocabulary any brand uses, with not
one word of its own: such a reply could be pasted under any message.

Handles, links, signatures, numbers and the name after a greeting ("Hi Amanda") are not the reply's
words, and neither are the parts of a contraction ("'re", "'ll"), so they never keep the rule quiet;
"n't" reads as "not". One word outside `words` does. The finding marks the reply's first sentence.
A word list rather than a `regex`: the vocabulary outgrows the 600 characters a pattern may hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from ..signals import names_problem
from .base import Check, MatcherBank, register_kind

_GREETINGS = frozenset({"hi", "hello", "hey", "dear"})
_SIGNATURE_MARKS = ("^", "*", "-", "~")  # "^MG", "*TM", "- Martin": an agent's initials or name


def _vocabulary(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Whole words, and the prefixes of entries written "assist*"."""
    return (frozenset(e for e in entries if not e.endswith("*")),
            tuple(e[:-1] for e in entries if e.endswith("*")))


class StockSpec(RuleSpec):
    kind: Literal["stock"]
    words: tuple[str, ...] = Field(min_length=1, description=(
        "The stock vocabulary: lower-case words; 'assist*' stands for every word that starts 'assist'."))
    needs: tuple[str, ...] = Field(default=(), description=(
        "At least one of these words (same notation) must be there: what makes the reply a template "
        "rather than a greeting or a thank-you."))
    customer_asks: bool = Field(False, description=(
        "Applies only when the customer's message asks a question, names a problem or reads as upset: "
        "a reply that takes up nothing is a template only when there was something to take up."))
    suggestions: tuple[str, ...] = ()

    @field_validator("words", "needs")
    @classmethod
    def _lower_words(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            word = entry.removesuffix("*")
            if not word or word != word.lower() or not word.replace("'", "").isalpha():
                raise ValueError(f"{entry!r}: entries are lower-case words, optionally ending in '*'")
        return value


@register_kind("stock")
class Stock(Check[StockSpec]):
    Spec = StockSpec
    word_level = False  # it judges the whole reply

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        self._words, self._prefixes = _vocabulary(self.spec.words)
        self._needs, self._need_prefixes = _vocabulary(self.spec.needs)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx) or (self.spec.customer_asks and not _customer_asks(ctx)):
            return
        words = _own_words(a)
        if not words or not all(self._stock(w, self._words, self._prefixes) for _, w in words):
            return
        if self.spec.needs and not any(self._stock(w, self._needs, self._need_prefixes) for _, w in words):
            return
        first = words[0][0]
        sentence = next((s for s in a.sentences if s.tok_start <= first < s.tok_end), None)
        start = a.starts[first]
        end = a.token_end(sentence.tok_end - 1) if sentence else a.token_end(first)
        yield self.finding(a, start, end, suggestions=self.spec.suggestions)

    @staticmethod
    def _stock(word: str, whole: frozenset[str], prefixes: tuple[str, ...]) -> bool:
        return word in whole or word.startswith(prefixes)


def _customer_asks(ctx: Context) -> bool:
    customer = ctx.customer
    if customer is None:
        return False
    said = customer.analysis
    return customer.upset or said.asks() or names_problem(said.text)


def _own_words(a: Analysis) -> list[tuple[int, str]]:
    """(token index, lower-case word) of the reply's own words, in order (see the module's docstring)."""
    out: list[tuple[int, str]] = []
    previous = ""
    for i, text in enumerate(a.texts):
        if text.startswith(_SIGNATURE_MARKS) or (i and a.texts[i - 1] in _SIGNATURE_MARKS and text[:1].isupper()):
            continue
        if a.protected[i] is not None or not a.is_word[i]:
            continue
        word = text.lower().replace("’", "'")
        if word == "n't":
            word = "not"
        elif word.startswith("'"):
            continue  # the rest of a contraction: "we" + "'re"
        elif previous in _GREETINGS and text[:1].isupper() and word not in ("there", "team", "all"):
            previous = word
            continue  # the customer's name after "Hi"
        previous = word
        out.append((i, word))
    return out
