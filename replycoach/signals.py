"""Cheap signals in a customer's message: VADER's sentiment and a list of frustration cues.

Neither is a judge on its own (VADER reads "you suck! ... Staff rude" as positive, and a
sincere apology as negative); both are features of the customer-state model (`linear.py`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from re import _constants, _parser
from typing import TYPE_CHECKING, Any

from .cache import fingerprint, package_version

if TYPE_CHECKING:
    from .cache import CacheStore

__all__ = ["CUSTOMER_CUES", "Folded", "Gated", "customer_sentiment", "emoji_feeling", "exasperation_cues",
           "load_lexicons", "names_fault", "names_problem", "praise_cues", "resolved_cues", "sarcastic_cues",
           "upset_cues", "vader"]

class Folded:
    """A case-insensitive regular expression that, on ASCII text, is searched as its case-sensitive
    twin over the lower-cased text: Python's `re` folds the case of every character it compares
    for a case-insensitive pattern, which made the customer cue lists three to four times dearer
    than their twins. Only where that finds exactly the same matches (see `_case_sensitive_twin`);
    any other expression, and text that is not ASCII, is searched as written. Matches are of the
    text as given (each is matched again, anchored, where the twin found it)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.twin = _case_sensitive_twin(pattern)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.twin is None or not _case_is_ascii(text):
            return self.pattern.finditer(text)
        match = self.pattern.match
        return (match(text, m.start()) for m in self.twin.finditer(text.lower()))  # type: ignore[misc]

    def search(self, text: str) -> re.Match[str] | None:
        if self.twin is None or not _case_is_ascii(text):
            return self.pattern.search(text)
        found = self.twin.search(text.lower())
        return None if found is None else self.pattern.match(text, found.start())

    def findall(self, text: str) -> list[Any]:
        if self.twin is None or self.pattern.groups or not _case_is_ascii(text):  # groups: findall gives those
            return self.pattern.findall(text)
        return [text[m.start():m.end()] for m in self.twin.finditer(text.lower())]


@lru_cache(maxsize=256)
def _case_is_ascii(text: str) -> bool:
    """Whether every letter of `text` that has a case is ASCII: its other characters ("’", an
    emoji, "é" is not one) neither change when lower-cased nor fold onto an ASCII letter, so a
    twin over the lower-cased text finds what the expression finds. Cached: the cue lists search
    the same few texts one after another."""
    if text.isascii():
        return True
    other = "".join(c for c in set(text) if not c.isascii())
    return other.lower() == other == other.upper()


