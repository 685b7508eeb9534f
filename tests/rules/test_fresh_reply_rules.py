"""Reply-side rules tuned on replies never seen in dev (rules/tone/thanks-only.yaml and the
exceptions and phrases added to ownership.deflection, ownership.failed-channel,
canned.stock-to-upset and tone.defensive)."""

import pytest

from ..conftest import findings_of

COMPLAINT = "Another broken promise! Still waiting for my refund after three weeks..."
BOUNCED = "Reported it to them, they said report it to you. Would be nice to know if it will be fixed."


def test_thanks_only_points_at_the_thanks(coach):
    draft = "@jo Hi Jo, thank you. ^bc"
    hits = findings_of(coach, "tone.thanks-only", draft, COMPLAINT)
    assert [draft[f.start:f.end] for f in hits] == ["thank you"]


@pytest.mark.parametrize("draft", [
    "Thank you. Your refund went out today. ^bc",  # anything of its own after the thanks
    "Thanks for waiting. ^bc",  # thanks for something is not a bare thanks
])
def test_thanks_only_wants_the_whole_reply_to_be_thanks(coach, draft):
    assert not findings_of(coach, "tone.thanks-only", draft, COMPLAINT)


def test_thanks_only_is_for_upset_customers(coach):
    assert findings_of(coach, "tone.thanks-only", "Thank you. ^bc", COMPLAINT)
    assert not findings_of(coach, "tone.thanks-only", "Thank you. ^bc", "I'll send the photo tonight.")


@pytest.mark.parametrize(("draft", "fires"), [
    ("Please reach out to the store about this.", True),
    ("Tell us which store it was and we can reach out to the store manager.", False),
    ("We've contacted the seller and will update you by Friday.", False),
])
def test_deflection_is_the_customer_sent_not_the_agent_acting(coach, draft, fires):
    assert bool(findings_of(coach, "ownership.deflection", draft)) is fires


def test_failed_channel_sees_a_customer_already_bounced(coach):
    draft = "We recommend contacting the studio here https://example.com/studio."
    assert findings_of(coach, "ownership.failed-channel", draft, BOUNCED)
    assert not findings_of(coach, "ownership.failed-channel", draft, "Who looks after the game server?")


def test_stock_to_upset_knows_the_stock_dm_invitation(coach):
    rule = "canned.stock-to-upset"
    stock = "Thanks for reaching out. If you're having issues, we'd like to assist. DM us and we'll continue there."
    assert findings_of(coach, rule, stock, COMPLAINT)
    assert not findings_of(coach, rule, stock.replace("having issues", "still waiting for the refund"), COMPLAINT)
