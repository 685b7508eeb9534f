"""Run rules' own examples: each `flag` draft must fire the rule, each `pass` draft must not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .coach import Coach
from .errors import ReplycoachError
from .rewrite import apply_edits, best_fixes, resolve_overlaps
from .rules.schema import Example, Rule

__all__ = ["ExampleResult", "apply_rule_fixes", "run_examples"]


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    expected: str  # "flag", "pass" or "fix"
    draft: str
    fired: bool
    error: str | None = None

    @property
    def ok(self) -> bool:
        if self.expected == "fix":
            return self.error is None
        return self.error is None and self.fired == (self.expected == "flag")


def _as_example(item: Example | str) -> Example:
    return item if isinstance(item, Example) else Example(draft=item)


def run_examples(coach: Coach, rules: Iterable[Rule[Any]] | None = None) -> list[ExampleResult]:
    """One result per example of every rule (default: every loaded rule)."""
    results: list[ExampleResult] = []
    for rule in rules if rules is not None else coach.rules:
        for expected, items in (("flag", rule.spec.examples.flag), ("pass", rule.spec.examples.pass_)):
            for item in items:
                ex = _as_example(item)
                try:
                    if ex.turns:
                        conversation = coach.check_conversation([(t.role, t.text) for t in ex.turns],
                                                                channel=ex.channel)
                        fired = any(f.rule == rule.id for f in conversation.findings)
                    else:
                        report = coach.check(ex.draft, customer=ex.customer, channel=ex.channel)
                        fired = any(f.rule == rule.id for f in report.findings) or any(
                            s.rule == rule.id for s in report.strengths)
                except ReplycoachError as err:
                    results.append(ExampleResult(rule.id, expected, ex.draft, False, str(err)))
                    continue
                results.append(ExampleResult(rule.id, expected, ex.draft, fired))
        for fix in rule.spec.examples.fix:
            try:
                got = apply_rule_fixes(coach, rule.id, fix.draft, customer=fix.customer, channel=fix.channel)
            except ReplycoachError as err:
                results.append(ExampleResult(rule.id, "fix", fix.draft, False, str(err)))
                continue
            error = None if got == fix.result else f"fixed to {got!r}, expected {fix.result!r}"
            results.append(ExampleResult(rule.id, "fix", fix.draft, got == fix.result, error))
    return results


def apply_rule_fixes(coach: Coach, rule_id: str, draft: str, *, customer: str | None = None,
                     channel: str | None = None) -> str:
    """The draft with only this rule's best fixes applied (no guard: this tests the rule's data)."""
    report = coach.check(draft, customer=customer, channel=channel)
    edits = best_fixes([f for f in report.findings if f.rule == rule_id])
    return apply_edits(report.text, resolve_overlaps(edits))[0]
