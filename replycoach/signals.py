"""Cheap signals in a customer's message: VADER's sentiment and a list of frustration cues.

Neither is a judge on its own (VADER reads "you suck! ... Staff rude" as positive, and a
sincere apology as negative); both are features of the customer-state model (`linear.py`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["customer_sentiment", "upset_cues", "vader"]

# Signs of frustration that VADER misses: repetition, waiting, escalation words, shouting.
_UPSET_CUES = re.compile(
    r"\b(?:again|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|still (?:not|no|nothing|waiting|"
    r"haven'?t|hasn'?t|isn'?t|doesn'?t|don'?t|can'?t|broken)|yet again|ridiculous|unacceptable|"
    r"worst|disgust(?:ed|ing)|furious|fed up|sick of|tired of|terrible|awful|useless|joke|"
    r"no one|nobody|waste of|cancel my|never again|hours? on hold|days? (?:now|later)|weeks? (?:now|later))\b"
    r"|!{2,}|\?{2,}|(?-i:\b[A-Z]{4,}\b.{0,40}\b[A-Z]{4,}\b)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def vader() -> Any:
    """VADER's analyser, built once (it reads its lexicon from disk)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def customer_sentiment(text: str) -> float:
    """VADER compound score of the customer's message (never of the reply: see README)."""
    return round(vader().polarity_scores(text)["compound"], 3)


def upset_cues(text: str) -> list[str]:
    """The frustration cues in a text ("again", "still not", "!!", shouting), in order."""
    return [m.group() for m in _UPSET_CUES.finditer(text[:20000])]


