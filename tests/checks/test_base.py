"""The helpers every kind's fixes use: case carried over, clean removals."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from replycoach.checks.base import capital_at_sentence_start, match_case, removal, starts_sentence


@pytest.mark.parametrize("original,replacement,expected", [
    ("Prior to", "before", "Before"),  # a capital carried over
    ("prior to", "Before", "before"),  # and taken away mid-sentence
    ("ASAP", "as soon as possible", "as soon as possible"),  # an acronym is not a capital letter
    ("PON light", "the PON light", "the PON light"),
    ("utilize", "I use", "I use"),  # "I" stays a capital
])
def test_match_case(original, replacement, expected):
    assert match_case(original, replacement) == expected


@pytest.mark.parametrize("text,word,expected", [
    ("Obviously you should restart it.", "Obviously", "You should restart it."),  # the capital moves on
    ("It is roaming, obviously.", "obviously", "It is roaming."),  # the comma before goes too
    ("We will, basically, fix it.", "basically", "We will fix it."),  # both commas of an aside go
    ("Just do it.", "Just", "Do it."),
    ("Please just restart it.", "just", "Please restart it."),  # one space, not two
])
def test_removal(text, word, expected):
    start = text.index(word)
    fix = removal(text, start, start + len(word))
    assert text[:fix.start] + fix.replacement + text[fix.end:] == expected


_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")  # the definition, as a regular expression


@given(st.text(alphabet="ab.!? \n\tC", max_size=12), st.integers(min_value=0, max_value=12))
def test_starts_sentence_is_its_regular_expression_looking_back_over_spaces_only(text, at):
    at = min(at, len(text))
    assert starts_sentence(text, at) is (_SENTENCE_START.search(text, 0, at) is not None)


@pytest.mark.parametrize("text,start,replacement,expected", [
    ("It gets warm. CPU load is high.", 14, "processor (CPU)", "Processor (CPU)"),
    ("CPU load is high.", 0, "processor (CPU)", "Processor (CPU)"),
    ("The CPU load is high.", 4, "processor (CPU)", "processor (CPU)"),  # mid-sentence
    ("It gets warm. cpu load", 14, "processor (CPU)", "processor (CPU)"),  # the draft had no capital
])
def test_capital_at_sentence_start(text, start, replacement, expected):
    assert capital_at_sentence_start(text, start, replacement) == expected


def test_a_bank_built_from_cached_phrase_tokens_matches_what_a_fresh_one_does():
    from replycoach.checks.base import MatcherBank
    from replycoach.pipeline import build_nlp

    nlp = build_nlp()
    phrases = {"keyed": ["we apologise for {any|the} inconvenience", "That's not our policy", "can't help"],
               "exact": ["Kind Regards", "As Per", "ASAP"]}
    kept: dict[str, object] = {}
    first = MatcherBank(nlp, phrase_tokens=kept)  # tokenises the phrases and keeps their tokens
    for key, listed in phrases.items():
        first.add_phrases(key, listed, exact=key == "exact")
    again = MatcherBank(nlp, phrase_tokens=dict(kept))  # reads them back, as from the cache
    for key, listed in phrases.items():
        again.add_phrases(key, listed, exact=key == "exact")
    assert first.phrases_added and not again.phrases_added
    doc = nlp("We apologized for the inconvenience, that is not our policy. We cannot help. kind regards, "
              "as per ASAP asap")
    hits = first.run(doc)
    assert hits == again.run(doc)
    assert set(hits) == {"keyed", "exact"} and len(hits["keyed"]) == 3
    assert len(hits["exact"]) == 4  # on lower case: "asap" too


def test_an_exact_phrase_written_with_a_straight_quote_matches_a_curly_one():
    from replycoach.checks.base import MatcherBank
    from replycoach.pipeline import build_nlp

    nlp = build_nlp()
    bank = MatcherBank(nlp)
    bank.add_phrases("exact", ["it's not our problem", "Kind regards"], exact=True)
    doc = nlp("Well, it\u2019s not our problem. It's not our problem. Kind regards")
    assert [doc[s:e].text for s, e in bank.run(doc)["exact"]] == [
        "it\u2019s not our problem", "It's not our problem", "Kind regards"]


# Patterns of every shape SetPatterns takes: optional, repeated and "one or more" tokens inside,
# IN / NOT_IN / equals on ORTH, TEXT and LOWER, flags and LENGTH compared, several tests on a token.
_SET_PATTERNS = {
    "passive": [{"LOWER": {"IN": ["is", "was", "being"]}}, {"LOWER": {"IN": ["not", "being", "just"]}, "OP": "*"},
                {"LOWER": {"IN": ["sent", "done"]}}],
    "shout": [{"IS_UPPER": True, "IS_ALPHA": True, "LENGTH": {">=": 3}, "ORTH": {"NOT_IN": ["ASAP"]}},
              {"IS_UPPER": True, "OP": "+"}, {"IS_PUNCT": True}],
    "maybe": [{"TEXT": "is"}, {"LOWER": "not", "OP": "?"}, {"LOWER": {"NOT_IN": ["sent"]}, "IS_SPACE": False}],
    "short": [{"LENGTH": 2, "IS_LOWER": True}],
    "named": [{"IS_TITLE": True, "IS_ASCII": True}, {"IS_DIGIT": True, "LENGTH": {"<": 3}, "OP": "?"},
              {"IS_DIGIT": False, "LENGTH": {"!=": 1}}],
}
_WORDS = ["is", "IS", "was", "being", "not", "NOT", "just", "sent", "done", "DONE", "ASAP", "WE", "ok", ".", "!", "\n",
          "Sam", "Zoë", "42", "7", "2026"]


@pytest.fixture(scope="module")
def nlp():
    from replycoach.pipeline import build_nlp

    return build_nlp()


@settings(deadline=None)  # it builds spaCy matchers per example: on a loaded machine that takes seconds
@given(words=st.lists(st.sampled_from(_WORDS), max_size=150))
@example(words=["is", *["not"] * 62, "sent"])  # 64 tokens: inside the first window
@example(words=["is", *["not"] * 63, "sent"])  # 65: in no window
@example(words=["ok"] * 40 + ["is", *["just"] * 30, "done"] + ["ok"] * 40)  # inside the second window only
def test_set_patterns_find_what_spacys_matcher_finds(nlp, words):
    """Every match spaCy's Matcher finds, and no other; a pattern with a repeat inside only within
    one of the bank's windows, as the bank matched it with spaCy."""
    from spacy.matcher import Matcher

    from replycoach.checks.base import WINDOW, MatcherBank

    bank = MatcherBank(nlp)
    spacy_matcher = Matcher(nlp.vocab)
    for key, pattern in _SET_PATTERNS.items():
        bank.add_patterns(key, [pattern])
        spacy_matcher.add(key, [pattern])
    assert len(bank._plain) == len(_SET_PATTERNS) and not len(bank._tokens) and not len(bank._windowed)
    doc = nlp(" ".join(words))
    step = WINDOW // 2
    windows = range(0, max(1, len(doc) - step), step)
    expected = {(nlp.vocab.strings[match_id], start, end) for match_id, start, end in spacy_matcher(doc)}
    expected = {(key, start, end) for key, start, end in expected
                if key not in ("passive", "shout") or any(lo <= start and end <= lo + WINDOW for lo in windows)}
    assert set(bank._plain(doc)) == expected


