"""The tone pack's whole-reply and customer-state rules, beyond each rule file's own examples:
brush-off (rules/tone/brush-off.yaml), not-our-end, your-end, curt-opener, sarcasm, laughing,
defensive, non-apology, flat-refusal, shouting and thanks-only."""

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


@pytest.mark.parametrize("draft", [
    "Thank you for your feedback. We will pass it on to the product team.",
    "Thank you for your feedback and we will record it and transfer it to the product department.",
    "Thank you for your feedback. Please provide the seller's website via private message.",
])
def test_brush_off_is_silenced_by_taking_the_point_on(coach, draft):
    assert not findings_of(coach, "tone.brush-off", draft, UPSET)
    assert findings_of(coach, "tone.brush-off", "Thank you for your feedback.", UPSET)


@pytest.mark.parametrize("draft", [
    "For technical help, please visit our Help site https://example.com/hc ^JS",
    "We have replied to you via DM. Check it out =)",
    "We've been in touch via DM!",
])
def test_brush_off_hears_a_bare_pointer_elsewhere(coach, draft):
    assert findings_of(coach, "tone.brush-off", draft, UPSET)
    assert not findings_of(coach, "tone.brush-off", draft, CALM)


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


@pytest.mark.parametrize("laugh", ["hahaha", "Hahahaa", "lmfao", "lolol", "ha ha", "[Ho-ho]", "[Ho ho]", "[lol]",
                                   "[Titter]", "[Hehe]"])
def test_laughing_hears_every_spelling(coach, laugh):
    draft = f"{laugh} please restart it."
    assert findings_of(coach, "tone.laughing", draft, UPSET)
    assert not findings_of(coach, "tone.laughing", draft, "Thanks so much, the kids loved it :)")


@pytest.mark.parametrize("draft", [
    "Please press [Home Key] and [Volume Up] together.",
    "[Hi Henry] your order is here.",
    "Open [Settings] > [Grinder] to adjust it.",
])
def test_laughing_leaves_bracketed_names_alone(coach, draft):
    assert not findings_of(coach, "tone.laughing", draft, UPSET)


@pytest.mark.parametrize("draft, shouts", [
    ("Your flight DL 1262 runs LAS JFK tonight.", False),  # two codes in a row are no raised voice
    ("Members of any INLOVE KTV get a gift.", False),
    ("YOUR ORDER WAS CANCELLED because the card failed.", True),
    ("You MUST restart the router first.", True),
])
def test_shouting_needs_three_capital_words_or_an_emphasis_word(coach, draft, shouts):
    assert bool(findings_of(coach, "tone.shouting", draft)) is shouts


@pytest.mark.parametrize("rule, draft", [
    ("tone.flat-refusal", "We can’t refund this fare."),
    ("tone.flat-refusal", "Unfortunately, we’re not able to guarantee seats."),
    ("tone.not-our-end", "We’re not seeing any issues on our end."),
    ("tone.not-our-end", "Everything’s working fine on our side."),
])
def test_regex_rules_hear_curly_apostrophes(coach, rule, draft):
    assert findings_of(coach, rule, draft, UPSET)
    assert findings_of(coach, rule, draft.replace("’", "'"), UPSET)


def test_nothing_more_we_can_do_is_a_flat_refusal_unless_something_follows(coach):
    assert findings_of(coach, "tone.flat-refusal", "Sorry, there's nothing more we can do.", UPSET)
    assert not findings_of(coach, "tone.flat-refusal",
                           "There's nothing more we can do online, but I've asked the desk to call you.", UPSET)


@pytest.mark.parametrize("draft", [
    "As I said, the refund takes five days.",
    "Like we said, the refund takes five days.",
    "The speed is affected by many factors such as peak hours.",
])
def test_defensive_recaps_and_excuses_only_to_an_upset_customer(coach, draft):
    assert findings_of(coach, "tone.defensive", draft, UPSET)
    assert not findings_of(coach, "tone.defensive", draft, CALM)


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
