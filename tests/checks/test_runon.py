"""The `runon` kind: sentences run together at a comma splice, past a mid-sentence link, at a bare
conjunction, at a capital after a comma or a word, or at a linking adverb."""

import pytest

from replycoach import RuleError

RUNON = """\
kind: runon
category: readability
message: "{words} words, joined at {joint}"
why: Run-on.
min_words: 12
subjects: [we, you, please]
openers: [if, which]
min_clause: 3
joiners: [and]
capitals: [after, check]
adverbs: [however]
min_tail: 5
conjunctions: [so]
pronouns: [it, you]
purpose: [can]
names_after: [click, the]
examples: {flag: [x], pass: [y]}
"""


def spans(report):
    return [(f.text, f.message) for f in report.findings if f.rule == "team.r"]


@pytest.fixture
def coach(pack_coach):
    return pack_coach(r=RUNON)


def test_a_comma_splice_in_a_long_sentence_fires_with_a_full_stop_fix(coach):
    draft = "We looked at your account and the order from last week, please send us the receipt today."
    report = coach.check(draft)
    assert spans(report) == [(draft, "17 words, joined at the comma")]
    (fix,) = report.findings[0].fixes
    assert draft[:fix.start] + fix.replacement + draft[fix.end:] == (
        "We looked at your account and the order from last week. Please send us the receipt today.")


def test_a_link_the_sentence_carries_on_after_fires_without_a_fix(coach):
    draft = "Try the backup codes in this article: https://example.com/help/codes if that fails ask us here today."
    report = coach.check(draft)
    assert [m for _, m in spans(report)] == ["14 words, joined at the link"]
    assert report.findings[0].fixes == ()


@pytest.mark.parametrize("draft", [
    # short: a loose joint reads fine
    "Thanks for the photo, please send the receipt.",
    # the comma closes a clause an opener started
    "If the order from last week still has not arrived by Friday, we will send a new one.",
    "If it fails, which it may on older phones with little space, you can restart the phone again.",
    # a clause of fewer than min_clause words before the comma
    "Hi Sam, we looked at your account and the order from last week and found the payment.",
    # after the link, a joiner or a new sentence
    "Please write to us at https://example.com/contact and we will look at the order from last week.",
    "Please write to us at https://example.com/contact We will look at the order from last week today.",
    # a link used as a noun, and a hyphenated word is no clause mark
    "Please log in to the https://example.com website to see the usage details for your phone number.",
    "We checked the post-paid plan on your account, which is fine, and the order from last week too.",
])
def test_sentences_that_are_not_run_ons_stay_quiet(coach, draft):
    assert spans(coach.check(draft)) == []


def test_a_capital_after_a_comma_fires_at_any_length_with_a_full_stop_fix(coach):
    draft = "We cannot change the name yet, After a month you can."
    report = coach.check(draft)
    assert [m for _, m in spans(report)] == ["12 words, joined at the comma"]
    (fix,) = report.findings[0].fixes
    fixed = draft[:fix.start] + fix.replacement + draft[fix.end:]
    assert fixed == "We cannot change the name yet. After a month you can."


@pytest.mark.parametrize("draft", [
    "We looked at it with the team, Sam will call you.",  # a name, not a listed opener
    "If it fails again tomorrow, Please call us.",  # after an opener only the capital is wrong
    "Hi Sam, Please call us.",  # a greeting's comma
    "We cannot change the name yet, after a month you can.",  # short, and no capital
])
def test_a_comma_before_a_capital_that_is_not_a_run_on_stays_quiet(coach, draft):
    assert spans(coach.check(draft)) == []


def test_a_linking_adverb_with_no_stop_before_it_fires_at_any_length_with_a_fix(coach):
    draft = "You can upgrade it at 18 https://example.com/up however, you cannot downgrade it."
    report = coach.check(draft)
    assert [m for _, m in spans(report)] == ["11 words, joined at 'however'"]
    (fix,) = report.findings[0].fixes
    assert draft[:fix.start] + fix.replacement + draft[fix.end:] == (
        "You can upgrade it at 18 https://example.com/up. However, you cannot downgrade it.")


def test_no_full_stop_fix_where_it_would_strand_a_subordinate_clause(coach):
    report = coach.check("If you value it however, we will pass it on.")
    assert [m for _, m in spans(report)] == ["10 words, joined at 'however'"]
    assert report.findings[0].fixes == ()


@pytest.mark.parametrize("draft", [
    "We can, however, send a new code.",  # the adverb has its commas
    "Thanks. However, we cannot refund it.",  # a stop before it
    "The refund is on its way however, and it should arrive soon.",  # no second subject
    "However, we cannot refund it.",  # opens the sentence
])
def test_a_linking_adverb_with_its_stops_stays_quiet(coach, draft):
    assert spans(coach.check(draft)) == []


def test_subjects_are_required(pack_coach):
    with pytest.raises(RuleError):
        pack_coach(r=RUNON.replace("subjects: [we, you, please]\n", ""))


def test_a_short_closing_line_after_a_link_is_no_run_on(coach):
    """Fewer than min_tail words after the link read as a new line; min_tail or more run on."""
    short = "Please read the steps for the order from last week at https://example.com/help we hope it helps!"
    long = "Please read the steps for the order from last week at https://example.com/help we hope it helps you today!"
    assert spans(coach.check(short)) == []
    assert [m for _, m in spans(coach.check(long))] == ["17 words, joined at the link"]


def test_a_bare_conjunction_opening_a_main_clause_in_a_long_sentence_fires(coach):
    draft = ("We check every view on the channel for a few days and count the real ones "
             "so it is normal to see the count drop.")
    assert [m for _, m in spans(coach.check(draft))] == ["25 words, joined at 'so'"]
    assert coach.check(draft).findings[0].fixes == ()


@pytest.mark.parametrize("draft", [
    # a purpose clause
    "We check every view on the channel for a few days and count the real ones so you can see the right count.",
    # with its comma
    "We check every view on the channel for a few days and count the real ones, so it is normal to see the count drop.",
    # the pro-verb "do so", and "If so"
    "You will need to sign in to the website first with the email on the account to do so you need the password.",
    "If so it is best to sign in to the website again with the email address on the account and check the order.",
    # short
    "We count the real views so it is normal.",
])
def test_a_conjunction_that_is_no_joint_stays_quiet(coach, draft):
    assert spans(coach.check(draft)) == []


def test_a_capitalised_opener_straight_after_a_word_fires_at_any_length_with_a_fix(coach):
    draft = "The credits show on your next invoice once it is compiled Check here for the details."
    report = coach.check(draft)
    assert [m for _, m in spans(report)] == ["16 words, joined at 'Check'"]
    (fix,) = report.findings[0].fixes
    assert draft[:fix.start] + fix.replacement + draft[fix.end:] == (
        "The credits show on your next invoice once it is compiled. Check here for the details.")


@pytest.mark.parametrize("draft", [
    "Please click Check for updates and restart the phone.",  # a button's name
    "Open the Check settings page on the phone.",  # after a listed word
    "Hi there Check the settings page.",  # too few words before it
    "The credits show on your next invoice once it is compiled Check.",  # nothing after it
])
def test_a_capitalised_word_that_is_a_name_stays_quiet(coach, draft):
    assert spans(coach.check(draft)) == []


def test_a_comma_closing_a_clause_opened_after_that_is_no_splice(coach):
    draft = "Please keep in mind that if the owner deletes the account, we cannot turn it back on for you."
    assert spans(coach.check(draft)) == []
    assert spans(coach.check(draft.replace("that if", "that"))) != []
