"""The `exchange` kind: a regex over the reply that applies or not by the customer's message."""

import pytest

from replycoach import ReplycoachError

EXAMPLES = "examples: {flag: [x], pass: [y]}\n"
BASE = """\
kind: exchange
category: ownership
message: "Flagged: {match}"
why: It matters.
ignore_case: true
pattern: '\\bunfortunately\\b'
"""


def spans(report):
    return [f.text for f in report.findings if f.rule == "team.r"]


def test_customer_lacks_silences_the_rule_when_the_customer_matches(pack_coach):
    coach = pack_coach(r=BASE + "customer_lacks: '\\?'\n" + EXAMPLES)
    draft = "Unfortunately the booking has expired."
    stranded = "I asked twice for a name change and nobody fixed it!"
    assert spans(coach.check(draft, customer=stranded)) == ["Unfortunately"]
    assert spans(coach.check(draft, customer="Can I still change the name on my booking?")) == []
    assert spans(coach.check(draft)) == ["Unfortunately"]  # no customer message: nothing rules it out


def test_customer_patterns_read_words_not_links(pack_coach):
    coach = pack_coach(r=BASE + "customer_lacks: '\\?'\n" + EXAMPLES)
    customer = "Nobody can watch my video https://www.youtube.com/watch?v=abc123 and it has no claim!"
    assert spans(coach.check("Unfortunately the video is blocked.", customer=customer)) == ["Unfortunately"]


def test_customer_matches_needs_a_customer_who_matches(pack_coach):
    coach = pack_coach(r=BASE + "customer_matches: '\\b(?:tried|already)\\b'\n" + EXAMPLES)
    draft = "Unfortunately you will need to restart it."
    assert spans(coach.check(draft, customer="I already restarted it three times.")) == ["Unfortunately"]
    assert spans(coach.check(draft, customer="My router keeps dropping.")) == []
    assert spans(coach.check(draft)) == []


def test_an_exchange_rule_without_a_customer_test_is_refused(pack_coach):
    with pytest.raises(ReplycoachError) as err:
        pack_coach(r=BASE + EXAMPLES)
    assert "customer_matches or customer_lacks" in str(err.value)


def test_a_customer_pattern_that_runs_out_of_time_skips_the_rule_and_says_so(pack_coach):
    coach = pack_coach(r=BASE + "customer_lacks: '(a|aa)+$'\n" + EXAMPLES)
    report = coach.check("Unfortunately not.", customer="Hello " + "a" * 5000 + "b there.")
    assert spans(report) == []
    assert report.metrics.unchecked_rules == ("team.r",)
    assert coach.check("Unfortunately not.", customer="Hello").metrics.unchecked_rules == ()


class _Descheduled:
    """A compiled pattern whose first search stops on the wall clock before using any CPU."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.searches = 0

    def search(self, *args, **kwargs):
        self.searches += 1
        if self.searches == 1:
            raise TimeoutError("regex timed out")
        return self.pattern.search(*args, **kwargs)


def test_a_customer_search_stopped_by_a_busy_machine_is_resumed(pack_coach):
    coach = pack_coach(r=BASE + "customer_lacks: '\\?'\n" + EXAMPLES)
    (check,) = [c for c in coach._checks if c.rule.id == "team.r"]
    pattern, _gate = check._customer["customer_lacks"]
    slow = _Descheduled(pattern)
    check._customer["customer_lacks"] = slow, None  # no gate: the message holds no "?", searched all the same
    report = coach.check("Unfortunately not.", customer="It broke again!")
    assert slow.searches == 2
    assert spans(report) == ["Unfortunately"] and report.metrics.unchecked_rules == ()


def test_a_customer_message_without_what_the_expression_needs_is_not_searched(pack_coach):
    coach = pack_coach(r=BASE + "customer_lacks: '\\?'\n" + EXAMPLES)
    (check,) = [c for c in coach._checks if c.rule.id == "team.r"]
    pattern, gate = check._customer["customer_lacks"]
    assert gate is not None and gate.words == ("?",)
    counting = _Descheduled(pattern)
    counting.searches = 1  # no stop: counts the searches
    check._customer["customer_lacks"] = counting, gate
    assert spans(coach.check("Unfortunately not.", customer="It broke again!")) == ["Unfortunately"]
    assert counting.searches == 1
    assert spans(coach.check("Unfortunately not.", customer="Is it broken?")) == []
    assert counting.searches == 2
