"""`repeated`: the same words twice: a sentence repeated in a reply, or an agent turn repeated
in a conversation (scope `conversation`), compared after normalising case, spaces and numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from .base import Check, register_kind

_NOISE = re.compile(r"[\d]+|[^\w\s]")


def _normal(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text.lower()).split())


class RepeatedSpec(RuleSpec):
    kind: Literal["repeated"]
    min_words: int = Field(4, ge=1, description="Shorter units ('Thanks!') may repeat freely.")


@register_kind("repeated")
class Repeated(Check[RepeatedSpec]):
    Spec = RepeatedSpec
    word_level = False

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        units = a.turns if self.spec.scope == "conversation" and a.turns else [
            (s.start, s.end) for s in a.sentences if s.words]
        seen: set[str] = set()
        for start, end in units:
            key = _normal(a.text[start:end])
            if len(key.split()) < self.spec.min_words:
                continue
            if key in seen:
                yield self.finding(a, start, end)
            seen.add(key)
