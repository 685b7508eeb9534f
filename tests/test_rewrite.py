"""Rewrites: the guarantees. Protected spans never change, the score never drops, no new
findings (bar [slot]s for the agent), rewriting twice = once, layout survives, edits map back."""

import json
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from replycoach import Edit, ReplycoachError, Report
from replycoach.rewrite import _CHECKS_PER_PASS, MAX_PASSES, Rewriter, apply_edits, grammar_faults
from replycoach.text import clean

SLOT_RULE = "canned.unfilled-slot"

DRAFT = ("Dear valued customer,\n\nWe apologise for any inconvenience this may have caused. Your refund "
         "will be processed soon, prior to the end of the month; see https://example.com/refunds/A1234 "
         "for order #A1234. Obviously you should have told us sooner!!!\n\nRegards,\nSam")
CUSTOMER = "My refund never arrived and this is the third time I've asked!!!"


def assert_guarantees(coach, draft: str, customer: str | None = None) -> None:
    result = coach.rewrite(draft, customer=customer)
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
    # Counted per rule, and per flagged words for word-level rules (a sentence-wide finding's
    # words change as words inside it are fixed): a second finding of a rule that fired once is new.
    word_level = coach._word_level

    def key(f):
        return f.rule, f.text if f.rule in word_level else ""

    had = Counter(key(f) for f in before.findings)
    new = Counter(key(f) for f in after.findings if f.rule != SLOT_RULE) - had
    assert not new, new
    # Paragraphs survive.
    assert result.text.count("\n") == original.count("\n")
    # Rewriting again changes nothing.
    again = coach.rewrite(result.text, customer=customer, input_format="text")
    assert again.text == result.text and not again.edits


def test_example_draft_improves_with_every_guarantee(coach):
    result = coach.rewrite(DRAFT, customer=CUSTOMER)
    assert result.edits and result.after.score > result.before.score
    assert result.text.startswith("Hello,") or result.text.startswith("Dear")
    assert result.text.endswith("Regards,\nSam")
    assert "https://example.com/refunds/A1234" in result.text and "#A1234" in result.text
    assert_guarantees(coach, DRAFT, CUSTOMER)


def test_clean_draft_is_left_alone(coach):
    draft = "Hi Sam,\n\nThanks for waiting. I've sent your replacement today.\n\nBest,\nJo"
    result = coach.rewrite(draft)
    assert result.text == draft and not result.edits


def test_json_shape(coach):
    data = json.loads(coach.rewrite(DRAFT, customer=CUSTOMER).to_json())
    assert set(data) == {"text", "edits", "before", "after", "todos"}
    assert set(data["edits"][0]) == {"start", "end", "replacement", "rule", "reason"}
    assert data["before"]["version"] == data["after"]["version"]


class _Proposing:
    """A stand-in for a team's own rewriter (a language-model service, say)."""

    def __init__(self, make: "callable") -> None:
        self.make = make

    def propose(self, report: Report, *, customer: str | None) -> Sequence[Edit]:
        return self.make(report)


def test_plugged_in_rewriter_passes_the_same_guard(coach):
    draft = "Thanks for waiting. See https://example.com/help for the steps."
    url_start = draft.index("https")
    touches_url = _Proposing(lambda r: [Edit(start=url_start, end=url_start + 5, replacement="http",
                                             rule="llm", reason="shorter")])
    worse = _Proposing(lambda r: [Edit(start=0, end=0, replacement="Obviously ", rule="llm", reason="x")])
    better_whole_text = _Proposing(lambda r: [Edit(start=0, end=len(r.text), rule="llm", reason="warmer",
                                                   replacement=r.text.replace("Thanks for waiting.",
                                                                              "Thanks for waiting, Jo."))])
    assert isinstance(touches_url, Rewriter)
    refused = coach.rewrite(draft, rewriter=touches_url)
    assert refused.text == draft and any("protected url" in r for r in refused.rejected)
    assert coach.rewrite(draft, rewriter=worse).text == draft
    accepted = coach.rewrite(draft, rewriter=better_whole_text)
    assert accepted.text == "Thanks for waiting, Jo. See https://example.com/help for the steps."


