"""`model`: a learned judgement, a linear model shipped as a JSON weights file beside the rule.

The rule file says what a finding means (category, message, why); the weights file says when
one is due. A finding points at the sentence holding the reply words that pushed the model most,
or, when nothing in the reply did (something is missing), at the opening or closing where the fix
belongs, or at the first of the rule's `point_phrases` (the weak words a finding is about). Its
`evidence` carries the probability and the features behind it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import ClassVar, Literal

import regex
from pydantic import Field, model_validator

from ..context import Context
from ..errors import RuleError
from ..linear import LinearModel, Reads, load_weights
from ..models import Evidence, Finding, Signal, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from .base import Check, MatcherBank, register_kind
from .regexp import TIME_LIMIT_S, compile_guarded, within_time_limit


class ModelSpec(RuleSpec):
    kind: Literal["model"]
    phrase_fields = ("point_phrases",)
    weights: str = Field(pattern=r"^[\w.-]+\.json$",
                         description="The weights file, in the rule file's folder (data only).")
    reads: Reads | None = Field(default=None, description="Must match the weights file's, if given.")
    threshold: float | None = Field(default=None, ge=0, le=1,
                                    description="Probability at which it fires; default: the trained one.")
    credit: bool = Field(default=False, description="A strength (credit) instead of a finding.")
    graded: float = Field(default=0, ge=0, le=25, description=(
        "Take up to this many points from the category in proportion to the probability, finding or "
        "not (reported as a signal), so the category score follows the model."))
    point_at: Literal["evidence", "opening", "closing", "phrase"] = Field(
        default="evidence", description=(
            "evidence: the reply words that drove it; phrase: the first of `point_phrases` (the weak "
            "words the finding is about), else the opening; opening or closing: where a fix goes."))
    point_phrases: tuple[str, ...] = Field(default=(), description=(
        "With point_at: phrase, the phrases whose sentence a finding points at (matched on lemmas)."))
    unless_matches: str | None = Field(default=None, min_length=1, max_length=600, description=(
        "A regular expression over the reply (case-insensitive, guarded as `regex` rules are): where it "
        "matches, the model's verdict is not worth a finding. For what `exceptions` phrases cannot say, "
        "such as an apology followed by a question about the customer's problem."))
    suggestions: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _phrases_to_point_at(self) -> ModelSpec:
        if (self.point_at == "phrase") != bool(self.point_phrases):
            raise ValueError("point_at: phrase and point_phrases go together: give both or neither")
        return self


@register_kind("model")
class Model(Check[ModelSpec]):
    Spec = ModelSpec
    word_level = False
    reads_findings: ClassVar[bool] = True  # runs after the other rules: their hits may be features
    model: LinearModel
    _unless: regex.Pattern[str] | None = None

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        self.model = load_weights(self.rule.path.parent / self.spec.weights)
        if self.spec.point_phrases:
            bank.add_phrases(self.key + "#point", self.spec.point_phrases)
        if self.spec.unless_matches is not None:
            self._unless = compile_guarded(self.spec.unless_matches, regex.IGNORECASE, "unless_matches")
            if self._unless.search("", timeout=TIME_LIMIT_S) is not None:
                raise ValueError("unless_matches matches empty text; the rule would never fire")
        if self.spec.reads is not None and self.spec.reads != self.model.reads:
            raise RuleError(f"{self.rule.id}: the rule reads {self.spec.reads!r} but its weights read "
                            f"{self.model.reads!r}", code="RC209", place=str(self.rule.path),
                            remedy=f"set `reads: {self.model.reads}` or retrain with --reads {self.spec.reads}")

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength | Signal]:
        reads = self.model.reads
        if not self.applies(a, ctx) or (reads == "customer" and ctx.customer is None):
            return
        feats = ctx.features(self.model, a)
        judgement = self.model.judge(feats, threshold=self.spec.threshold)
        if judgement.positive and ctx.hits.get(self.key + "#except"):
            # The rule's exceptions mark replies a trainer's rubric calls fine whatever the model
            # says (ownership: asking for details by DM so the agent can act).
            judgement = replace(judgement, positive=False)
        if judgement.positive and self._unless is not None:
            unless = self._unless
            # (a one-item tuple, as None is what within_time_limit returns when the search runs out)
            searched = within_time_limit(lambda wall: (unless.search(a.clean.straight, timeout=wall),))
            if searched is None:
                ctx.unchecked.append(self.rule.id)  # a pathological reply for the pattern: no finding
            if searched is None or searched[0] is not None:
                judgement = replace(judgement, positive=False)
        if self.spec.graded:
            yield Signal(rule=self.rule.id, category=self.spec.category, probability=judgement.probability,
                         penalty=round(self.spec.graded * judgement.probability, 2))
        if not judgement.positive:
            return
        start, end = self._span(a, ctx, judgement.drivers)
        if self.spec.credit:
            f = self.finding(a, start, end)
            yield Strength(rule=f.rule, category=f.category, start=f.start, end=f.end, text=f.text, message=f.message)
            return
        evidence = Evidence(probability=judgement.probability,
                            threshold=self.spec.threshold if self.spec.threshold is not None else self.model.threshold,
                            features=judgement.drivers)
        finding = self.finding(a, start, end, suggestions=self.spec.suggestions,
                               probability=f"{min(0.99, max(0.01, judgement.probability)):.0%}")
        yield finding.model_copy(update={"evidence": evidence})

    def _span(self, a: Analysis, ctx: Context, drivers: tuple[tuple[str, float], ...]) -> tuple[int, int]:
        """The sentence holding the first of `point_phrases` (point_at: phrase), or the reply words
        that contributed most (a lone "Please" says little; its sentence says what reads as stock),
        else the sentence where a fix belongs."""
        body = [s for s in a.sentences if s.words]
        pointed = ctx.hits.get(self.key + "#point") if self.spec.point_at == "phrase" else None
        if pointed:
            at = a.starts[min(pointed)[0]]
            sentence = next((s for s in a.sentences if s.start <= at < s.end), None)
            if sentence is not None:
                return sentence.start, sentence.end
        if self.spec.point_at == "evidence":
            reply = ctx.reply_side(a)
            for name, _ in drivers:
                first = reply.grams("r", len(name[5:].split(" "))).get(name) if name.startswith("r.ng:") else None
                if first is not None:
                    at = a.starts[reply.tokens[first]]
                    sentence = next((s for s in a.sentences if s.start <= at < s.end), None)
                    if sentence is not None:
                        return sentence.start, sentence.end
        if not body:
            return 0, 0
        if self.spec.point_at == "closing":  # the last real sentence, not a trailing name or link
            sentence = next((s for s in reversed(body) if s.words >= 3), body[-1])
        else:
            sentence = body[0]
        return sentence.start, sentence.end
