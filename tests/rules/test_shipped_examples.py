"""Every shipped rule's own examples: `flag` drafts must fire it, `pass` drafts must not."""

import pytest

from replycoach import Coach
from replycoach.selftest import run_examples

_COACH = Coach()


@pytest.mark.parametrize("rule", _COACH.rules, ids=lambda r: r.id)
def test_rule_examples(rule):
    failures = [r for r in run_examples(_COACH, [rule]) if not r.ok]
    assert not failures, "\n".join(
        f"{r.expected}: {'did not fire' if r.expected == 'flag' else 'fired'}: {r.draft!r} {r.error or ''}"
        for r in failures)


def test_every_category_has_shipped_rules():
    from replycoach import CATEGORIES

    assert {r.category for r in _COACH.rules} >= set(CATEGORIES)


def test_every_shipped_rule_has_flag_and_pass_examples():
    for rule in _COACH.rules:
        assert rule.spec.examples.flag and rule.spec.examples.pass_, rule.id
