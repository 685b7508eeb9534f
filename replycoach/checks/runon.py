"""`runon`: a long sentence that runs two sentences together, at a comma where a full stop
belongs ("..., please follow the steps") or at a link the sentence carries on after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis, Sentence
from ..rules.schema import Rule, RuleSpec
from .base import Check, register_kind

# Where one clause ends inside a sentence: the comma under test looks back to the last of these
# (a hyphen only with spaces round it: "post-paid" is one word).
_CLAUSE_MARKS = frozenset({",", ";", ":", "–", "—", "(", ")"})
# A link after one of these is a noun in the sentence ("log in to the <link> website").
_DETERMINERS = frozenset({"the", "a", "an", "our", "your", "this", "that", "their"})


class RunOnSpec(RuleSpec):
    kind: Literal["runon"]
    min_words: int = Field(28, ge=1, description="Shorter sentences read fine even when loosely joined.")
    subjects: tuple[str, ...] = Field(min_length=1, description=(
        "Words that open a second main clause after a comma: 'we', 'you', 'please'."))
    openers: tuple[str, ...] = Field(default=(), description=(
        "Words opening a clause that a comma rightly closes ('If it fails, we ...')."))
    min_clause: int = Field(3, ge=1, description="Words the clause before the comma needs.")
    joiners: tuple[str, ...] = Field(default=(), description=(
        "Words that rightly carry a sentence on after a link ('visit <link> and sign in')."))


def _spaced_hyphen(a: Analysis, i: int) -> bool:
    start = a.starts[i]
    return a.texts[i] == "-" and a.text[start - 1:start].isspace() and a.text[start + 1:start + 2].isspace()


@register_kind("runon")
class RunOn(Check[RunOnSpec]):
    Spec = RunOnSpec
    word_level = False

    def __init__(self, rule: Rule[RunOnSpec]) -> None:
        super().__init__(rule)
        self._subjects = frozenset(w.lower() for w in self.spec.subjects)
        self._openers = frozenset(w.lower() for w in self.spec.openers)
        self._joiners = frozenset(w.lower() for w in self.spec.joiners)

    def _comma_splice(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """Token `tokens[k]` is a comma between two main clauses: a subject word follows it, and
        the clause before it has words enough and is not a subordinate one ("If it fails, we")."""
        after = tokens[k + 1]
        if a.texts[tokens[k]] != "," or a.texts[after].lower() not in self._subjects:
            return False
        clause: list[str] = []
        for j in range(k - 1, -1, -1):  # back to the clause's start (indices: no copy of a long sentence)
            i = tokens[j]
            if a.protected[i] == "url" or a.texts[i] in _CLAUSE_MARKS or _spaced_hyphen(a, i):
                break
            if a.is_word[i]:
                clause.append(a.texts[i].lower())
        return len(clause) >= self.spec.min_clause and clause[-1] not in self._openers

    def _carries_on_after_link(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """A link in mid-sentence that the sentence carries on after ("<link> if you don't")."""
        after = a.texts[tokens[k + 1]]
        return (a.protected[tokens[k]] == "url" and a.is_word[tokens[k + 1]]
                and after[:1].islower() and after not in self._joiners
                and not (k and a.texts[tokens[k - 1]].lower() in _DETERMINERS))

    def _joint(self, a: Analysis, s: Sentence) -> int | None:
        """The index of the first token where the sentence runs on, if it does."""
        tokens = [i for i in range(s.tok_start, s.tok_end) if not a.texts[i].isspace()]
        for k in range(len(tokens) - 1):
            if self._comma_splice(a, tokens, k) or self._carries_on_after_link(a, tokens, k):
                return tokens[k]
        return None

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        for s in a.sentences:
            if s.words < self.spec.min_words:
                continue
            at = self._joint(a, s)
            if at is None:
                continue
            joint = a.texts[at]
            yield self.finding(a, s.start, s.end, words=s.words, joint="the comma" if joint == "," else "the link",
                               fixes=self._full_stop(a, at) if joint == "," else [])

    @staticmethod
    def _full_stop(a: Analysis, comma: int) -> list[Fix]:
        """', please follow' -> '. Please follow': the comma becomes the full stop it stood for."""
        nxt = a.starts[comma] + 1
        while nxt < len(a.text) and a.text[nxt].isspace():
            nxt += 1
        if nxt >= len(a.text):
            return []
        return [Fix(start=a.starts[comma], end=nxt + 1, replacement=". " + a.text[nxt].upper())]