PIECES = ["We apologise for any inconvenience.", "Your order has been shipped.", "It will arrive soon.",
          "Prior to that, please restart the router", "Obviously", "PLEASE NOTE", "!!!", "per our SLA",
          "https://example.com/a?b=1", "#A1234", "$42.50", "\n\n", "Hi Sam,", "Regards,\nJo",
          "we can't refund it, but we can send a new one, and it ships today", "Unfortunately we can't.",
          "I understand your frustration.", "Thank you for contacting us.", "the firmware", "ASAP"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map(" ".join),
       st.sampled_from([None, CUSTOMER, "Where is my order?"]))
# Once failed: the learned rules refused the whole rewrite, and the edits kept without the
# thank-you line lifted the reading grade over the channel's limit (a new finding).
@example("per our SLA PLEASE NOTE Prior to that, please restart the router", CUSTOMER)
def test_guarantees_hold_for_any_mix(coach, draft, customer):
    try:
        assert_guarantees(coach, draft, customer)
    except ReplycoachError as err:
        assert err.code.startswith("RC1")


# --- what a trainer strikes out -----------------------------------------------------------------

UPSET = "My internet has been down for two days and I work from home. This is ridiculous."
CALM = "Hi, could you tell me which router settings to use? Thanks!"


def _added(result) -> list[str]:
    return [e.replacement for e in result.edits if len(e.replacement.split()) >= 3]


def test_empathy_line_names_the_problem_and_follows_the_greeting(coach):
    result = coach.rewrite("@dana Hi there! Please restart your router and try again.", customer=UPSET)
    assert result.text.startswith("@dana Hi there! I'm sorry your internet has been down for two days")


def test_no_empathy_line_for_a_calm_customer_even_from_a_plugged_in_rewriter(coach):
    draft = "Please restart your router and try again."
    assert not any("sorry" in r for r in _added(coach.rewrite(draft, customer=CALM)))
    pasted = _Proposing(lambda r: [Edit(start=0, end=0, replacement="I'm so sorry about all of this. ",
                                        rule="llm", reason="warmer")])
    result = coach.rewrite(draft, customer=CALM, rewriter=pasted)
    assert result.text == draft and any("not upset" in r for r in result.rejected)


def test_stock_empathy_line_is_offered_not_pasted(coach):
    draft = "Your refund was processed on 3 May. It takes 5-7 days to appear."
    customer = "This is the THIRD time I'm asking where my refund is!!! Completely unacceptable."
    result = coach.rewrite(draft, customer=customer)
    assert "frustrating" not in result.text
    finding = next(f for f in result.before.findings if f.rule == "empathy.acknowledge")
    assert "I can see why this has been frustrating." in finding.suggestions and not finding.fixes


def test_no_line_before_the_greeting_or_after_the_sign_off(coach):
    before_greeting = _Proposing(lambda r: [Edit(start=6, end=6, replacement="Thanks for waiting on this. ",
                                                 rule="llm", reason="x")])
    draft = "@dana Hi there! Your order ships today. -Becky"
    assert coach.rewrite(draft, rewriter=before_greeting).text == draft
    after_signoff = _Proposing(lambda r: [Edit(start=len(draft), end=len(draft), rule="llm", reason="x",
                                               replacement=" Thanks for waiting on this.")])
    result = coach.rewrite(draft, rewriter=after_signoff)
    assert result.text == draft and any("after the sign-off" in r for r in result.rejected)


@pytest.mark.parametrize("draft", [
    "@dana and then restart your router and try again. 2/2 ^AB",  # the second tweet of a thread
    "...and then restart your router and try again.",  # carried over from the last message
])
def test_no_opening_line_inside_a_thread_continuation(coach, draft):
    result = coach.rewrite(draft, customer=UPSET)
    assert not any("sorry" in line.lower() for line in _added(result))


