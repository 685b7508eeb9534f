"""The `exchange-unless` kind: an `exchange` rule silenced by any `unless` phrase anywhere in the reply."""

import pytest

from replycoach import ReplycoachError

RULE = """\
kind: exchange-unless
category: ownership
message: "Flagged: {match}"
why: It matters.
ignore_case: true
customer_lacks: '\\?'
pattern: '\\bunfortunately\\b'
unless: [suggest, "{will|going to}"]
examples: {flag: [x], pass: [y]}
"""

STRANDED = "I asked twice for a name change and nobody fixed it!"


def spans(report):
    return [f.text for f in report.findings if f.rule == "team.r"]


def test_it_fires_as_exchange_does_where_no_unless_phrase_appears(pack_coach):
    coach = pack_coach(r=RULE)
    draft = "Unfortunately the booking has expired."
    assert spans(coach.check(draft, customer=STRANDED)) == ["Unfortunately"]
    assert spans(coach.check(draft, customer="Can I still change the name on my booking?")) == []


@pytest.mark.parametrize("draft", [
    "Unfortunately it has expired. We suggest booking again.",
    "Unfortunately it has expired. Our team suggested a new date.",  # on lemmas by default
    "Unfortunately it has expired, and we are going to refund it.",
])
def test_an_unless_phrase_anywhere_silences_it(pack_coach, draft):
    assert spans(pack_coach(r=RULE).check(draft, customer=STRANDED)) == []


def test_match_lower_takes_the_words_as_written(pack_coach):
    coach = pack_coach(r=RULE.replace("unless:", "match: lower\nunless:"))
    assert spans(coach.check("Unfortunately it has expired. Our team suggested a new date.",
                             customer=STRANDED)) == ["Unfortunately"]
    assert spans(coach.check("Unfortunately it has expired. We suggest a new date.", customer=STRANDED)) == []


def test_words_inside_a_link_do_not_silence_it(pack_coach):
    draft = "Unfortunately it has expired: https://example.com/we-suggest-nothing"
    assert spans(pack_coach(r=RULE).check(draft, customer=STRANDED)) == ["Unfortunately"]


def test_a_rule_without_unless_phrases_is_refused(pack_coach):
    with pytest.raises(ReplycoachError) as err:
        pack_coach(r=RULE.replace('unless: [suggest, "{will|going to}"]\n', ""))
    assert "unless" in str(err.value)
