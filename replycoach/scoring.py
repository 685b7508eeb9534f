"""Findings -> category scores and an overall score.

The formula (also in the README):

    penalty(finding) = weight[severity] / length_factor   for word-level findings
                     = weight[severity]                   for presence findings (missing thanks,
                                                          reading grade, too many apologies)
    length_factor    = max(1, words / 100)               a long reply may hold more of them
    penalty(signal)  = graded maximum x probability     a graded learned rule (`graded: N`), finding
                                                          or not, so the score follows the model
    category score   = clamp(100 - sum(penalties) + min(credit, 10), 0, 100), credit = 5 per strength
    overall score    = clamp(100 - sum over categories of (100 - category score), 0, 100)
    passed           = overall >= threshold and no finding of severity `error`
    conversation     = clamp(mean of the agent turns' scores - sum(weights of conversation findings), 0, 100)

Duplicates are settled here too (`dedupe`): one word-level finding per span and category.

Default weights: suggestion 3, warning 10, error 25 (config `weights`); a rule may set its own
`weight` (the unfilled-slot rule sets 0: it blocks sending but costs no score).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from .models import CATEGORIES, Finding, Report, Severity, Signal, Strength

__all__ = ["Score", "conversation_score", "dedupe", "finding_weight", "score"]

CREDIT_PER_STRENGTH = 5.0
MAX_CREDIT = 10.0
WORDS_PER_UNIT = 100


class Score:
    """Category scores, the overall score and whether the reply passes."""

    __slots__ = ("categories", "overall", "passed")

    def __init__(self, categories: dict[str, int], overall: int, passed: bool) -> None:
        self.categories = categories
        self.overall = overall
        self.passed = passed


def finding_weight(f: Finding, weights: dict[Severity, float], rule_weights: dict[str, float] | None) -> float:
    """The rule's own `weight` if it sets one, else its severity's."""
    return (rule_weights or {}).get(f.rule, weights[f.severity])


def score(findings: Sequence[Finding], strengths: Iterable[Strength], *, words: int,
          weights: dict[Severity, float], threshold: int, word_level: frozenset[str] | set[str],
          rule_weights: dict[str, float] | None = None, categories: Iterable[str] = CATEGORIES,
          signals: Iterable[Signal] = ()) -> Score:
    """Score findings as documented above; `word_level` are the word-level rules, and
    `rule_weights` the rules that set their own weight instead of their severity's."""
    length_factor = max(1.0, words / WORDS_PER_UNIT)
    penalty = dict.fromkeys(categories, 0.0)
    for f in findings:
        weight = finding_weight(f, weights, rule_weights)
        penalty[f.category] = penalty.get(f.category, 0.0) + (
            weight / length_factor if f.rule in word_level else weight)
    for sig in signals:
        penalty[sig.category] = penalty.get(sig.category, 0.0) + sig.penalty
    credit = dict.fromkeys(penalty, 0.0)
    for s in strengths:
        credit[s.category] = min(MAX_CREDIT, credit.get(s.category, 0.0) + CREDIT_PER_STRENGTH)
        penalty.setdefault(s.category, 0.0)
    cats = {c: int(round(min(100.0, max(0.0, 100.0 - p + credit.get(c, 0.0))))) for c, p in penalty.items()}
    overall = int(max(0, 100 - sum(100 - v for v in cats.values())))
    passed = overall >= threshold and not any(f.severity is Severity.error for f in findings)
    return Score(categories=cats, overall=overall, passed=passed)


def conversation_score(turns: Sequence[Report], findings: Sequence[Finding], *, weights: dict[Severity, float],
                       threshold: int, rule_weights: dict[str, float] | None = None) -> tuple[int, bool]:
    """A conversation's score and whether it passes: the mean of its agent turns' scores less
    the conversation-level findings' penalties (unscaled), clamped to 0-100; it passes at the
    threshold with a scored turn and no finding of severity `error`, its turns' included."""
    mean = sum(r.score for r in turns) / len(turns) if turns else 0.0
    penalty = sum(finding_weight(f, weights, rule_weights) for f in findings)
    score_ = int(round(min(100.0, max(0.0, mean - penalty))))
    every = (*findings, *(f for r in turns for f in r.findings))
    passed = bool(turns) and score_ >= threshold and not any(
        f.severity is Severity.error for f in every)
    return score_, passed


def dedupe(findings: list[Finding], word_level: frozenset[str]) -> list[Finding]:
    """One word-level finding per span and category: where two overlap, keep the more severe,
    then the longer, then the one with more suggestions (a glossary hit beats a rare-word hit).
    Sentence- and reply-level findings are kept as they are."""
    ranked = sorted(findings, key=lambda f: (f.severity.rank, -(f.end - f.start),
                                             -len(f.suggestions), f.start))
    kept: list[Finding] = []
    # Per category, the kept word-level spans, sorted. The non-empty ones never overlap one
    # another, so sorted by start they are sorted by end too: one look-up finds the only one
    # that could overlap a new span (comparing each with all took 0.34 s on 1,100 findings).
    spans: dict[str, list[tuple[int, int]]] = {}
    points: dict[str, list[int]] = {}  # kept empty spans, which need a span around them to overlap
    for f in ranked:
        if f.rule in word_level:
            taken = spans.setdefault(f.category, [])
            at = bisect.bisect_left(taken, (f.end,))
            if (at and taken[at - 1][1] > f.start) or any(f.start < p < f.end for p in points.get(f.category, ())):
                continue
            if f.start < f.end:
                bisect.insort(taken, (f.start, f.end))
            else:
                points.setdefault(f.category, []).append(f.start)
        kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))
