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

Default weights: suggestion 3, warning 10, error 25 (config `weights`); a rule may set its own
`weight` (the unfilled-slot rule sets 0: it blocks sending but costs no score).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .models import CATEGORIES, Finding, Severity, Signal, Strength

__all__ = ["Score", "finding_weight", "score"]

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
