"""Inputs whose cost once grew with the square of their size: each 10 KB case must check in well
under a second (the target is 0.5 s; the limits are generous so that only a return to
quadratic cost fails, and it fails loudly: 10 KB of these took 6 to 15 s)."""

from __future__ import annotations

import time

import pytest

from replycoach import Coach, InputError

LIMIT = 3.0  # seconds, for a check whose target is 0.5 s
REWRITE_LIMIT = 10.0  # seconds, for a rewrite whose target is 2 s
SIZE = 10_000

DRAFTS = {
    "percent signs": "Thanks for waiting. " + "%" * SIZE,
    "closing brackets": "Thanks for waiting. " + ")" * SIZE,
    "exclamation marks": "Thanks for waiting. " + "!" * SIZE,
    "quotation marks": "Thanks for waiting. " + '"' * SIZE,
    "underscores": "Thanks for waiting. " + "_" * SIZE,
    "one emoji": "Thanks for waiting. " + "\U0001F600" * SIZE,
    "mixed emoji": "Thanks for waiting. " + "".join(chr(0x1F600 + i % 64) for i in range(SIZE)),
    "mixed punctuation": "Thanks for waiting. " + "%)!\"'-" * (SIZE // 6),
    "a word then brackets": "Thanks for waiting. x" + ")" * SIZE,
    "capitals": "ESCALATE YOUR REQUEST TO TIER THREE " * (SIZE // 36),
    "capitals and acronyms": "PLEASE CALL THE SLA TEAM ASAP " * (SIZE // 30),
    "repeated stock phrase": "We apologise for any inconvenience. " * (SIZE // 36),
    # A reply parser's attribution line ("On ... wrote:") that never ends: 6-21 s in mail-parser-reply.
    "attribution words": "On " * (SIZE // 3) + "wrote:",
    # One sentence of many comma-joined clauses: what the run-on check walks back over.
    "comma clauses": "we checked the order, please try again, " * (SIZE // 40) + "thanks.",
}

CUSTOMERS = {
    "one emoji": "\U0001F621" * 4_000,
    "mixed emoji": "".join(chr(0x1F600 + i % 64) for i in range(SIZE)),
    "emoji words": "terrible \U0001F621 " * (SIZE // 11),
    "angry prose": "This is the THIRD time I'm writing and still nothing!!! I'm fed up. " * (SIZE // 68),
    "no spaces": "a" * SIZE,
}


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


@pytest.mark.parametrize("name", DRAFTS)
def test_a_10kb_draft_checks_in_linear_time(coach: Coach, name: str) -> None:
    draft = DRAFTS[name]
    coach.check("Thanks for waiting.")  # warm the caches: measure the check, not the first load
    try:
        report, seconds = timed(lambda: coach.check(draft))
    except InputError as err:  # a refusal is fine, as long as it is quick
        assert err.code.startswith("RC1")
        return
    assert seconds < LIMIT, f"{name}: {seconds:.1f} s"
    for f in report.findings:
        assert draft[f.start:f.end] == f.text


REWRITES = {
    **{name: DRAFTS[name] for name in ("capitals", "capitals and acronyms", "repeated stock phrase")},
    # Once 4 KB of this took 7.8 s (one re-check per turned-down edit).
    "fuzzed mix": ("ALL YOU NEED TO DO IS!!! unfortunately I won't be able to!!! wNXRCvVea!!! v1.2.3!!! "
                   "\u061c!!!  -KC!!! " * 120)[:SIZE],
}


@pytest.mark.parametrize("name", REWRITES)
def test_a_10kb_draft_rewrites_in_linear_time(coach: Coach, name: str) -> None:
    """A rewrite of a shouted 10 KB draft once took minutes: the guard diffed each whole-draft
    case change character by character (quadratic) for every edit it looked at."""
    coach.check("Thanks for waiting.")
    result, seconds = timed(lambda: coach.rewrite(REWRITES[name]))
    assert seconds < REWRITE_LIMIT, f"{name}: {seconds:.1f} s"
    assert result.after.score >= result.before.score


@pytest.mark.parametrize("name", CUSTOMERS)
def test_a_10kb_customer_message_checks_in_linear_time(coach: Coach, name: str) -> None:
    coach.check("Thanks for waiting.", customer="My parcel is late.")
    report, seconds = timed(lambda: coach.check("I'm sorry about the wait. I'll refund you today.",
                                                customer=CUSTOMERS[name]))
    assert seconds < LIMIT, f"{name}: {seconds:.1f} s"
    assert -1 <= report.metrics.customer_sentiment <= 1


def test_cost_grows_linearly_not_quadratically(coach: Coach) -> None:
    """Doubling a shouted draft at most about doubles its cost (quadratic cost quadruples it)."""
    coach.check("Thanks for waiting.")
    unit = "ESCALATE YOUR REQUEST TO TIER THREE %%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%% "
    small = min(timed(lambda: coach.check(unit * 40))[1] for _ in range(3))
    large = min(timed(lambda: coach.check(unit * 160))[1] for _ in range(3))
    assert large < 8 * small + 0.2, f"x4 input: {small:.3f} s -> {large:.3f} s"


def test_shouting_is_still_one_finding_per_run(coach: Coach) -> None:
    """Open-ended repeats are matched greedily: a long run in capitals is one finding, not one
    per word or per window."""
    draft = "Hi Sam, " + "PLEASE READ ALL OF THE INSTRUCTIONS " * 40 + "before calling."
    shouts = [f for f in coach.check(draft).findings if f.rule == "tone.shouting"]
    assert len(shouts) == 1 and shouts[0].text == draft[8:draft.index(" before")]


def test_sentiment_reads_a_bounded_opening():
    from replycoach.signals import VADER_WORDS, _vader_window, customer_sentiment

    assert _vader_window("one two three") == "one two three"
    window = _vader_window("word " * (VADER_WORDS + 50))
    assert len(window.split()) == VADER_WORDS
    assert len(_vader_window("\U0001F621" * 4_000)) < VADER_WORDS  # each emoji counts as its name's words
    # a short text too: 500 characters, but 750 words once its emoji are named
    assert len(_vader_window("\U0001F621 " * 250)) < len("\U0001F621 " * 250)
    assert _vader_window("café déjà vu " * 50) == "café déjà vu " * 50  # not ASCII, no emoji: nothing to cut
    assert customer_sentiment("This is terrible, awful and useless. " * 1_000) < -0.9
