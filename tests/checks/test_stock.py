"""The `stock` kind: a reply of nothing but words from a list, with no word of its own."""

import pytest

from replycoach import RuleError

STOCK = """\
kind: stock
category: canned
message: "Only stock: {match}"
why: Nothing else.
words: [hi, hello, we, us, are, here, to, help, please, send, a, dm, so, can, assist*, thank*, you, "on"]
needs: [help, assist*]
examples: {flag: [x], pass: [y]}
"""
UPSET = "My parcel never arrived and nobody answers the phone. Ridiculous!"


def spans(report):
    return [f.text for f in report.findings if f.rule == "team.r"]


@pytest.fixture
def stock(pack_coach):
    return pack_coach(r=STOCK)


def test_a_reply_of_stock_words_fires_once_on_its_first_sentence(stock):
    draft = "@sam We're here to help! Please send us a DM so we can assist. https://example.com/dm ^JS"
    report = stock.check(draft)
    assert spans(report) == ["We're here to help!"]
    f = report.findings[0]
    assert draft[f.start:f.end] == f.text


@pytest.mark.parametrize("draft", [
    "Hi Amanda, we are here to help, thank you. -Wayne",  # the name after a greeting, a signature
    "Hello! We can assist on https://example.com/help?topic=parcel 2/2",  # a link's words, a thread counter
    "We're assisting, thanks.",  # a prefix entry ("assist*"), and a contraction's second half
])
def test_names_links_and_signatures_are_not_the_replys_own_words(stock, draft):
    assert len(spans(stock.check(draft))) == 1


@pytest.mark.parametrize("draft", [
    "We are here to help with the refund.",  # one word of its own
    "We can't help here.",  # "n't" reads as "not", which is not on the list
    "Thank you!",  # nothing from `needs`
    "https://example.com/help",  # no words at all
])
def test_one_word_of_its_own_or_no_needed_word_keeps_it_quiet(stock, draft):
    assert spans(stock.check(draft)) == []


def test_customer_asks_needs_a_question_a_problem_or_an_upset_customer(pack_coach):
    coach = pack_coach(r=STOCK.replace("needs:", "customer_asks: true\nneeds:"))
    draft = "We are here to help! Please send us a DM."
    assert spans(coach.check(draft)) == []  # no customer message
    assert spans(coach.check(draft, customer="Thanks so much, all sorted now.")) == []
    assert spans(coach.check(draft, customer="See https://example.com/a?b=c")) == []  # a link's "?" asks nothing
    assert spans(coach.check(draft, customer="Can I change the name on my booking?")) != []
    assert spans(coach.check(draft, customer=UPSET)) != []


@pytest.mark.parametrize(("field", "entry"), [("words", "Help"), ("needs", "assist**"), ("words", "dm-us")])
def test_entries_are_lower_case_words(pack_coach, field, entry):
    body = STOCK.replace(f"{field}: [", f'{field}: ["{entry}", ')
    with pytest.raises(RuleError, match="lower-case words"):
        pack_coach(r=body)
