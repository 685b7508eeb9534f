"""The customer's problem in the agent's words: direct table tests of `customer_problem`."""

from __future__ import annotations

import pytest

from replycoach.context import customer_problem


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