def test_a_pattern_set_patterns_cannot_read_is_left_to_spacy(nlp):
    from replycoach.checks.base import MatcherBank

    bank = MatcherBank(nlp)
    bank.add_patterns("number", [[{"LIKE_NUM": True}, {"LOWER": "days"}]])  # an attribute it does not read
    bank.add_patterns("first-optional", [[{"LOWER": "please", "OP": "?"}, {"LOWER": "wait"}]])
    bank.add_patterns("plain", [[{"LOWER": "please"}, {"LOWER": "wait"}]])
    assert len(bank._plain) == 1 and len(bank._tokens) == 2
    hits = bank.run(nlp("Please wait 3 days"))
    assert hits == {"number": [(2, 4)], "first-optional": [(0, 2), (1, 2)], "plain": [(0, 2)]}


@settings(deadline=None)
@given(st.lists(st.sampled_from(["{match}", "{expansion}", "{missing}", "{", "}", "{x y}", "text ", "é", "{{match}}"]),
                max_size=8).map("".join))
@example("Say '{replacement}' instead of '{match}'.")
def test_a_message_is_filled_as_its_placeholder_substitution_fills_it(template):
    from replycoach.checks.base import _PLACEHOLDER, _fill

    values = {"match": "ASAP", "expansion": None, "replacement": 3}
    assert _fill(template, values) == _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group())), template)
