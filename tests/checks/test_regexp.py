"""The regex kind's literal gate: a draft is left unsearched only when no match could be in it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replycoach import Coach
from replycoach.checks.regexp import Regex, literal_gate
from replycoach.signals import needed_strings


@pytest.mark.parametrize(("pattern", "flags", "needed"), [
    (r"\bwoo+\b", re.I, (("woo",), ())),
    (r"(?:keep|always) (?:improv|optimi[sz])e?\b", re.I, (("improv", "optimi"), ())),
    (r"\A(?![\s\S]*\?)[\s\S]*?please", re.I, (("please",), ())),  # a negative lookahead needs nothing
    (r"(?=[\s\S]*\bsorry\b)[^.!?\n]+", re.I, (("sorry",), ())),  # a lookahead's text is in the text
    (r"a(?-i:BC)d", re.I, ((), ("BC",))),
    (r"Hi|hello", 0, ((), ("Hi", "hello"))),
    (r"thanks|thank you", re.I, (("thank",), ())),  # the parser takes the shared start out first
    (r"thanks|cheers", re.I, (("cheers", "thanks"), ())),
    (r"thank|thank you", re.I, (("thank",), ())),  # "thank you" holds "thank": whenever it is there, so is "thank"
    ("\u017ftop", re.I, (("top",), ())),  # the long s folds onto "s": it ends the run
    (r"[a-z]+", 0, None),
    (r"sorry|[0-9]+", re.I, None),  # an alternative without a literal
])
def test_needed_strings(pattern: str, flags: int, needed: tuple[tuple[str, ...], tuple[str, ...]] | None) -> None:
    assert needed_strings(pattern, flags) == needed


def test_syntax_python_reads_otherwise_gets_no_gate() -> None:
    import regex

    for source in (r"(?:colour){e<=1}", r"[[:alpha:]]+ing", r"\\{e<=1}"):
        assert literal_gate(regex.compile(source), source, 0) is None
    escaped = literal_gate(regex.compile(r"\{\{name\}\}|\[:x"), r"\{\{name\}\}|\[:x", 0)  # braces in both
    assert escaped is not None and escaped.as_written == ("[:x", "{{name}}")
    source = r"\p{Lu}\K(?:sorry)"  # the regex module's own atoms: a character, a position
    gate = literal_gate(regex.compile(source, regex.I), source, re.I)
    assert gate is not None and gate.words == ("sorry",)


def shipped_regex_checks() -> list[Regex]:
    coach = Coach()
    return [c for c in coach._checks if isinstance(c, Regex) and c._gate is not None]


CHECKS = shipped_regex_checks()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.rule.id)
def test_a_shipped_gate_is_open_on_every_example_the_pattern_matches(check: Regex) -> None:
    examples = [*check.spec.examples.flag, *check.spec.examples.pass_]
    drafts = [e if isinstance(e, str) else e.draft for e in examples]
    for draft in drafts:
        for text in (draft, draft.upper(), draft.lower(), draft.title()):
            assert check._gate is not None
            assert check._gate.may_match(text) or check._pattern.search(text) is None, text


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.rule.id)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_shipped_gate_closes_only_where_the_pattern_cannot_match(check: Regex, data: st.DataObject) -> None:
    # Pieces of the pattern itself (its words, in several cases), with spaces and punctuation.
    words = sorted(set(re.findall(r"[A-Za-z']+", check.spec.pattern)))
    pieces = [*words, *(w.upper() for w in words), " ", " ", ".", "?", "!", ",", "\n", "1", "é"]
    text = "".join(data.draw(st.lists(st.sampled_from(pieces), max_size=25)))
    assert check._gate is not None
    assert check._gate.may_match(text) or check._pattern.search(text) is None


REGEX_RULE = """\
kind: regex
category: tone
message: "'{match}' sounds final."
why: It closes the door.
pattern: "(?i)\\\\bwe can't help\\\\b"
examples:
  flag: [We can't help with that.]
  pass: [We can help with that.]
"""


@pytest.mark.parametrize("draft", ["Sorry, we can’t help with that.", "Sorry, we can‘t help with that."])
def test_a_pattern_written_with_a_straight_quote_hears_a_curly_one_at_the_same_span(make_pack, draft: str) -> None:
    from replycoach import Config

    coach = Coach(config=Config(shipped_packs=False), rules=[make_pack("team", final=REGEX_RULE)])
    (finding,) = [f for f in coach.check(draft).findings if f.rule == "team.final"]
    assert (finding.start, finding.end) == (7, 20) and draft[7:20] == "we can" + draft[13] + "t help"
