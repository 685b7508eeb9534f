"""benchmarks/empathy_oracle.py: the customer's state fed in from the judges' label reaches the
empathy rules, and the shared Coach is left as it was."""

import sys

import pytest

from replycoach.evaluation import LabelledReply

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
empathy_oracle = pytest.importorskip("empathy_oracle")

CALM = "Hi, could you tell me when my refund was sent? Thanks!"
REPLY = "Your refund was processed on 3 May."


def item(upset):
    return LabelledReply(id="t", reply=REPLY, customer=CALM, labels={"customer_upset": upset, "empathy_gap": 1})


def test_the_label_sets_the_customer_state_the_empathy_rules_see(coach):
    as_read = empathy_oracle.check(coach, item(1), oracle=False)
    told = empathy_oracle.check(coach, item(1), oracle=True)
    assert not as_read.metrics.customer_upset
    assert told.metrics.customer_upset and told.metrics.customer_upset_p == 1.0
    assert any(f.rule == "empathy.gap" for f in told.findings)
    assert not any(f.rule == "empathy.gap" for f in as_read.findings)
    # and the Coach reads customers itself again afterwards
    assert not coach.check(REPLY, customer=CALM).metrics.customer_upset


def test_no_agreed_label_keeps_the_model_reading(coach):
    assert not empathy_oracle.check(coach, item(None), oracle=True).metrics.customer_upset


def test_errors_are_split_by_the_customer_model():
    class Metrics:
        customer_upset = True

    class Report:
        metrics = Metrics()

    wrong = LabelledReply(id="a", reply=REPLY, labels={"customer_upset": 0, "empathy_gap": 0})
    right = LabelledReply(id="b", reply=REPLY, labels={"customer_upset": 1, "empathy_gap": 0})
    rows = empathy_oracle.split_rows([(wrong, Report(), True), (right, Report(), True)])
    assert rows == [["false positive", "customer model right", 1], ["false positive", "customer model wrong", 1]]
