"""Canned-phrase discovery: sentences an agent pastes over and over, lightly edited or not.

Each sentence is normalised (lower case; @handles, links, numbers and order ids masked;
punctuation and spacing dropped), so "Hi @jo, order #123 ships today!" and "hi @sam order #987
ships today" count as one line. A sentence seen before (by the hash of that form) is its line
at once; a new one joins the line it is a near-copy of ("we'd like to take a further look into
this" and "we'd like to take a look into this": rapidfuzz ratio >= SIMILARITY), compared only
with the lines that open or close with the same three words, so the cost stays one pass: no
comparison of every pair (benchmarks/deps.py reuse). An agent's reuse rate is the share of
their replies that hold at least one line they used in `min_count` or more replies. Approved
macros, and near-copies of them, can be allowlisted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

__all__ = ["SIMILARITY", "ReuseTracker", "normalise"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_MASKS = ((re.compile(r"https?://\S+|www\.\S+"), " link "), (re.compile(r"@\w+"), " user "),
          (re.compile(r"#?\b\w*\d[\w-]*"), " 0 "), (re.compile(r"[^\w\s]"), " "))
MIN_WORDS = 5
SIMILARITY = 90  # rapidfuzz's ratio (0-100) from which two normalised sentences are one line
_BLOCK_WORDS = 3  # a near-copy shares its first or its last three words with the line


def normalise(sentence: str) -> str:
    text = sentence.lower()
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return " ".join(text.split())


def _blocks(key: str) -> tuple[str, str]:
    words = key.split()
    return "^" + " ".join(words[:_BLOCK_WORDS]), " ".join(words[-_BLOCK_WORDS:]) + "$"


@dataclass
class _Agent:
    replies: int = 0
    line_of: dict[int, int] = field(default_factory=dict)  # sentence hash -> line id; -1 for approved macros
    first: list[str] = field(default_factory=list)  # line id -> its first normalised form, for near-copies
    blocks: dict[str, list[int]] = field(default_factory=dict)  # opening or closing words -> line ids
    counts: Counter[int] = field(default_factory=Counter)  # line id -> replies using it
    per_reply: list[tuple[int, ...]] = field(default_factory=list)
    examples: dict[int, str] = field(default_factory=dict)  # line id -> first text seen

    def line(self, key: str) -> int:
        """The line a new normalised sentence belongs to: the nearest close copy, or a new line."""
        opening, closing = _blocks(key)
        candidates = list(dict.fromkeys([*self.blocks.get(opening, ()), *self.blocks.get(closing, ())]))
        best = process.extractOne(key, [self.first[c] for c in candidates], scorer=fuzz.ratio,
                                  score_cutoff=SIMILARITY) if candidates else None
        if best is not None:
            return candidates[best[2]]
        line = len(self.first)
        self.first.append(key)
        self.blocks.setdefault(opening, []).append(line)
        self.blocks.setdefault(closing, []).append(line)
        return line


@dataclass
class ReuseTracker:
    """Counts each agent's normalised sentences, near-copies together, across replies."""

    min_count: int = 3
    allow: frozenset[str] = frozenset()  # normalised approved macro sentences, never reported
    agents: dict[str, _Agent] = field(default_factory=dict)

    @classmethod
    def with_macros(cls, macros: Iterable[str], *, min_count: int = 3) -> ReuseTracker:
        sentences = (normalise(s) for m in macros for s in _SENTENCE.split(m))
        return cls(min_count=min_count, allow=frozenset(s for s in sentences if s))

    def _approved(self, key: str) -> bool:
        return key in self.allow or (bool(self.allow) and process.extractOne(
            key, self.allow, scorer=fuzz.ratio, score_cutoff=SIMILARITY) is not None)

    def add(self, agent: str, text: str) -> None:
        state = self.agents.setdefault(agent, _Agent())
        state.replies += 1
        lines: list[int] = []
        for sentence in _SENTENCE.split(text):
            key = normalise(sentence)
            if len(key.split()) < MIN_WORDS:
                continue
            h = hash(key)
            line = state.line_of.get(h)
            if line is None:
                line = state.line_of[h] = -1 if self._approved(key) else state.line(key)
            if line >= 0 and line not in lines:
                lines.append(line)
                state.examples.setdefault(line, " ".join(sentence.split())[:200])
        state.counts.update(lines)
        state.per_reply.append(tuple(lines))

    def summary(self, top: int = 5) -> dict[str, dict[str, Any]]:
        """Per agent: replies, reuse rate, and the top repeated lines with their counts."""
        out: dict[str, dict[str, Any]] = {}
        for agent, state in self.agents.items():
            repeated = {line for line, c in state.counts.items() if c >= self.min_count}
            reusing = sum(1 for lines in state.per_reply if repeated.intersection(lines))
            top_lines = [{"text": state.examples[line], "count": c}
                         for line, c in state.counts.most_common() if line in repeated][:top]
            out[agent] = {"replies": state.replies,
                          "reuse_rate": round(reusing / state.replies, 3) if state.replies else 0.0,
                          "top": top_lines}
        return out