def _case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` without IGNORECASE, when that finds over lower-cased ASCII text exactly what
    `pattern` finds over the text (same spans; lower-casing ASCII keeps every offset): every
    character it names, alone or in a class, is ASCII and not a capital, or has no case at all
    ("K", the Kelvin sign, folds to "k"), and no part of it sets its own case flag. Then each
    test of a character, a class, a word boundary or a back-reference answers alike. None for
    any other pattern, or one that ignores no case."""
    if not isinstance(pattern, re.Pattern) or not pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None  # (the regex module's patterns read more syntax than Python's parser)
    flags = pattern.flags & ~re.IGNORECASE
    try:
        tree = _parser.parse(pattern.pattern, flags)
    except re.error:
        return None
    if tree.state.flags & re.IGNORECASE or not _folds_alike(tree):  # an inline (?i) as well
        return None
    return re.compile(pattern.pattern, flags)


def _plain_char(code: int) -> bool:
    char = chr(code)
    return not ("A" <= char <= "Z") if char.isascii() else char.lower() == char == char.upper()


def _folds_alike(items: Any) -> bool:
    for op, av in items:
        if op in (_constants.LITERAL, _constants.NOT_LITERAL):
            if not _plain_char(av):
                return False
        elif op is _constants.IN:
            for kind, value in av:
                if kind is _constants.LITERAL and not _plain_char(value):
                    return False
                if kind is _constants.RANGE and (value[1] > 0x7F or (value[0] <= ord("Z") and value[1] >= ord("A"))):
                    return False
        elif op is _constants.SUBPATTERN and (av[1] | av[2]) & re.IGNORECASE:
            return False
        else:  # groups, branches, repeats and lookarounds hold sub-patterns
            args = av if isinstance(av, (tuple, list)) else (av,)
            subs = [s for a in args for s in (a if isinstance(a, list) else [a]) if isinstance(s, _parser.SubPattern)]
            if not all(map(_folds_alike, subs)):
                return False
    return True


class Gated:
    """A regular expression with the strings one of its matches must contain: ASCII text that
    holds none of them has no match and is not searched. Python's `re` tries an alternation of
    words at every position of a text (the cue list below cost a third of VADER's whole score of
    the same text); `in` over a handful of strings is a scan in C. `words` are lower-cased and
    found in the lower-cased text (the expression ignores case); `cased` is a small expression one
    of whose matches a match of a case-sensitive part must hold. Text that is not ASCII is always
    searched: there, case folding is more than lower-casing."""

    def __init__(self, pattern: re.Pattern[str], words: tuple[str, ...], cased: re.Pattern[str] | None = None,
                 *, as_written: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        self.words = words
        self.cased = cased
        self.as_written = as_written  # strings found in the text as it is (a case-sensitive part)
        self._searched = Folded(pattern)  # through its case-sensitive twin, where it has one

    @classmethod
    def derived(cls, pattern: Any, source: str | None = None, flags: int | None = None) -> Gated | None:
        """The gate `needed_strings` finds for `pattern` (or for `source` with `flags`, the same
        expression as Python's parser reads it), or None when it finds none."""
        needed = needed_strings(pattern.pattern if source is None else source,
                                pattern.flags if flags is None else flags)
        return None if needed is None else cls(pattern, needed[0], as_written=needed[1])

    def may_match(self, text: str) -> bool:
        if not text.isascii():
            return True
        if any(w in text for w in self.as_written):
            return True
        lowered = text.lower()
        return any(w in lowered for w in self.words) or (self.cased is not None and self.cased.search(text) is not None)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._searched.finditer(text) if self.may_match(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self._searched.findall(text) if self.may_match(text) else []

    def search(self, text: str) -> re.Match[str] | None:
        return self._searched.search(text) if self.may_match(text) else None


def needed_strings(pattern: str, flags: int = 0) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Strings one of which every match of `pattern` holds, read from its parse tree: (those
    found lower-cased in the lower-cased text, where the expression ignores case; those found as
    written), or None when the tree shows none (a part made only of classes, or an alternative
    without a literal). A sequence needs each of its parts, so the part with the longest shortest
    string is kept; alternatives need one of theirs; a repeat needs its body if it runs at least
    once; a lookaround consumes nothing, so a lookahead's or lookbehind's text is in the text too
    and a run of literals goes on across it. Under IGNORECASE a character that is not ASCII ends a
    run: it may fold onto an ASCII one (the long s onto "s"). Only for ASCII text (see Gated)."""
    try:
        tree = _parser.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    found = _needed(tree, bool(tree.state.flags & re.IGNORECASE))
    if found is None:
        return None
    # a string holding another of the same sort adds nothing: whenever it is there, so is the other
    kept = sorted({s for s in found if not any(o != s and o[1] == s[1] and o[0] in s[0] for o in found)})
    return tuple(s for s, fold in kept if fold), tuple(s for s, fold in kept if not fold)


_REPEAT_OPS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)


def _needed(items: Any, fold: bool) -> frozenset[tuple[str, bool]] | None:
    """The (string, lower-cased) set of one sequence of a parse tree (see needed_strings)."""
    options: list[frozenset[tuple[str, bool]]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            options.append(frozenset({("".join(run), fold)}))
            run.clear()

    for op, av in items:
        if op is _constants.LITERAL:
            char = chr(av)
            if fold and not char.isascii():
                end_run()
            else:
                run.append(char.lower() if fold else char)
            continue
        if op is _constants.AT or op is _constants.ASSERT_NOT:
            continue  # consumes nothing and needs nothing
        if op is _constants.ASSERT:  # consumes nothing, but its text is in the text
            inner = _needed(av[1], fold)
            if inner:
                options.append(inner)
            continue
        if op in _REPEAT_OPS and av[0] >= 1 and all(o is _constants.LITERAL for o, _ in av[2]) and av[2]:
            chars = [chr(c) for _, c in av[2]]
            if not fold or all(map(str.isascii, chars)):
                run.extend((c.lower() if fold else c) for c in chars)  # the body once, then the run ends
        end_run()
        part: frozenset[tuple[str, bool]] | None = None
        if op is _constants.SUBPATTERN:
            _, add, drop, body = av
            part = _needed(body, bool((fold or add & re.IGNORECASE) and not drop & re.IGNORECASE))
        elif op is _constants.ATOMIC_GROUP:
            part = _needed(av, fold)
        elif op is _constants.BRANCH:
            alternatives = [_needed(b, fold) for b in av[1]]
            part = frozenset().union(*alternatives) if all(alternatives) else None  # type: ignore[arg-type]
        elif op in _REPEAT_OPS and av[0] >= 1:
            part = _needed(av[2], fold)
        if part:
            options.append(part)
    end_run()
    if not options:
        return None
    return max(options, key=lambda o: (min(len(s) for s, _ in o), -len(o)))


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


def load_lexicons(store: CacheStore | None = None) -> None:
    """Read VADER's lists and build the emoji table from them now (Coach() calls this), not in
    the first check that reads a customer's message. With the compiled-pack cache, the emoji
    table is read from it: rating VADER's 3,570 emoji names costs 0.05 s a process, the most of
    anything a Coach builds outside spaCy."""
    vader()
    _emoji_chars()
    if store is not None:
        _load_emoji_valence(store)
    _emoji_valence()
    _bad_words()


def customer_sentiment(text: str) -> float:
    """VADER compound score of the customer's message (never of the reply: see README)."""
    return round(vader().polarity_scores(_vader_window(text))["compound"], 3)


def upset_cues(text: str) -> list[str]:
    """The frustration cues in a text ("again", "still not", "!!", shouting), in order."""
    return [m.group() for m in _UPSET_CUES.finditer(text[:20000])]




# --- how a customer's thanks, praise and exasperation read ----------------------------------------
# The customer-state model learned from complaints and questions, where "!" and capitals go with
# anger; on Twitter they as often go with delight ("THANK YOU!!! YOU ARE A REAL MVP!!!"). These
# cues let it tell the two apart. Each is a count of short, general patterns, never a brand or a
# message of the labelled sets.

# A problem named in words: something broken, lost, late or refused, a failure, a negative word.
# Not "again", "still" or a length of time alone: "once again you set the bar" is praise, and
# "another day, another shop" names no delay.
_NEGATION = Folded(re.compile(
    r"\b(?:not|no|never|nothing|nobody|can'?t|cannot|won'?t|don'?t|doesn'?t|didn'?t|isn'?t|wasn'?t|aren'?t|"
    r"haven'?t|hasn'?t|couldn'?t)\b|n't\b",
    re.IGNORECASE,
))
_FAULT = Folded(re.compile(
    r"\b(?:problems?|issues?|broken|break|missing|lost|wrong|late|delay\w*|"
    r"cancel\w*|charged|crash\w*|stuck|error\w*|fail\w*|outage|down|refund|damaged|stolen|blocked|banned|"
    r"locked|declined|denied|glitch\w*|bug|freez\w*|frozen|slow|ignored|waiting|waited|"
    r"terrible|awful|worst|horrible|ridiculous|unacceptable|disappoint\w*|frustrat\w*|annoy\w*|angry|upset|"
    r"hate|useless|joke|pathetic|disgust\w*|rude|trash|garbage|rubbish|scam|fraud|compromised|hack\w*|"
    r"suspend\w*|incorrect|worried|worry|(?:please|pls|plz|need) help|help (?:me|us)|out of service|"
    r"(?:mess|screw)(?:es|s|ed|ing)? up|(?:not|\w*n't|stopped|never|still) (?:work|load|open|arriv|show|send)\w*)\b",
    re.IGNORECASE,
))
# Thanks and praise for the company or its people.
_PRAISE = Folded(re.compile(
    r"\b(?:thanks?|thank you|thx|ty|cheers|appreciate\w*|grateful|kudos|love[sd]?|loving|great|awesome|"
    r"amazing|brilliant|excellent|fantastic|perfect|wonderful|superb|impressed|(?:the|you'?re) best(?! way)|"
    r"legends?|heroes?|hero|"
    r"mvp|well done|stepped up|set the bar|above and beyond|glad|happy|yay|woo+|delighted|"
    # thanks and praise in the languages brands' English accounts most often hear besides
    r"danke|vielen dank|gracias|merci|grazie|obrigad[oa]|excelente|genial|super)\b",
    re.IGNORECASE,
))
# Thanks that closes a problem: the customer says it is fixed, or thanks for a quick answer.
_RESOLVED = Folded(re.compile(
    r"\b(?:got it (?:to work|working|sorted|fixed|back)|(?:it'?s|all|now|got it) (?:sorted|fixed|resolved|working)|"
    r"works? (?:now|fine now|again)|working (?:now|again|fine)|fixed it|figured it out|sorted it|"
    r"found a (?:way|work) ?around|problem solved|issue (?:is )?resolved|never ?mind|nvm|"
    r"thanks? (?:you )?(?:so much |very much )?for (?:the|your) (?:quick|fast|speedy|prompt) "
    r"(?:reply|response|help|answer))\b",
    re.IGNORECASE,
))
# Thanks meant as a complaint.
_SARCASTIC = Folded(re.compile(
    r"\b(?:thanks? (?:a lot |so much )?for (?:nothing|wasting|ruining|making me wait)|cheers for nothing|"
    r"thanks a (?:lot|bunch)\b(?=.{0,40}\b(?:not|no|never|still|again)\b)|(?:erm|er|yeah|uhm?) not|"
    r"#not|(?:great|first class|excellent|brilliant|amazing) (?:service|job|work)\W{0,3}(?:not|erm|lol|\.{3}))\b",
    re.IGNORECASE,
))
# Exasperation in words VADER's list and the frustration cues do not know: contempt, swearing,
# "come on", "get it together", a letter held ("whyyyy"). (An SOS is an upset emoji, below.)
_EXASPERATION = Folded(re.compile(
    r"\b(?:trash|garbage|rubbish|crap\w*|shit\w*|fuck\w*|f\*+k\w*|wtf|ffs|bs|damn\w*|sucks?|"
    r"scam\w*|joke|clowns?|incompetent|shambles|disgrace\w*|seriously|come on|get it together|"
    r"sort it out|sort (?:yourselves|yourself) out|what'?s going on|how hard can it be|are you kidding|"
    r"you had one job)\b|\b\w*([a-z])\1{3,}\w*\b",
    re.IGNORECASE,
))

# Emoji by the feeling they carry. VADER's emoji list gives each its name ("red heart", "loudly
# crying face") and its word list rates those names; these are the ones whose names carry no
# feeling word, or the wrong one, as customers use them (a pumpkin at Halloween is warm, a ghost
# is play, "SOS button" and "pouting face" are upset, "broken heart" is not praise, and "hand"
# makes every hand warm). Hand-written because no packaged table rates emoji as customers use them.
_EMOJI_FEELING = {
    "\U0001F383": 1.0, "\U0001F60B": 1.0, "\U0001F44D": 1.0, "\U0001F64F": 1.0, "\U0001F64C": 1.0,
    "\U0001F44F": 1.0, "\U0001F4AF": 1.0, "\U0001F525": 1.0, "\U0001F47B": 0.5, "\U0001F389": 1.0,
    "\U0001F973": 1.0, "\U0001F60E": 1.0, "\U0001F917": 1.0, "\u2728": 1.0, "\U0001F495": 1.0,
    "\U0001F198": -1.0, "\U0001F621": -1.0, "\U0001F92C": -1.0, "\U0001F624": -1.0, "\U0001F644": -1.0,
    "\U0001F612": -1.0, "\U0001F926": -1.0, "\U0001F937": -0.5, "\U0001F44E": -1.0, "\U0001F494": -1.0,
    "\U0001F620": -1.0, "\U0001F62D": -1.0, "\U0001F622": -1.0, "\U0001F61E": -1.0, "\U0001F629": -1.0,
    "\U0001F62B": -1.0, "\U0001F92F": -1.0, "\U0001F625": -1.0,
    # a raised, waving or writing hand, a neutral, confused or astonished face: no feeling either way
    "\u270B": 0.0, "\U0001F91A": 0.0, "\U0001F590": 0.0, "\u270D": 0.0, "\U0001F481": 0.0, "\U0001F64B": 0.0,
    "\u270C": 0.0, "\U0001F919": 0.0, "\U0001F44B": 0.0, "\U0001F610": 0.0, "\U0001F611": 0.0,
    "\U0001F615": 0.0, "\U0001F632": 0.0, "\U0001F608": 0.0, "\U0001F913": 0.0,
}


_valence: dict[str, float] = {}  # emoji -> feeling, filled once per process (see _emoji_valence)


def _emoji_valence() -> dict[str, float]:
    """Emoji -> feeling, -1..1, for the emoji that carry one (from the cache, or `_rate_emoji`)."""
    global _valence
    if not _valence:
        _valence = _rate_emoji()
    return _valence


def _rate_emoji() -> dict[str, float]:
    """VADER's rating of each emoji's name, then the table above; the emoji rated under 0.25 either way left out."""
    analyser = vader()
    rated = {emoji: analyser.polarity_scores(name)["compound"] for emoji, name in analyser.emojis.items()}
    return {emoji: value for emoji, value in {**rated, **_EMOJI_FEELING}.items() if abs(value) >= 0.25}


def _load_emoji_valence(store: CacheStore) -> None:
    """The emoji table from the cache, keyed by VADER's version and this file (which holds the
    hand-written ratings); rated and stored when it is missing or not a table of ratings."""
    global _valence
    if _valence:
        return
    key = fingerprint("emoji-valence", package_version("vaderSentiment"), files=[Path(__file__)])
    table = store.load("emoji", key)
    if not (isinstance(table, dict) and table
            and all(isinstance(k, str) and isinstance(v, float) for k, v in table.items())):
        table = _rate_emoji()
        store.save("emoji", key, table)
    _valence = table


def emoji_feeling(text: str) -> tuple[int, int]:
    """How many warm and how many upset emoji a text holds (a variation selector is ignored)."""
    if text.isascii():  # no emoji is ASCII: most messages need no walk over their characters
        return 0, 0
    table = _emoji_valence()
    warm = upset = 0
    for char in text[:5000]:
        value = table.get(char)
        if value is not None:
            warm += value > 0
            upset += value < 0
    return warm, upset


_WORD = re.compile(r"[a-z']+")


@lru_cache(maxsize=1)
def _bad_words() -> frozenset[str]:
    """The words VADER's list rates clearly negative (-1.5 or below): "evil", "awful", "scam"."""
    return frozenset(w for w, v in vader().lexicon.items() if v <= -1.5)


def names_fault(text: str) -> bool:
    """The text names a fault: a failure, a delay, a loss, a clearly negative word."""
    text = text[:5000].replace("\u2019", "'")  # "can’t" as "can't"
    return _FAULT.search(text) is not None or not _bad_words().isdisjoint(_WORD.findall(text.lower()))


def _negates(text: str) -> bool:
    return _NEGATION.search(text[:5000].replace("\u2019", "'")) is not None


def names_problem(text: str) -> bool:
    """The text names a problem: a fault, or a negation ("it won't load", "no reply")."""
    return _negates(text) or names_fault(text)


def praise_cues(text: str) -> list[str]:
    """Thanks or praise in a text ("thanks", "love", "MVP", "set the bar"), in order."""
    return [m.group() for m in _PRAISE.finditer(text[:5000])]


# A fix hoped for or denied, not confirmed: "should have fixed it", "hasn't got it working".
_UNREAL = Folded(re.compile(
    r"\b(?:should|would|could|might|supposed|hoping|hope|if|not|never)\b[^.!?]{0,12}$|n't\W*\w*\W*$", re.IGNORECASE))


def resolved_cues(text: str) -> list[str]:
    """Thanks that closes a problem: "got it to work", "all sorted", "thanks for the quick reply"."""
    text = text[:5000]
    return [m.group() for m in _RESOLVED.finditer(text) if not _UNREAL.search(text[max(0, m.start() - 30):m.start()])]


def sarcastic_cues(text: str) -> list[str]:
    """Thanks or praise meant as a complaint: "thanks for nothing", "first class service - erm not"."""
    return [m.group() for m in _SARCASTIC.finditer(text[:5000])]


# A held letter that laughs or cheers ("LOLLLL", "yaaaay", "sooo"), not exasperation ("whyyyy").
_INTENSITY = re.compile(r"(?:l+o+l+|(?:h+a+)+h*|(?:h+e+)+h*|lmf?a+o+|x+d+|y+a+y+|w+o+h?o+|s+o+|a+w+|o+h+|w+)$",
                        re.IGNORECASE)


def exasperation_cues(text: str) -> list[str]:
    """Contempt, swearing and exasperation the other lists miss: "trash", "come on", "whyyyy"."""
    return [m.group() for m in _EXASPERATION.finditer(text[:5000])
            if m.group(1) is None or (len(set(m.group().lower())) > 1 and not _INTENSITY.match(m.group()))]


_REPEAT = Folded(re.compile(r"\b(?:again|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|multiple times|"
                     r"several times|(?:twice|three times) now)\b", re.IGNORECASE))
# A fix tried and failed, or a report already made: the rubric's "repeated failure", said flatly
# ("Didn't work.", "done that multiple times", "have reported it", "it keeps crashing").
_FAILED_AGAIN = Folded(re.compile(
    r"\b(?:(?:didn't|did not|doesn't|does not|don't|won't|still (?:not|doesn't|won't|didn't)|not) work(?:ed|ing)?\b"
    r"|(?:tried|done|did) (?:that|this|it|everything|all (?:of )?(?:that|the \w+))\b.{0,40}\b"
    r"(?:times|already|twice|still|but|nothing)|already (?:tried|done|did|reported|contacted|called)|"
    r"(?:multiple|several|many|few) times|(?:have|has|already) reported|"
    r"keeps? (?:on )?(?:crash|fail|freez|drop|disconnect|cancel|declin|reject|restart|logging me out)\w*)",
    re.IGNORECASE,
))
# The situation, where no word of feeling is said (the rubric's frustration all the same): a
# promise or a word given and broken ("the supplies you promised", "I was told it was local rate",
# "I expect 30 mins ad free"), or a step beyond the company ("It's now a police matter", "I will
# tell my friends"). Each alternative holds one of its gate's words.
_BROKEN_WORD = Gated(re.compile(
    r"\b(?:promis(?:ed|e)|(?:you|they|he|she) said|(?:i|we) (?:was|were) (?:told|advised|assured|promised)|"
    r"told (?:me|us)|supposed to|(?:i|we) expect(?:ed)?|guarantee[ds]?|advertised|"
    r"you (?:only |just )?(?:care|took|charged|lied|keep|never|didn'?t|did not|failed|ignored|refuse[ds]?)\b)",
    re.IGNORECASE,
), ("promis", " said", " told", "supposed to", " expect", "guarantee", "advertised", "you "))
_BEYOND = Gated(re.compile(
    r"\b(?:police|lawyers?|attorneys?|legal action|sue you|small claims|court|bbb|better business bureau|"
    r"ombudsman|trading standards|fcc|chargeback|(?:formal )?complaint|tell (?:all )?(?:my|everyone|every one)|"
    r"never (?:use|using|fly|flying|shop|shopping|buy|buying|order|ordering) (?:with |from |on )?(?:you|again|"
    r"this|your)|take my (?:business|money)|switch(?:ing)? to|leaving (?:you|for)|(?:cancel|cancelling|"
    r"canceling) my (?:account|subscription|service|contract|membership))\b",
    re.IGNORECASE,
), ("police", "lawyer", "attorney", "legal action", "sue you", "small claims", "court", "bbb", "better business",
    "ombudsman", "trading standards", "fcc", "chargeback", "complaint", "tell ", "never ", "take my", "switch",
    "leaving ", "cancel"))
_EXCLAIM_RUN = re.compile(r"!+")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")


def _shouting(text: str) -> int:
    """Runs of "!" and all-capital words: how loudly a text is written, whatever its feeling."""
    return len(_EXCLAIM_RUN.findall(text[:5000])) + len(_CAPS_WORD.findall(text[:5000]))


@lru_cache(maxsize=64)
def _cue_values(text: str) -> dict[str, float]:
    """Every CUSTOMER_CUES value of one text. The cues share their parts (whether a problem is
    named, the emoji, the praise), so each part is found once, and only where a value needs it:
    the customer-state model reads all ten on every check, and a part found ten times cost more
    than VADER's whole score of the text. Cached, as each model of a check reads the same text."""
    warm, upset = emoji_feeling(text)
    praise, resolved = praise_cues(text), resolved_cues(text)
    exasperated, sarcastic = exasperation_cues(text), sarcastic_cues(text)
    shouting = _shouting(text)
    head = text[:5000]
    straight = head.replace("\u2019", "'")  # "didn’t" as "didn't", for the cues written with '
    repeated = _REPEAT.search(head) is not None
    # whether a problem is named matters only to a value some part above has made non-zero
    needed = bool(warm or praise or resolved or shouting or repeated)
    fault = needed and names_fault(text)
    problem = fault or (needed and _negates(text))
    calm = bool(warm or praise or resolved) and not upset and not problem and not exasperated and not sarcastic
    return {
        "praise_calm": float(calm),
        "loud_praise": math.log1p(shouting) if calm else 0.0,
        "loud_problem": math.log1p(shouting) if problem else 0.0,
        "resolved": math.log1p(len(resolved)),
        "sarcastic": float(bool(sarcastic)),
        "exasperation": math.log1p(len(exasperated)),
        "emoji_warm": 0.0 if fault else math.log1p(warm),
        "emoji_upset": math.log1p(upset),
        "failed_again": float(_FAILED_AGAIN.search(straight) is not None),
        "repeat_problem": float(repeated and problem),
        "broken_word": float(_BROKEN_WORD.search(straight) is not None),
        "beyond": float(_BEYOND.search(head) is not None),
    }


# name -> what it measures; numeric features of the customer-state model (linear.NUMERIC takes
# them in, each read from `_cue_values`), each small and bounded like the others there.
_CUE_MEANINGS = {
    "praise_calm": "thanks, praise, a fix confirmed or a warm emoji, and no problem named",
    "loud_praise": "'!' and capitals in a message that praises and names no problem (log)",
    "loud_problem": "'!' and capitals in a message that names a problem (log)",
    "resolved": "thanks that closes a problem: 'got it to work', 'all sorted' (log)",
    "sarcastic": "thanks meant as a complaint: 'thanks for nothing'",
    "exasperation": "contempt, swearing, 'come on', a held letter (log)",
    "emoji_warm": "warm emoji in a message that names no fault (log; a laugh at a fault is no praise)",
    "emoji_upset": "upset emoji (log)",
    "failed_again": "a fix tried and failed or a report already made: 'didn't work', 'have reported it'",
    "repeat_problem": "a repetition ('again', 'third time') with a problem named",
    "broken_word": "a promise or word given and broken: 'you promised', 'I was told', 'supposed to'",
    "beyond": "a step beyond the company: police, a lawyer, a complaint, 'tell my friends', leaving",
}
CUSTOMER_CUES: dict[str, tuple[str, Callable[[str], float]]] = {
    name: (what, lambda t, name=name: _cue_values(t)[name]) for name, what in _CUE_MEANINGS.items()}
