"""Canned-phrase discovery: sentences an agent pastes over and over.

Each sentence is normalised (lower case; @handles, links, numbers and order ids masked;
punctuation and spacing dropped), so "Hi @jo, order #123 ships today!" and "hi @sam order #987
ships today" count as one line. Sentences are counted by the hash of that form: one pass, no
pairwise comparison. An agent's reuse rate is the share of their replies that hold at least one
line they used in `min_count` or more replies. Approved macros can be allowlisted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ReuseTracker", "normalise"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_MASKS = ((re.compile(r"https?://\S+|www\.\S+"), " link "), (re.compile(r"@\w+"), " user "),
          (re.compile(r"#?\b\w*\d[\w-]*"), " 0 "), (re.compile(r"[^\w\s]"), " "))
MIN_WORDS = 5


def normalise(sentence: str) -> str:
    text = sentence.lower()
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return " ".join(text.split())


@dataclass
class _Agent:
    replies: int = 0
    counts: Counter[int] = field(default_factory=Counter)  # sentence hash -> replies using it
    per_reply: list[tuple[int, ...]] = field(default_factory=list)
    examples: dict[int, str] = field(default_factory=dict)  # hash -> first text seen


@dataclass
class ReuseTracker:
    """Counts each agent's normalised sentences across replies."""

    min_count: int = 3
    allow: frozenset[str] = frozenset()  # normalised approved macros, never reported
    agents: dict[str, _Agent] = field(default_factory=dict)

    @classmethod
    def with_macros(cls, macros: Iterable[str], *, min_count: int = 3) -> ReuseTracker:
        return cls(min_count=min_count, allow=frozenset(normalise(m) for m in macros if m.strip()))

    def add(self, agent: str, text: str) -> None:
        state = self.agents.setdefault(agent, _Agent())
        state.replies += 1
        hashes = []
        for sentence in _SENTENCE.split(text):
            key = normalise(sentence)
            if len(key.split()) < MIN_WORDS or key in self.allow:
                continue
            h = hash(key)
            if h not in hashes:
                hashes.append(h)
                state.examples.setdefault(h, " ".join(sentence.split())[:200])
        state.counts.update(hashes)
        state.per_reply.append(tuple(hashes))

    def summary(self, top: int = 5) -> dict[str, dict[str, Any]]:
        """Per agent: replies, reuse rate, and the top repeated lines with their counts."""
        out: dict[str, dict[str, Any]] = {}
        for agent, state in self.agents.items():
            repeated = {h for h, c in state.counts.items() if c >= self.min_count}
            reusing = sum(1 for hashes in state.per_reply if repeated.intersection(hashes))
            lines = [{"text": state.examples[h], "count": c}
                     for h, c in state.counts.most_common() if h in repeated][:top]
            out[agent] = {"replies": state.replies,
                          "reuse_rate": round(reusing / state.replies, 3) if state.replies else 0.0,
                          "top": lines}
        return out
