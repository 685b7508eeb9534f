"""Every shipped rule's own examples: `flag` drafts must fire it, `pass` drafts must not."""

import pytest

from replycoach import Config
from replycoach.rules.loader import load_rules
from replycoach.selftest import run_examples

# Collected from the parsed packs (no compiling); each test runs on the session's Coach.
SHIPPED = load_rules(Config()).rules


@pytest.mark.parametrize("rule_id", [r.id for r in SHIPPED])
def test_rule_examples(coach, rule_id):
    rule = coach.rule(rule_id)
    failures = [r for r in run_examples(coach, [rule]) if not r.ok]
    assert not failures, "\n".join(
        f"{r.expected}: {'did not fire' if r.expected == 'flag' else 'fired'}: {r.draft!r} {r.error or ''}"
        for r in failures)


def test_every_category_has_shipped_rules():
    from replycoach import CATEGORIES

    assert {r.category for r in SHIPPED} >= set(CATEGORIES)


def test_the_session_coach_runs_every_shipped_rule(coach):
    assert [r.id for r in coach.rules] == [r.id for r in SHIPPED]


def test_every_shipped_rule_has_flag_and_pass_examples():
    for rule in SHIPPED:
        assert rule.spec.examples.flag and rule.spec.examples.pass_, rule.id
