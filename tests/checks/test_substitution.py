"""Inflecting a replacement to the matched form (lemminflect): applied when the form is certain,
left a suggestion when it is not; and an applied substitution changes only its own span."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replycoach import ReplycoachError
from replycoach.checks.substitution import inflect, inflected, readings
from replycoach.rewrite import RuleRewriter, apply_edits


@pytest.mark.parametrize("word,tag,expected", [
    ("fee", "NNS", "fees"), ("try", "NNS", "tries"), ("day", "NNS", "days"), ("fix", "NNS", "fixes"),
    ("church", "NNS", "churches"), ("bus", "NNS", "buses"), ("child", "NNS", "children"),
    ("have", "VBZ", "has"), ("do", "VBZ", "does"), ("go", "VBZ", "goes"), ("use", "VBD", "used"),
    ("give", "VBN", "given"), ("carry out", "VBD", "carried out"), ("extra charge", "NNS", "extra charges"),
    ("simple", "JJR", "simpler"), ("Help", "VBG", "Helping"),
])
def test_inflect(word, tag, expected):
    assert inflect(word, tag) == expected


@pytest.mark.parametrize("word,tag", [
    ("PIN", "NNS"),  # an acronym
    ("frobnicate", "VBD"),  # not in the dictionary: no guessing
    ("ask", "NNS"),  # no noun "asks"
    ("extra charge", "VBZ"),  # a noun phrase has no third person
    ("make easier", "JJR"),  # only a one-word adjective takes -er
    ("have to", "VBN"),  # "are obligated to" is not "are had to"
    ("must", "VBN"),  # nor "are must to": a modal has no participle
    ("can", "VBD"),  # and its past is another word
])
def test_inflect_refuses(word, tag):
    assert inflect(word, tag) is None


def test_readings_cover_every_form_the_spelling_allows():
    assert readings("utilised", "utilize") == {"VBD", "VBN"}  # British spelling, American term
    assert readings("fees", "fee") == {"NNS", "VBZ"}
    assert readings("facilitates", "facilitate") == {"VBZ"}


@pytest.mark.parametrize("replacement,term,matched,before,expected", [
    ("use", "utilize", "utilised", "", "used"),  # past tense and participle agree
    ("help", "facilitate", "facilitates", "", "helps"),
    ("charge", "fee", "fees", "the ", "charges"),  # noun and verb readings agree
    ("go with", "accompany", "accompanies", "", "goes with"),
    ("contact", "reach out to", "reached out to", "", "contacted"),
    ("give", "provide", "provided", "We have ", "given"),
    ("give", "provide", "provided", "it was ", "given"),
    ("give", "provide", "provided", "we've ", "given"),
    ("give", "provide", "provided", "we ", "gave"),
    ("give", "provide", "provided", "Have we ", "given"),  # a question: the auxiliary comes first
    ("bring in", "loop in", "looped in", "we've ", "brought in"),  # a participle with its particle
    ("try to", "attempt to", "attempted to", "the driver has ", "tried to"),  # a perfect: any verb phrase
    ("help", "assist", "assisting", "", "helping"),
])
def test_inflected_when_certain(replacement, term, matched, before, expected):
    assert inflected(replacement, {term}, matched, before) == expected


@pytest.mark.parametrize("replacement,term,matched,before", [
    ("give", "provide", "provided", "Our team "),  # "gave" or "given": the words before do not tell
    ("go with", "accompany", "accompanied", ""),  # "went with" or "gone with"
    ("ask", "request", "requests", ""),  # a noun "requests" has no "asks"
    ("extra charge", "surcharge", "surcharges", ""),  # a verb "surcharges" has no "extra charges"
    ("PIN", "personal identification number", "personal identification numbers", ""),
    ("charge for", "fee", "fees", ""),  # a plural noun phrase must end on its noun
    ("have to", "obligate", "obligated", "We're only "),  # a passive participle takes no "have to"
    ("try to", "attempt to", "attempted to", "it was "),
])
def test_not_inflected_when_uncertain(replacement, term, matched, before):
    assert inflected(replacement, {term}, matched, before) is None


@pytest.mark.parametrize("draft,matched,fixes", [
    ("We utilised the portal.", "utilised", ["used"]),
    ("This facilitates the setup.", "facilitates", ["helps", "makes easier"]),
    ("We have provided the codes.", "provided", ["given", "sent"]),
    ("They commenced work.", "commenced", ["started", "began"]),
    ("Our team provided them.", "provided", ["sent"]),  # "sent" either way; "gave" or "given" is unsure
    ("It accompanies the parcel.", "accompanies", ["goes with"]),
])
def test_an_inflected_replacement_is_a_fix(coach, draft, matched, fixes):
    finding = next(f for f in coach.check(draft, channel="chat").findings if f.rule == "readability.wordy")
    assert finding.text == matched and [f.replacement for f in finding.fixes] == fixes


def test_an_uncertain_form_stays_a_suggestion(coach):
    finding = next(f for f in coach.check("A receipt accompanied the parcel.", channel="chat").findings
                   if f.rule == "readability.wordy")
    assert not finding.fixes and finding.suggestions == ("go with",)


INFLECTED_PIECES = ["We utilised the portal.", "It facilitates setup.", "The fees &amp; charges.",
                    "We have provided the codes.", "we provided it", "He accompanied you.", "Assisting you,",
                    "They commenced work.", "Utilizing AT&amp;T's app", "\n", "Hi Sam,", "Thanks!", "&gt; 5 items"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(INFLECTED_PIECES), min_size=1, max_size=8).map(" ".join))
def test_an_applied_substitution_changes_only_its_span(coach, draft):
    swaps = {r.id for r in coach.rules if r.spec.kind == "substitution"}
    try:
        report = coach.check(draft)
    except ReplycoachError as err:
        assert err.code.startswith("RC1")  # nothing but spaces
        return
    matched = [f.text for f in report.findings if f.rule in swaps]
    for f in report.findings:
        for fix in f.fixes if f.rule in swaps else ():
            if fix.replacement:  # a removal takes a space with it; a swap keeps to the words
                assert f.start <= fix.start and fix.end <= f.end, (f, fix)
    result = coach.rewrite(draft, rewriter=RuleRewriter())  # one-word swaps applied too
    if any("cleaned text" in r for r in result.rejected):
        return  # an edit crossed markup: the rewrite is of the cleaned text, and says so
    edits = sorted(result.edits, key=lambda e: (e.start, e.end))
    assert apply_edits(draft, edits)[0] == result.text
    for e in edits:  # offsets into the draft as given, entities and all
        if e.rule in swaps and e.replacement:
            assert any(draft[e.start:e.end] in text for text in matched), (e, matched)
    pos = 0
    for e in [*edits, None]:  # everything outside the edits, byte for byte
        piece = draft[pos:e.start] if e else draft[pos:]
        assert piece in result.text
        pos = e.end if e else pos
