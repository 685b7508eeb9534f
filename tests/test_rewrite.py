"""Rewrites: the guarantees. Protected spans never change, the score never drops, no new
findings (bar [slot]s for the agent), rewriting twice = once, layout survives, edits map back."""

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replycoach import Coach, Edit, ReplycoachError, Report
from replycoach.rewrite import Rewriter, apply_edits
from replycoach.text import clean

_COACH = Coach()
SLOT_RULE = "canned.unfilled-slot"

DRAFT = ("Dear valued customer,\n\nWe apologise for any inconvenience this may have caused. Your refund "
         "will be processed soon, prior to the end of the month; see https://example.com/refunds/A1234 "
         "for order #A1234. Obviously you should have told us sooner!!!\n\nRegards,\nSam")
CUSTOMER = "My refund never arrived and this is the third time I've asked!!!"


def assert_guarantees(draft: str, customer: str | None = None) -> None:
    result = _COACH.rewrite(draft, customer=customer)
    before, after = result.before, result.after
    original = before.text
    # Every edit maps back to the original: applying them reproduces the rewritten text.
    assert apply_edits(original, sorted(result.edits, key=lambda e: (e.start, e.end)))[0] == result.text
    # Protected spans (URLs, ids, numbers, code) and the quoted thread are untouched.
    cleaned = clean(original, input_format="text")
    for span in (*cleaned.protected, *cleaned.excluded):
        for e in result.edits:
            assert not (e.start < span.end and span.start < e.end), (span, e)
        assert original[span.start:span.end] in result.text
    # Never scores lower; never adds a finding the draft did not have, except [slot]s.
    assert after.score >= before.score
    had = {(f.rule, f.text) for f in before.findings}
    for f in after.findings:
        assert f.rule == SLOT_RULE or (f.rule, f.text) in had or f.rule in {g.rule for g in before.findings}, f
    # Paragraphs survive.
    assert result.text.count("\n") == original.count("\n")
    # Rewriting again changes nothing.
    again = _COACH.rewrite(result.text, customer=customer, input_format="text")
    assert again.text == result.text and not again.edits


def test_example_draft_improves_with_every_guarantee():
    result = _COACH.rewrite(DRAFT, customer=CUSTOMER)
    assert result.edits and result.after.score > result.before.score
    assert result.text.startswith("Hello,") or result.text.startswith("Dear")
    assert result.text.endswith("Regards,\nSam")
    assert "https://example.com/refunds/A1234" in result.text and "#A1234" in result.text
    assert_guarantees(DRAFT, CUSTOMER)


def test_clean_draft_is_left_alone():
    draft = "Hi Sam,\n\nThanks for waiting. I've sent your replacement today.\n\nBest,\nJo"
    result = _COACH.rewrite(draft)
    assert result.text == draft and not result.edits


def test_json_shape():
    import json

    data = json.loads(_COACH.rewrite(DRAFT, customer=CUSTOMER).to_json())
    assert set(data) == {"text", "edits", "before", "after", "todos"}
    assert set(data["edits"][0]) == {"start", "end", "replacement", "rule", "reason"}
    assert data["before"]["version"] == data["after"]["version"]


class _Proposing:
    """A stand-in for a team's own rewriter (a language-model service, say)."""

    def __init__(self, make: "callable") -> None:
        self.make = make

    def propose(self, report: Report, *, customer: str | None) -> Sequence[Edit]:
        return self.make(report)


def test_plugged_in_rewriter_passes_the_same_guard():
    draft = "Thanks for waiting. See https://example.com/help for the steps."
    url_start = draft.index("https")
    touches_url = _Proposing(lambda r: [Edit(start=url_start, end=url_start + 5, replacement="http",
                                             rule="llm", reason="shorter")])
    worse = _Proposing(lambda r: [Edit(start=0, end=0, replacement="Obviously ", rule="llm", reason="x")])
    better_whole_text = _Proposing(lambda r: [Edit(start=0, end=len(r.text), rule="llm", reason="warmer",
                                                   replacement=r.text.replace("Thanks for waiting.",
                                                                              "Thanks for waiting, Jo."))])
    assert isinstance(touches_url, Rewriter)
    refused = _COACH.rewrite(draft, rewriter=touches_url)
    assert refused.text == draft and any("protected url" in r for r in refused.rejected)
    assert _COACH.rewrite(draft, rewriter=worse).text == draft
    accepted = _COACH.rewrite(draft, rewriter=better_whole_text)
    assert accepted.text == "Thanks for waiting, Jo. See https://example.com/help for the steps."


PIECES = ["We apologise for any inconvenience.", "Your order has been shipped.", "It will arrive soon.",
          "Prior to that, please restart the router", "Obviously", "PLEASE NOTE", "!!!", "per our SLA",
          "https://example.com/a?b=1", "#A1234", "$42.50", "\n\n", "Hi Sam,", "Regards,\nJo",
          "we can't refund it, but we can send a new one, and it ships today", "Unfortunately we can't.",
          "I understand your frustration.", "Thank you for contacting us.", "the firmware", "ASAP"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map(" ".join),
       st.sampled_from([None, CUSTOMER, "Where is my order?"]))
def test_guarantees_hold_for_any_mix(draft, customer):
    try:
        assert_guarantees(draft, customer)
    except ReplycoachError as err:
        assert err.code.startswith("RC1")
