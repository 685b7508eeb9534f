"""The helpers every kind's fixes use: case carried over, clean removals."""

from __future__ import annotations

import pytest

from replycoach.checks.base import match_case, removal


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