@pytest.mark.parametrize("text,kinds", [
    ("We sent an plane ticket.", ["article"]),
    ("We sent a update and an email, an hour ago, to a user; see the FAQ, an SMS.", ["article"]),
    ("A user and an hour and an FAQ.", []),
    ("Please send the the order number.", ["doubled"]),
    ("It had had enough. TD-4G 4G works.", ["doubled"]),
    ("Since we do value your input but we will pass it on.", ["dangling"]),
    ("Since you asked, we will pass it on. But not today.", []),
    ("We are so sorry about this we bring to you.", ["run-on"]),
    ("Sorry about that, we will fix it. We apologise for that they caused.", ["run-on"]),
    ("Thanks for this we can sort it out today. I know that we will.", []),
])
def test_grammar_faults(text, kinds):
    assert [k for k, _, _ in grammar_faults(text)] == kinds


def test_a_substitution_that_breaks_grammar_is_turned_down(coach):
    broken = _Proposing(lambda r: [Edit(start=r.text.index("car"), end=r.text.index("car") + 3,
                                        replacement="airplane", rule="llm", reason="x")])
    draft = "We booked a car for you."
    result = coach.rewrite(draft, rewriter=broken)
    assert result.text == draft and result.rejected


def test_a_replacement_that_starts_a_sentence_starts_with_a_capital(coach):
    draft = "It gets warm. CPU load is high when apps run, and that is normal."
    result = coach.rewrite(draft)
    assert "Processor (CPU) load" in result.text, result.text
    spelt = next(f for f in result.before.findings if f.text == "CPU").fixes[0]  # the one-click fix too
    assert spelt.replacement == "Processor (CPU)"
    assert result.text == coach.rewrite(draft.replace("It gets warm. ", "")).text.join(["It gets warm. ", ""])


def test_names_are_not_swapped(coach):
    draft = "Open Purchase History to see it; your phone does not support TD-LTE yet. Turn off GPU Performance."
    result = coach.rewrite(draft)
    assert "Purchase History" in result.text and "TD-LTE" in result.text and " GPU Performance" in result.text


def test_slots_are_todos_and_can_be_left_out(coach):
    draft = "We will look into it and reply soon."
    result = coach.rewrite(draft, slots=True)
    assert "[day]" in result.text
    todo = result.todos[0]
    assert result.text[todo.start:todo.end] == todo.slot == "[day]" and "when" in todo.question
    assert "todos" in json.loads(result.to_json())
    without = coach.rewrite(draft)  # the default: a deadline slot is offered, not written in
    assert "[" not in without.text and not without.todos and any("[slot]" in r for r in without.rejected)


def test_one_word_swaps_are_suggestions_not_edits(coach):
    draft = "We will provide the details in the app."
    result = coach.rewrite(draft, channel="chat")  # no thank-you line expected in chat
    assert result.text == draft and not result.edits
    assert "give" in next(f for f in result.before.findings if f.rule == "readability.wordy").suggestions


ENTITY_PIECES = ["Tom &amp; Jerry's order", "&gt; 5 items", "AT&amp;T", "Prior to that, restart it.",
                 "In order to help,", "we will reply soon.", "\n", "@dana", "Hi Sam,", "It's &quot;on&quot;.",
                 "Please restart the router.", "Thanks!"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ENTITY_PIECES), min_size=2, max_size=8).map(" ".join))
def test_a_rewrite_is_the_draft_as_given_outside_its_edits(coach, draft):
    try:
        result = coach.rewrite(draft)
    except ReplycoachError as err:
        assert err.code.startswith("RC1")
        return
    edits = sorted(result.edits, key=lambda e: (e.start, e.end))
    if any("cleaned text" in r for r in result.rejected):
        return  # an edit crossed markup: the rewrite is of the cleaned text, and says so
    assert apply_edits(draft, edits)[0] == result.text
    untouched, pos = [], 0
    for e in edits:
        untouched.append(draft[pos:e.start])
        pos = e.end
    untouched.append(draft[pos:])
    for piece in untouched:  # entities, line breaks and spacing outside the edits, byte for byte
        assert piece in result.text


def test_one_guarded_check_per_try_keeps_rewrites_linear(coach, monkeypatch):
    calls = 0
    original = coach._report

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(coach, "_report", counting)
    piece = "ALL YOU NEED TO DO IS!!! unfortunately I won't be able to!!! v1.2.3!!!  -KC!!! "
    coach.rewrite(piece * 30)
    assert calls <= 2 * MAX_PASSES * _CHECKS_PER_PASS + 2
