"""Cheap customer signals: the gated expressions find exactly what their expressions find."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from replycoach import linear, signals
from replycoach.signals import Gated, upset_cues

GATED = {"cues": signals._UPSET_CUES, "exclaim": linear._EXCLAIM, "laugh": linear._LAUGH,
         "waiting": linear._WAITING}

# Pieces that come close to every alternative, in several cases, with the characters between
# words that decide a match (spaces, punctuation, digits, a non-ASCII letter).
PIECES = ["again", "AGAIN", "Again", "2nd time", "second TIME", "still not", "STILL waiting", "still", "fed up",
          "Fed Up", "days now", "WEEKS later", "hours on hold", "hour", "DAY", "months", "3 times", "no one",
          "NOBODY", "joke", "jokes", "lol", "LOL", "haha", "Hehehe", "lmao", ":D", ":d", "xD", "XD", "\U0001F602",
          "!!", "!", "??", "?", "SHOUTING", "LOUD WORDS", "ABCD", "ABC", "waste of", "cancel my", "worst", "awful",
          "ſtill", "K", "é", "ı", " ", "  ", "\n", ".", ",", "'", "a", "x", "9", "_"]


@pytest.mark.parametrize("name", sorted(GATED))
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
@example("I've waited 3 DAYS NOW and STILL NOTHING!!")
@example("Lol, that took two weeks")
def test_gated_finds_what_the_expression_finds(name: str, text: str) -> None:
    gated = GATED[name]
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.pattern.finditer(text)]
    assert gated.findall(text) == gated.pattern.findall(text)
    assert (gated.search(text) is None) == (gated.pattern.search(text) is None)


def test_text_without_the_gate_words_is_not_searched() -> None:
    class Counting:
        def __init__(self) -> None:
            self.calls = 0
            self.inner = re.compile("x+")

        def finditer(self, text: str):  # type: ignore[no-untyped-def]
            self.calls += 1
            return self.inner.finditer(text)

    counting = Counting()
    gated = Gated(counting, ("x",))  # type: ignore[arg-type]
    assert list(gated.finditer("plain words")) == []
    assert counting.calls == 0
    assert [m.group() for m in gated.finditer("a xx b")] == ["xx"]
    assert [m.group() for m in gated.finditer("é xx")] == ["xx"]  # not ASCII: searched
    assert counting.calls == 2


def test_upset_cues_in_order() -> None:
    assert upset_cues("Still not fixed, AGAIN!! Third time I ASKED, NOBODY answers") == [
        "Still not", "AGAIN", "!!", "Third time", "ASKED, NOBODY"]
