"""The tone pack's whole-reply and customer-state rules, beyond each rule file's own examples:
brush-off (rules/tone/brush-off.yaml), not-our-end, your-end, curt-opener, sarcasm, laughing,
defensive, non-apology and thanks-only."""

import pytest

from ..conftest import findings_of

UPSET = "WOULD SOMEONE PLEASE HELP ME!! I can't get into my kids' accounts and NOTHING WORKS!!!"
CALM = "Hi, quick question about my account settings. Thanks!"
BROKEN_PROMISE = "Another broken promise! Still waiting for my refund after three weeks..."


@pytest.mark.parametrize("draft", [
    "For technical help, please see this page https://example.com/help",
    "All the help options are on our help pages https://example.com/help",
    "We encourage you to read the note describing the help we are giving https://example.com/note",
])
def test_brush_off_hears_help_only_as_an_offer(coach, draft):
    assert findings_of(coach, "tone.brush-off", draft, UPSET)


@pytest.mark.parametrize("draft", [
    "We're here to help. Please see this page https://example.com/help",
    "Please see this page and we can help you from there https://example.com/help",
    "The help options are on our help pages; we'd be glad to walk you through them.",
])
def test_brush_off_is_silenced_by_an_offer_of_help(coach, draft):
    assert not findings_of(coach, "tone.brush-off", draft, UPSET)


@pytest.mark.parametrize("draft, fires", [
    ("We should be up and running, so try the steps here https://example.com/help", True),
    ("We should be up and running again by 5 pm; the engineers are on it.", False),
    ("We're not seeing any issues on our end, please restart the router.", True),
    ("Everything looks fine on our side.", True),
])
def test_not_our_end(coach, draft, fires):
    assert bool(findings_of(coach, "tone.not-our-end", draft, UPSET)) is fires
    assert not findings_of(coach, "tone.not-our-end", draft, CALM)


def test_your_end_is_for_upset_customers(coach):
    draft = "The issue is with your router, please restart it."
    assert [f.text for f in findings_of(coach, "tone.your-end", draft, UPSET)] == ["The issue is with your router"]
    assert not findings_of(coach, "tone.your-end", draft, CALM)


@pytest.mark.parametrize("draft, fires", [
    ("@jo ok but i dont think there are any more vouchers.", True),
    ("Thanks. Okay, but that still isn't covered.", True),
    ("Your booking is ok, but the seat map hasn't updated yet.", False),
    ("Look, but don't touch the cable.", False),
])
def test_curt_opener_only_opens_a_sentence(coach, draft, fires):
    assert bool(findings_of(coach, "tone.curt-opener", draft)) is fires


@pytest.mark.parametrize("draft", [
    "I just wanted to be sure you didn't need any help.",
    "Halloween is a big deal here and we loved having you.",
    "We'll deal with it today and let you know.",
])
def test_sarcasm_leaves_kind_readings_alone(coach, draft):
    assert not findings_of(coach, "tone.sarcasm", draft, UPSET)


@pytest.mark.parametrize("laugh", ["hahaha", "Hahahaa", "lmfao", "lolol", "ha ha"])
def test_laughing_hears_every_spelling(coach, laugh):
    draft = f"{laugh} please restart it."
    assert findings_of(coach, "tone.laughing", draft, UPSET)
    assert not findings_of(coach, "tone.laughing", draft, "Thanks so much, the kids loved it :)")


def test_as_mentioned_is_defensive_only_to_an_upset_customer(coach):
    draft = "As mentioned, your channel doesn't have enough public videos yet."
    assert [f.text for f in findings_of(coach, "tone.defensive", draft, UPSET)] == ["As mentioned"]
    assert not findings_of(coach, "tone.defensive", draft, CALM)


def test_regret_for_the_feeling_is_a_non_apology(coach):
    hits = findings_of(coach, "tone.non-apology", "This is never the way we want you to feel. See our page.")
    assert [f.text for f in hits] == ["This is never the way we want you to feel"]
    assert not findings_of(coach, "tone.non-apology", "This is not how we want your flight to go; I've rebooked you.")


def test_flat_refusal_spares_refusing_account_details_in_public(coach):
    upset = "I forgot my email and can't log in, please help me, this is so annoying!"
    assert not findings_of(coach, "tone.flat-refusal", "Sorry, we cannot provide any account information here.", upset)
    assert findings_of(coach, "tone.flat-refusal", "We cannot provide any updates on this.", upset)


def test_thanks_only_points_at_the_thanks(coach):
    draft = "@jo Hi Jo, thank you. ^bc"
    hits = findings_of(coach, "tone.thanks-only", draft, BROKEN_PROMISE)
    assert [draft[f.start:f.end] for f in hits] == ["thank you"]


@pytest.mark.parametrize("draft", [
    "Thank you. Your refund went out today. ^bc",  # anything of its own after the thanks
    "Thanks for waiting. ^bc",  # thanks for something is not a bare thanks
])
def test_thanks_only_wants_the_whole_reply_to_be_thanks(coach, draft):
    assert not findings_of(coach, "tone.thanks-only", draft, BROKEN_PROMISE)


def test_thanks_only_is_for_upset_customers(coach):
    assert findings_of(coach, "tone.thanks-only", "Thank you. ^bc", BROKEN_PROMISE)
    assert not findings_of(coach, "tone.thanks-only", "Thank you. ^bc", "I'll send the photo tonight.")
