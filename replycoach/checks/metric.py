"""`metric`: a readability measure of the reply or of each sentence, against a band."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis, Sentence
from ..rules.schema import RuleSpec
from .base import Check, register_kind


class MetricSpec(RuleSpec):
    kind: Literal["metric"]
    measure: Literal["grade", "words", "flesch_reading_ease", "smog_index", "coleman_liau_index",
                     "automated_readability_index", "dale_chall_readability_score", "gunning_fog"] = Field(
        description="grade: Flesch-Kincaid on our tokens; words: sentence or reply length; others: textstat.")
    above: float | Literal["channel"] | None = Field(
        None, description="Fire when the value is above this; 'channel' uses the channel's grade target.")
    above_by_channel: dict[str, float] = Field(default_factory=dict, description=(
        "Per-channel limits calibrated on real replies, in place of `above` on those channels "
        "({chat: 10}: harder than 9 in 10 agents' chat replies)."))
    below: float | None = Field(None, description="Fire when the value is below this.")
    min_words: int = Field(0, ge=0, description="Ignore sentences or replies shorter than this.")
    max_words: int | None = Field(None, ge=1, description="Ignore sentences or replies longer than this "
                                                          "(a rule for longer ones has them).")
    suggestions: tuple[str, ...] = ()
    split_at: dict[str, str] = Field(
        default_factory=dict, description="Per-sentence fix: joint -> replacement, e.g. ', but ': '. But '. "
                                          "The joint nearest the middle, with 4+ words each side, is used.")

    @model_validator(mode="after")
    def _band(self) -> MetricSpec:
        if self.above is None and self.below is None and not self.above_by_channel:
            raise ValueError("set `above`, `below` or both")
        if self.scope == "sentence" and self.measure not in ("grade", "words"):
            raise ValueError("per-sentence measures are `grade` and `words`")
        if self.scope in ("opening", "closing"):
            raise ValueError("metric scope is `reply` or `sentence`")
        return self


@register_kind("metric")
class Metric(Check[MetricSpec]):
    Spec = MetricSpec
    word_level = False

    def _limit(self, ctx: Context) -> float | None:
        if ctx.channel in self.spec.above_by_channel:
            return self.spec.above_by_channel[ctx.channel]
        return ctx.policy.grade if self.spec.above == "channel" else self.spec.above  # type: ignore[return-value]

    def _counts(self, words: int) -> bool:
        return max(1, self.spec.min_words) <= words <= (self.spec.max_words or words)

    def _fires(self, value: float, above: float | None) -> bool:
        return (above is None or value > above) and (self.spec.below is None or value < self.spec.below)

    def _split(self, a: Analysis, s: Sentence) -> list[Fix]:
        """Split a long sentence at its most central natural joint into two sentences."""
        text = a.text[s.start:s.end]
        middle = len(text) / 2
        best: tuple[float, int, str, str] | None = None
        for joint, replacement in self.spec.split_at.items():
            for m in re.finditer(re.escape(joint), text):
                before, after = text[:m.start()], text[m.end():]
                if len(before.split()) < 4 or len(after.split()) < 4:
                    continue
                if a.clean.is_protected(s.start + m.start(), s.start + m.end()):
                    continue
                distance = abs(m.start() - middle)
                if best is None or distance < best[0]:
                    best = (distance, m.start(), joint, replacement)
        if best is None:
            return []
        _, at, joint, replacement = best
        start, end = s.start + at, s.start + at + len(joint)
        following = a.text[end:end + 1]
        if replacement.endswith(" ") and replacement.rstrip().endswith((".", "!", "?")) and following.islower():
            return [Fix(start=start, end=end + 1, replacement=replacement + following.upper())]
        return [Fix(start=start, end=end, replacement=replacement)]

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        above = self._limit(ctx)
        limit = above if above is not None else self.spec.below
        if self.spec.scope == "sentence":
            for s in a.sentences:
                if not self._counts(s.words):
                    continue
                value = s.grade if self.spec.measure == "grade" else s.words
                if self._fires(value, above):
                    yield self.finding(a, s.start, s.end, suggestions=self.spec.suggestions,
                                       value=value, limit=limit, words=s.words, fixes=self._split(a, s))
            return
        if not self._counts(a.words):
            return
        if self.spec.measure == "grade":
            value = a.grade
        elif self.spec.measure == "words":
            value = a.words
        else:
            import textstat  # here: reading rule files must not import it

            value = round(getattr(textstat, self.spec.measure)(a.clean.analysed), 1)
        if self._fires(value, above):
            # Point at the hardest sentence: the place to start simplifying.
            hardest = max((s for s in a.sentences if s.words), key=lambda s: (s.grade, s.words))
            yield self.finding(a, hardest.start, hardest.end, suggestions=self.spec.suggestions,
                               value=value, limit=limit, words=a.words)
