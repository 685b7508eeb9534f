"""Inflecting a replacement: `plural` for nouns and third-person verbs."""

from __future__ import annotations

import pytest

from replycoach.checks.substitution import plural


@pytest.mark.parametrize("word,expected", [
    ("fee", "fees"), ("try", "tries"), ("day", "days"), ("fix", "fixes"), ("church", "churches"),
    ("bus", "buses"), ("have", "has"), ("do", "does"), ("go", "goes"),
])
def test_plural(word, expected):
    assert plural(word) == expected
