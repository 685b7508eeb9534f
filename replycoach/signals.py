"""Cheap signals in a customer's message: VADER's sentiment and a list of frustration cues.

Neither is a judge on its own (VADER reads "you suck! ... Staff rude" as positive, and a
sincere apology as negative); both are features of the customer-state model (`linear.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

__all__ = ["Gated", "customer_sentiment", "load_lexicons", "upset_cues", "vader"]

class Gated:
    """A regular expression with the strings one of its matches must contain: ASCII text that
    holds none of them has no match and is not searched. Python's `re` tries an alternation of
    words at every position of a text (the cue list below cost a third of VADER's whole score of
    the same text); `in` over a handful of strings is a scan in C. `words` are lower-cased and
    found in the lower-cased text (the expression ignores case); `cased` is a small expression one
    of whose matches a match of a case-sensitive part must hold. Text that is not ASCII is always
    searched: there, case folding is more than lower-casing."""

    def __init__(self, pattern: re.Pattern[str], words: tuple[str, ...], cased: re.Pattern[str] | None = None
                 ) -> None:
        self.pattern = pattern
        self.words = words
        self.cased = cased

    def may_match(self, text: str) -> bool:
        if not text.isascii():
            return True
        lowered = text.lower()
        return any(w in lowered for w in self.words) or (self.cased is not None and self.cased.search(text) is not None)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.may_match(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.pattern.findall(text) if self.may_match(text) else []

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.may_match(text) else None


# Signs of frustration that VADER misses: repetition, waiting, escalation words, shouting. Each
# alternative holds one of the gate's words ("days now" holds " now"; "2nd time" holds " time"),
# or two runs of four capitals.
_UPSET_CUES = Gated(re.compile(
    r"\b(?:again|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|still (?:not|no|nothing|waiting|"
    r"haven'?t|hasn'?t|isn'?t|doesn'?t|don'?t|can'?t|broken)|yet again|ridiculous|unacceptable|"
    r"worst|disgust(?:ed|ing)|furious|fed up|sick of|tired of|terrible|awful|useless|joke|"
    r"no one|nobody|waste of|cancel my|never again|hours? on hold|days? (?:now|later)|weeks? (?:now|later))\b"
    r"|!{2,}|\?{2,}|(?-i:\b[A-Z]{4,}\b.{0,40}\b[A-Z]{4,}\b)",
    re.IGNORECASE,
), ("again", " time", "still ", "ridiculous", "unacceptable", "worst", "disgust", "furious", "fed up", "sick of",
    "tired of", "terrible", "awful", "useless", "joke", "no one", "nobody", "waste of", "cancel my", " on hold",
    " now", " later", "!!", "??"), cased=re.compile(r"[A-Z]{4}"))


@lru_cache(maxsize=1)
def vader() -> Any:
    """VADER's analyser, built once (it reads its lexicon from disk)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# VADER reads its whole word list again for each word it finds in its lexicon, so its cost is
# the square of the words it is given, and it turns each emoji into the words of its name
# ("grinning face"): 4,000 emoji took 6 s. It is given at most this many words, from the start
# of the text: the opening is where a customer says what is wrong, and by then the compound
# score, a sum squashed into -1..1, has long settled (500 words is over 2,500 characters of
# prose; the messages replies answer are far shorter).
VADER_WORDS = 500
_CHUNK = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _emoji_words() -> dict[str, int]:
    return {emoji: len(name.split()) for emoji, name in vader().emojis.items()}


@lru_cache(maxsize=1)
def _emoji_chars() -> frozenset[str]:
    """The emoji VADER names that are one character: only those add words as `_vader_window`
    counts them, a character at a time."""
    return frozenset(emoji for emoji in _emoji_words() if len(emoji) == 1)


def _vader_window(text: str) -> str:
    """The start of `text` that holds at most VADER_WORDS words as VADER counts them."""
    if len(text) <= 2 * VADER_WORDS and _emoji_chars().isdisjoint(text):
        return text  # no emoji, and too short to hold more words (most messages): nothing to count
    emoji_words = _emoji_words()
    words = 0
    for m in _CHUNK.finditer(text):
        words += 1
        if words > VADER_WORDS:
            return text[:m.start()]
        for i, char in enumerate(m.group()):
            words += emoji_words.get(char, 0)
            if words > VADER_WORDS:
                return text[:m.start() + i]
    return text


def load_lexicons() -> None:
    """Read VADER's lists and build the emoji table from them now (Coach() calls this), not in
    the first check that reads a customer's message."""
    vader()
    _emoji_chars()


def customer_sentiment(text: str) -> float:
    """VADER compound score of the customer's message (never of the reply: see README)."""
    return round(vader().polarity_scores(_vader_window(text))["compound"], 3)


def upset_cues(text: str) -> list[str]:
    """The frustration cues in a text ("again", "still not", "!!", shouting), in order."""
    return [m.group() for m in _UPSET_CUES.finditer(text[:20000])]


