"""Customer signals: the gated expressions find exactly what their plain expressions find, and
the customer-message cues tell thanks and praise from complaint."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from replycoach import linear, signals
from replycoach.linear import NUMERIC
from replycoach.signals import (
    CUSTOMER_CUES,
    Gated,
    emoji_feeling,
    exasperation_cues,
    names_fault,
    names_problem,
    praise_cues,
    resolved_cues,
    sarcastic_cues,
    upset_cues,
)

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


FOLDED = {name: getattr(signals, name) for name in (
    "_NEGATION", "_FAULT", "_PRAISE", "_RESOLVED", "_SARCASTIC", "_EXASPERATION", "_REPEAT", "_FAILED_AGAIN",
    "_UNREAL")}
# Words of the folded cue lists in several cases, with what decides a match around them (held
# letters, apostrophes, a letter that folds to ASCII: the long s, the Kelvin sign).
FOLD_PIECES = ["not", "NOT", "n't", "can't", "Cannot", "broken", "Delayed", "help me", "HELP US", "still not work",
               "thank you", "THANKS", "ty", "woooo", "the best", "you're BEST", "got it working", "Works now",
               "thanks for nothing", "erm not", "#NOT", "great service...", "whyyyy", "lolllll", "Sooo",
               "come on", "3rd time", "multiple times", "didn't work", "keeps crashing", "should", "if",
               "ſ", "\u212a", "é", "\u2019", "\U0001F600", "\u0130", " ", "\n", ".", "!", "?", "'", "a", "x", "9"]


@pytest.mark.parametrize("name", sorted(FOLDED))
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FOLD_PIECES), max_size=12).map("".join))
@example("Thanks a lot, still not WORKING!! whyyyy")
def test_folded_finds_what_the_expression_finds(name: str, text: str) -> None:
    folded = FOLDED[name]
    assert folded.twin is not None  # each cue list is searched through its twin on ASCII text
    found = [(m.span(), m.group(), m.groups()) for m in folded.finditer(text)]
    assert found == [(m.span(), m.group(), m.groups()) for m in folded.pattern.finditer(text)]
    assert folded.findall(text) == folded.pattern.findall(text)
    assert (folded.search(text) and folded.search(text).span()) == (  # type: ignore[union-attr]
        folded.pattern.search(text) and folded.pattern.search(text).span())  # type: ignore[union-attr]


@pytest.mark.parametrize(("pattern", "twin"), [
    (re.compile(r"\b(?:late|delay\w*)\b", re.IGNORECASE), True),
    (re.compile(r"[a-z0-9_]+", re.IGNORECASE), True),
    (re.compile(r"late"), False),  # ignores no case: nothing to gain
    (re.compile(r":D\b", re.IGNORECASE), False),  # a capital: the twin would never see it
    (re.compile(r"[A-Z]{4}", re.IGNORECASE), False),
    (re.compile(r"a(?-i:B)", re.IGNORECASE), False),  # a part with its own case flag
    (re.compile(r"(?i)late"), False),
    (re.compile("\u017ftop", re.IGNORECASE), False),  # the long s folds to "s"
    (re.compile("[\u212a]", re.IGNORECASE), False),  # the Kelvin sign folds to "k"
    (re.compile("[\u00e0-\u00ff]", re.IGNORECASE), False),
    (re.compile("\U0001F602|lol", re.IGNORECASE), True),  # an emoji has no case
])
def test_a_twin_only_where_it_finds_the_same(pattern: re.Pattern[str], twin: bool) -> None:
    assert (signals._case_sensitive_twin(pattern) is not None) is twin


def test_folded_searches_text_with_a_cased_letter_beyond_ascii_as_written() -> None:
    class Counting:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern, self.calls = pattern, 0

        def finditer(self, text: str):  # type: ignore[no-untyped-def]
            self.calls += 1
            return self.pattern.finditer(text)

    folded = signals.Folded(re.compile(r"stop", re.IGNORECASE))
    twin = folded.twin = Counting(folded.twin)  # type: ignore[assignment,arg-type]
    assert [m.group() for m in folded.finditer("\u017fTOP and Stop")] == ["\u017fTOP", "Stop"]  # the long s
    assert twin.calls == 0
    assert [m.group() for m in folded.finditer("STOP and Stop")] == ["STOP", "Stop"]  # as given, not lowered
    assert [m.group() for m in folded.finditer("don\u2019t STOP \U0001F600")] == ["STOP"]  # no case: the twin
    assert twin.calls == 2


def test_upset_cues_in_order() -> None:
    assert upset_cues("Still not fixed, AGAIN!! Third time I ASKED, NOBODY answers") == [
        "Still not", "AGAIN", "!!", "Third time", "ASKED, NOBODY"]

def cues_of(text: str) -> set[str]:
    return {name for name, (_, cue) in CUSTOMER_CUES.items() if cue(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("THANK YOU!!! YOU ARE A REAL MVP!!!", {"praise_calm", "loud_praise"}),
    ("Once again you set the bar for what a bank should be.", {"praise_calm"}),
    ("Love the new menu! \U0001F383", {"praise_calm", "loud_praise", "emoji_warm"}),
    ("Thanks for the quick reply! I got it to work after reinstalling, not sure what it was.",
     {"resolved", "loud_problem"}),
    ("Thanks for the quick reply! I got it to work after reinstalling a few times.",
     {"resolved", "failed_again", "praise_calm", "loud_praise"}),
    ("This is the 3rd time my order is late!!", {"loud_problem", "repeat_problem"}),
    ("Didn’t work. The screen still freezes.", {"failed_again"}),
    ("yes I've done that multiple times", {"failed_again"}),
    ("The app keeps crashing when I open it.", {"failed_again"}),
    ("\U0001F198\U0001F198 whyyyy is the app not working", {"exasperation", "emoji_upset", "failed_again"}),
    ("Thanks for nothing.", {"sarcastic"}),
    ("Where do I find my order number?", set()),
    ("Where are the cleaning supplies you promised?", {"broken_word"}),
    ("It's now a police matter.", {"beyond"}),
])
def test_each_message_shows_its_cues(text: str, expected: set[str]) -> None:
    assert cues_of(text) == expected


@pytest.mark.parametrize("text", [
    "Thanks, I'll do that.", "You're the best!", "Well done team", "kudos to the crew", "So glad it's sorted",
])
def test_praise_is_found(text: str) -> None:
    assert praise_cues(text)


@pytest.mark.parametrize("text", ["What's the best way to get there?", "I can't log in", "Please reply"])
def test_no_praise_where_none_is_given(text: str) -> None:
    assert not praise_cues(text)


@pytest.mark.parametrize(("text", "found"), [
    ("got it to work, thanks", True), ("It's all sorted now", True), ("works now!", True),
    ("Thanks for the fast response", True), ("found a workaround in the end", True),
    ("15.3 should have fixed it", False), ("it is not working again", False), ("if it works now, great", False),
])
def test_a_fix_confirmed_is_told_from_a_fix_hoped_for(text: str, found: bool) -> None:
    assert bool(resolved_cues(text)) is found


@pytest.mark.parametrize(("text", "found"), [
    ("thanks for nothing", True), ("really first class service - erm not", True),
    ("thanks a lot, still no refund", True), ("thanks a lot for the help", False), ("great service, thanks", False),
])
def test_sarcastic_thanks(text: str, found: bool) -> None:
    assert bool(sarcastic_cues(text)) is found


@pytest.mark.parametrize(("text", "found"), [
    ("customer service is trash", True), ("Come on. Get it together.", True), ("whyyyy", True),
    ("that's a fucking joke", True), ("LOLLLL", False), ("yaaaay", False), ("wwww.example.com", False),
    ("sooo happy", False), ("please call me back", False),
])
def test_exasperation_beyond_the_sentiment_lexicon(text: str, found: bool) -> None:
    assert bool(exasperation_cues(text)) is found


@pytest.mark.parametrize(("text", "fault", "problem"), [
    ("my parcel is missing", True, True), ("it’s not there", False, True), ("this is evil", True, True),
    ("Another day, another shop", False, False), ("Once again, great", False, False),
    ("Thanks for your help!", False, False), ("please help me", True, True),
    ("app still not working \U0001F60A", True, True), ("it doesn’t load", True, True),
])
def test_fault_and_problem(text: str, fault: bool, problem: bool) -> None:
    assert (names_fault(text), names_problem(text)) == (fault, problem)


def test_emoji_are_read_for_their_feeling() -> None:
    assert emoji_feeling("\u2764\ufe0f\u2764\ufe0f\U0001F60D") == (3, 0)  # hearts and heart eyes
    assert emoji_feeling("\U0001F621\U0001F62D\U0001F198") == (0, 3)  # pouting, crying, SOS
    assert emoji_feeling("\U0001F44B\U0001F615 hi") == (0, 0)  # a wave and a confused face carry no feeling


def test_a_laugh_at_a_fault_is_no_warmth() -> None:
    assert "emoji_warm" in cues_of("got mine \U0001F602")
    assert "emoji_warm" not in cues_of("you fixed one thing and broke another \U0001F602")


def test_the_cues_are_numeric_features_of_the_models() -> None:
    for name, (what, cue) in CUSTOMER_CUES.items():
        assert NUMERIC[name][0] == what
        value = cue("THANK YOU!!! \U0001F198 whyyyy not again!!")
        assert math.isfinite(value) and 0 <= value <= 5


def test_the_shipped_customer_model_reads_the_cues() -> None:
    data = json.loads((Path(__file__).parents[1] / "replycoach" / "data" / "customer-upset.json").read_text())
    assert set(CUSTOMER_CUES) <= set(data["recipe"]["numeric"])


def test_the_emoji_table_is_read_from_the_cache_and_rated_again_when_it_is_not_a_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from replycoach.cache import CacheStore

    store = CacheStore(tmp_path)
    rated = signals._rate_emoji()
    monkeypatch.setattr(signals, "_valence", {})
    signals.load_lexicons(store)  # an empty cache: rated, and kept
    assert signals._emoji_valence() == rated and len(list(tmp_path.glob("emoji-*.bin"))) == 1
    monkeypatch.setattr(signals, "_valence", {})
    doctored = {**rated, "\U0001F600": -0.75}  # what the cache holds is what a check reads
    monkeypatch.setattr(store, "load", lambda name, key: doctored)
    signals.load_lexicons(store)
    assert emoji_feeling("fine \U0001F600") == (0, 1)
    for broken in (None, {}, ["\U0001F600", 1.0], {"\U0001F600": "warm"}):
        monkeypatch.setattr(signals, "_valence", {})
        monkeypatch.setattr(store, "load", lambda name, key, broken=broken: broken)
        signals.load_lexicons(store)
        assert signals._emoji_valence() == rated


@pytest.mark.parametrize(("text", "found"), [
    ("you promised a refund", True), ("I was told it was local rate", True), ("I expect 30 mins ad free", True),
    ("it was supposed to arrive today", True), ("you never called back", True), ("you took me off the list", True),
    ("it said the update failed", False), ("You can find it in settings", False), ("Thank you for the help", False),
])
def test_a_word_given_and_broken(text: str, found: bool) -> None:
    assert bool(cues_of(text) & {"broken_word"}) is found


@pytest.mark.parametrize(("text", "found"), [
    ("I will go to court", True), ("filing a complaint with the BBB", True), ("I will tell my friends", True),
    ("I'm switching to another bank", True), ("cancel my subscription now", True),
    ("never flying with you again", True),
    ("please tell me how to reset it", False), ("Tell me more about the plan", False), ("the courtesy car", False),
])
def test_a_step_beyond_the_company(text: str, found: bool) -> None:
    assert bool(cues_of(text) & {"beyond"}) is found


@pytest.mark.parametrize("text", ["¡Excelente servicio! Recibí mis paquetes", "Merci beaucoup", "Grazie mille"])
def test_thanks_and_praise_in_other_languages(text: str) -> None:
    assert praise_cues(text)
