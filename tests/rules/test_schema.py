"""Phrase alternations expand as they always have: spaces closed up and trimmed, whatever the space."""

from __future__ import annotations

import itertools
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replycoach.rules.schema import _ALTERNATION, expand_phrases


def _by_regex(phrases: list[str]) -> list[str]:
    """The expansion as it was written before: re.sub over each variant, then strip()."""
    out = []
    for phrase in phrases:
        parts = _ALTERNATION.split(phrase)
        choices = [p.split("|") if i % 2 else [p] for i, p in enumerate(parts)]
        for combo in itertools.product(*choices):
            text = re.sub(r"\s+", " ", "".join(combo)).strip()
            if text:
                out.append(text)
    return out


@pytest.mark.parametrize(("phrase", "expanded"), [
    ("we {apologize|are sorry}", ["we apologize", "we are sorry"]),
    ("  thanks {|so much }for\twaiting ", ["thanks for waiting", "thanks so much for waiting"]),
    ("{ | }", []),
    ("per\u00a0our\u2003policy\n", ["per our policy"]),  # a no-break and an em space are spaces too
])
def test_alternations_expand_with_spaces_closed_up(phrase: str, expanded: list[str]) -> None:
    assert expand_phrases([phrase]) == expanded


def test_split_breaks_exactly_where_a_regex_space_matches() -> None:
    space = re.compile(r"\s")
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() != bool(space.fullmatch(c))] == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab {|}") + ["\t", "\n", "\u00a0", "\u2028", "\x1c", "\u200b"]),
                        max_size=20), max_size=3))
def test_expansion_matches_the_regex_one(phrases: list[str]) -> None:
    assert expand_phrases(phrases) == _by_regex(phrases)
