"""The empathy pack beyond each rule file's own examples: where empathy.gap points, the question
that answers it, and empathy.non-apology, which needs no reading of the customer's state."""

import pytest

from ..conftest import findings_of

LOCKED_OUT = "I have been locked out of my account for five days and nobody answers my emails. Fed up."
# Upset at being misinformed, with no affect word: the customer-state model reads it as calm.
MISINFORMED = "Actually the advisor told me it was local rate. I need to make people aware."


def test_gap_points_at_the_stock_apology_wherever_it_stands(coach):
    draft = "Please visit our help page. We're sorry for the trouble."
    [finding] = findings_of(coach, "empathy.gap", draft, LOCKED_OUT)
    assert finding.text == "We're sorry for the trouble."
    assert finding.suggestions and finding.why


def test_gap_without_an_apology_points_at_the_opening(coach):
    [finding] = findings_of(coach, "empathy.gap", "Please DM us your account number. We will check it.", LOCKED_OUT)
    assert finding.text == "Please DM us your account number."


@pytest.mark.parametrize("draft, fires", [
    # a question about their problem after the apology: the acknowledgement trainers ask for
    ("So sorry about this! Could you tell us which email address the account uses?", False),
    # a question that only passes them on, or offers help in general: still a stock apology
    ("So sorry about this! Could you DM us your account number?", True),
    ("So sorry about this! Is there anything I can help with?", True),
    ("So sorry about this! Have you contacted our support team here? https://example.com/help", True),
])
def test_gap_reads_the_question_after_an_apology(coach, draft, fires):
    assert bool(findings_of(coach, "empathy.gap", draft, LOCKED_OUT)) is fires


def test_non_apology_needs_no_upset_reading(coach):
    draft = "We're sorry you feel this way. All charges are on our website."
    assert not coach.check(draft, customer=MISINFORMED).metrics.customer_upset
    [finding] = findings_of(coach, "empathy.non-apology", draft, MISINFORMED)
    assert finding.text == "sorry you feel this way"
    assert findings_of(coach, "tone.non-apology", draft, MISINFORMED)  # the same words, read for tone
    assert not findings_of(coach, "empathy.non-apology", "We're sorry the charge wasn't explained.", MISINFORMED)
