"""The `lone` kind: a phrase that is all the reply gives, silenced by engagement anywhere in it."""

import pytest

from replycoach import RuleError

LONE = """\
kind: lone
category: tone
message: "Only: {match}"
why: Nothing else.
match: lower
phrases: ["check your inbox", "see this page"]
unless: [sorry, "{could|can} you"]
unless_question: true
examples: {flag: [x], pass: [y]}
"""


def spans(report):
    return [f.text for f in report.findings if f.rule == "team.r"]


@pytest.fixture
def lone(pack_coach):
    return pack_coach(r=LONE)


def test_the_phrase_alone_fires_once_on_its_words(lone):
    draft = "Hi Jo, please check your inbox. And see this page."
    report = lone.check(draft)
    assert spans(report) == ["check your inbox"]
    f = report.findings[0]
    assert draft[f.start:f.end] == f.text


@pytest.mark.parametrize("draft", [
    "Sorry Jo, please check your inbox.",  # an unless phrase anywhere
    "Please check your inbox. I'm so sorry about this.",
    "Please check your inbox. Which order was it?",  # a question
    "Please check your inbox; could you confirm it arrived.",
    "We apologised, and we're sorry. Please see this page.",
])
def test_engagement_anywhere_silences_it(lone, draft):
    assert spans(lone.check(draft)) == []


def test_unless_reads_lemmas_while_phrases_read_the_words_as_written(pack_coach):
    coach = pack_coach(r=LONE.replace("unless: [sorry,", "unless: [apologize,"))
    assert spans(coach.check("We apologised. Please check your inbox.")) == []  # 'apologised' is 'apologize'
    assert spans(coach.check("Try checking your inbox.")) == []  # 'checking' is not 'check'


@pytest.mark.parametrize("draft", [
    "Please see this page https://example.com/sorry",  # an unless word inside a link says nothing
    "Please see this page https://example.com/faq?topic=rides",  # nor does a link's '?'
])
def test_links_neither_silence_it(lone, draft):
    assert spans(lone.check(draft)) == ["see this page"]


def test_without_unless_question_a_question_does_not_count(pack_coach):
    coach = pack_coach(r=LONE.replace("unless_question: true", "unless_question: false"))
    assert spans(coach.check("Please check your inbox. Which order was it?")) == ["check your inbox"]


def test_when_condition_still_applies(pack_coach):
    coach = pack_coach(r=LONE.replace("match: lower", "match: lower\nwhen: {customer_upset: true}"))
    upset = "My parcel never came and nobody answers!! This is ridiculous, I want my money back."
    assert spans(coach.check("Please check your inbox.", customer=upset)) == ["check your inbox"]
    assert spans(coach.check("Please check your inbox.", customer="Hi, did you get my message? Thanks")) == []


def test_unless_is_required(pack_coach):
    with pytest.raises(RuleError, match="unless"):
        pack_coach(r=LONE.replace('unless: [sorry, "{could|can} you"]\n', ""))
