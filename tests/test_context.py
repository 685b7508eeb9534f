"""Context helpers as direct table tests: the customer's problem in the agent's words
(`customer_problem`), and phrase keys found in a customer's key string (`PhraseKeys`)."""

from __future__ import annotations

import re

import pytest

from replycoach.context import PhraseKeys, customer_problem


@pytest.mark.parametrize("message,problem", [
    ("My parcel never arrived!!!", "your parcel never arrived"),
    ("I can't log in to my account", "you can't log in to your account"),
    ("MY ORDER IS LATE AGAIN", "your order is late again"),  # shouted, said back calmly
    ("The app keeps crashing 😡", "the app keeps crashing"),
    ("my bill is wrong, you idiots", "your bill is wrong"),  # the insult is not read back
    ("Where is my parcel?", None),  # a question, not a statement of the problem
    ("I never turned it on", None),  # a fact about the customer, not something gone wrong
    ("my name is Isak", None),  # no problem in it
    ("Your app crashed and my order was lost", None),  # about "you": reads back as blame
    ("my refund hasn't been solved by", None),  # cut off mid-thought
    ("", None),
])
def test_customer_problem(message, problem):
    assert customer_problem(message) == problem


# Phrase keys as MatcherBank.phrase_keys writes them, and key strings as Customer.norm_text does.
_KEYS = (" can not get through ", " nobody answer ", " call ", " on hold for ", "  ")


@pytest.mark.parametrize("norm_text,expected", [
    (" i have call twice ", True),  # a one-key phrase
    (" and nobody answer ! ", True),
    (" i can not get through on the phone ", True),
    (" i can not get in ", False),  # the first key alone is not the phrase
    (" nobody answered ", False),  # whole keys only: " nobody answer " is not in it
    (" recall me ", False),
    (" on hold for an hour ", True),
    (" spaces  in a row ", True),  # whitespace tokens leave doubled spaces, as the empty phrase has
    (" ", False),
])
def test_phrase_keys_are_found_as_the_alternation_of_them_finds_them(norm_text, expected):
    alternation = re.compile("|".join(re.escape(k) for k in sorted(_KEYS, key=len, reverse=True)))
    assert PhraseKeys(_KEYS).found_in(norm_text) is expected
    assert (alternation.search(norm_text) is not None) is expected  # what it replaced, for the same table
