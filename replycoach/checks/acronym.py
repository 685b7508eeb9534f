"""`acronym`: capitalised abbreviations the reply does not spell out and the customer did not use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

from pydantic import Field

from ..context import Context
from ..language import zipf
from ..models import Finding, Fix, Strength
from ..pipeline import SENTENCE_END, Analysis
from ..rules.schema import Rule, RuleSpec
from .base import Check, capital_at_sentence_start, register_kind, runs_into_a_name

COMMON_WORD_ZIPF = 4.5  # "you" is 7.2, "order" 5.5; acronyms like "SMS" 3.6, "ETA" 3.3

# Capitals, optionally after one digit ("2SV", "3DS"): "KYC", "AT&T", "SLAs".
_SHAPE = re.compile(r"^[0-9]?[A-Z][A-Z0-9&+]{1,7}s?$")
# A model or version code ("PS4", "S10", "G85", "M6S", "L39U"), a product name rather than an
# abbreviation: a digit at the end or after a letter ("2SV", a digit first, is an abbreviation).
_MODEL_NUMBER = re.compile(r"[0-9]$|[A-Z][0-9]")
# Marks before an agent's initials ("*TLT", "^JS", "~ AMY", "= JJ") or a mention ("@ CTRIP", as
# Weibo spaces it): a name, not an abbreviation.
_NAME_MARKS = "*^~=@"


class AcronymSpec(RuleSpec):
    kind: Literal["acronym"]
    allow: tuple[str, ...] = Field(default=(), description="Acronyms every customer knows (OK, TV, PIN).")
    known: dict[str, str] = Field(default_factory=dict, description="Acronym -> its spelled-out form.")
    known_message: str | None = Field(None, description="Message when the expansion is known; "
                                                        "{expansion} is available.")
    rarer_than: float | None = Field(None, ge=0, le=8, description=(
        "Only acronyms rarer than this in everyday English (wordfreq Zipf) fire; customers have met "
        "'VPN' (3.4) or 'ETA' (3.4), not 'HSPA' (2.2) or '2SV' (0)."))
    min_length: int = Field(2, ge=2, le=8, description="Shorter acronyms (initials, 'TD') stay quiet.")
    max_length: int = Field(8, ge=2, le=8, description="Longer capitalised words ('XFINITY') stay quiet: "
                                                      "more often a brand or a word in capitals.")


def _signature(a: Analysis, i: int) -> bool:
    """An agent's initials or a mention: after a mark ("*TLT", "= JJ", "@ CTRIP"), or the reply's
    last word after a link or a full stop ("...: <link> HRB")."""
    before = a.starts[i]
    while before and a.text[before - 1].isspace():
        before -= 1
    if before and a.text[before - 1] in _NAME_MARKS:
        return True
    if a.text[a.token_end(i):].strip():
        return False
    j = i - 1
    while j >= 0 and a.texts[j].isspace():
        j -= 1
    return j >= 0 and (a.protected[j] == "url" or a.texts[j] in SENTENCE_END)


@lru_cache(maxsize=100_000)
def _shaped(token: str) -> bool:
    return _SHAPE.match(token) is not None


def _candidates(a: Analysis) -> list[int]:
    """The tokens shaped like an acronym, outside shouted sentences (the tone rules see those),
    in order: a fact of the draft, shared by every acronym rule of a check."""
    found = []
    for s in a.sentences:
        words = [i for i in range(s.tok_start, s.tok_end) if a.is_word[i]]
        upper = sum(1 for i in words if a.texts[i].isupper())
        if words and upper > 2 and upper >= 0.6 * len(words):
            continue
        # "2SV" is no word to the pipeline (its digit is protected as a number) but is an acronym here.
        found += [i for i in range(s.tok_start, s.tok_end)
                  if (a.is_word[i] or a.texts[i][:1].isdigit()) and _shaped(a.texts[i])]
    return found


def _defined(text: str, acronym: str) -> bool:
    """Spelled out in the reply: 'service level agreement (SLA)' or 'SLA (service level agreement)'."""
    return (f"({acronym})" in text or f"({acronym}s)" in text
            or re.search(rf"\b{re.escape(acronym)}s? \((?:[a-z]|the |an? )", text, re.IGNORECASE) is not None)


@register_kind("acronym")
class Acronym(Check[AcronymSpec]):
    Spec = AcronymSpec

    def __init__(self, rule: Rule[AcronymSpec]) -> None:
        super().__init__(rule)
        # The rule's own lists in capitals, once, not per check (the team's allowlist is per Context).
        self._allow = frozenset(x.upper() for x in self.spec.allow)
        self._known = {k.upper(): v for k, v in self.spec.known.items()}

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        allow = self._allow.union(x.upper() for x in ctx.allow) if ctx.allow else self._allow
        known = self._known
        text = a.clean.analysed
        seen: set[str] = set()
        lo, hi = a.rule_range(self.spec.scope)
        for i in ctx.shared("acronym candidates", lambda: _candidates(a)):
            if not (lo <= a.starts[i] < hi):
                continue
            token = a.texts[i]
            acronym = token[:-1] if token.endswith("s") and token[:-1].isupper() else token
            if acronym in allow or acronym.lstrip("0123456789") in allow or acronym in seen:
                continue  # "5GB" is a size, "2PM" a time
            if _signature(a, i):
                continue
            # The length bounds keep initials and words in capitals quiet; a listed expansion
            # says this one is an abbreviation whatever its length ("UX").
            if not (acronym in known or self.spec.min_length <= len(acronym) <= self.spec.max_length):
                continue
            if _MODEL_NUMBER.search(acronym):
                continue
            frequency = zipf(acronym.lower())
            if frequency >= COMMON_WORD_ZIPF:
                continue  # a shouted word ("YOU", "HI"): the tone rules see it
            if self.spec.rarer_than is not None and frequency >= self.spec.rarer_than:
                continue
            seen.add(acronym)
            if _defined(text, acronym):
                continue
            if ctx.customer and re.search(rf"\b{re.escape(acronym)}", ctx.customer.analysis.clean.analysed):
                continue
            expansion = known.get(acronym)
            if expansion:
                spelled = f"{expansion} ({token})"
                # Spelt out in place, "GPU Performance" would no longer match the setting on screen.
                yield self.finding(a, a.starts[i], a.token_end(i),
                                   message=self.spec.known_message or self.spec.message,
                                   suggestions=(spelled, expansion), expansion=expansion,
                                   fixes=[] if runs_into_a_name(a.text, a.token_end(i)) else
                                   [Fix(start=a.starts[i], end=a.token_end(i),
                                        replacement=capital_at_sentence_start(a.text, a.starts[i], spelled))])
            else:
                yield self.finding(a, a.starts[i], a.token_end(i), expansion="")
