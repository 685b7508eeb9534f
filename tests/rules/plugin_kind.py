"""A third-party rule kind, as a plugin package would ship it (used by test_loader)."""

from collections.abc import Iterator
from typing import Literal

from replycoach.checks.base import Check
from replycoach.rules.schema import RuleSpec


class ShoutSpec(RuleSpec):
    kind: Literal["shout-test"]
    min_length: int = 3


class ShoutCheck(Check[ShoutSpec]):
    Spec = ShoutSpec

    def run(self, a, ctx) -> Iterator:
        for i, text in enumerate(a.texts):
            if a.is_word[i] and text.isupper() and len(text) >= self.spec.min_length:
                yield self.finding(a, a.starts[i], a.token_end(i))
