"""What checks know besides the draft: the channel's policy and the customer's message."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from .config import ChannelPolicy, Config
from .linear import LinearModel, Side, features
from .models import UpsetLevel
from .pipeline import Analysis, norm_of
from .rules.schema import Condition
from .signals import customer_sentiment, upset_cues

__all__ = ["Context", "Customer", "PhraseKeys", "customer_sentiment", "upset_cues"]

T = TypeVar("T")

# Words too common to show that a reply mirrors the customer's problem.
_GENERIC = frozenset(
    "hi hello thanks thank please sorry help issue problem account order get have make know "
    "need want time day today like just still able use contact support team customer service "
    "can could would will should may might also really very much any some one there here".split())


def content_norms(analysis: Analysis, norms: tuple[str, ...] | None = None) -> frozenset[str]:
    """Lemma keys of the content words: what a reply must echo to be about this customer.
    `norms`: every token's key, when the caller has them already."""
    from spacy.lang.en.stop_words import STOP_WORDS  # here: importing spaCy is for checking, not for loading rules

    keys = map(norm_of, analysis.texts) if norms is None else norms
    found = (n for n, t, w in zip(keys, analysis.texts, analysis.is_word, strict=True) if w and len(t) > 2)
    return frozenset(n for n in found if n not in STOP_WORDS and n not in _GENERIC)


_CLAUSE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|(?<=[!?])(?=\w)")
_OPENING_NOISE = re.compile(r"^(?:(?:@\w+|hi|hello|hey|dear \w+|so|and|but|ok|okay|well|yes|no)[\s,!.:]*)+",
                            re.IGNORECASE)
_PROBLEM_START = re.compile(r"^(?:my|our|the|i|i'm|i've|i was|i have|i am|i can't|i cannot|i still)\b",
                            re.IGNORECASE)
_PERSON_SWAP = (("i am", "you are"), ("i'm", "you're"), ("i was", "you were"), ("i've", "you've"),
                ("i have", "you have"), ("i'd", "you'd"), ("i'll", "you'll"), ("myself", "yourself"),
                ("mine", "yours"), ("my", "your"), ("our", "your"), ("me", "you"), ("i", "you"))
_SWAPS = dict(_PERSON_SWAP)
_SWAP = re.compile(r"\b(" + "|".join(re.escape(a) for a, _ in _PERSON_SWAP) + r")\b", re.IGNORECASE)


# What makes a statement a problem to be sorry about, when VADER reads it as neutral ("my parcel
# never arrived", "the app is not working").
_PROBLEM_WORDS = re.compile(
    r"\b(?:not|no|never|can't|cannot|won't|didn't|doesn't|isn't|wasn't|haven't|hasn't|again|"
    r"broken|broke|failed|fails|wrong|missing|lost|late|delayed|stuck|down|error|charged|cancell?ed|"
    r"damaged|cracked|smashed|faulty|defective|died|dead|leak\\w*|stolen|hacked|pirated|locked|declined|refused|overcharged|unknown|unauthori[sz]ed|fraud\w*|"
    r"scam\w*|crash\w*|freez\w*)\b", re.IGNORECASE)
_CANNOT = re.compile(r"^i (?:still )?(?:can't|cannot|couldn't|am unable|was unable|am not able|keep getting|"
                     r"was charged)\b", re.IGNORECASE)
# What follows these is the customer's reasoning or a request, not the problem ("... is stuck on
# 5.00 but you can still play online", "... got hacked please get back to me").
_AFTERTHOUGHT = re.compile(r"\s+(?:but|because|until|unless|so|please|pls|which|although|though|when|if)\b",
                           re.IGNORECASE)
_DANGLING_END = re.compile(r"\b(?:by|to|for|with|of|in|on|at|from|the|a|an|and|or|my|your)$", re.IGNORECASE)
_RUDE = re.compile(r"\b(?:bastards?|shit\w*|fuck\w*|damn\w*|crap\w*|idiot\w*|stupid|suck\w*|hell|wtf|ffs|bs|"
                   r"ass|asses|arse\w*|dick\w*|bloody|useless|pathetic|joke)\b", re.IGNORECASE)
_TRAILING_PLEA = re.compile(r"(?:\s+(?:help|pls|plz|please|me|asap|now|urgently|thanks|thank you))+$",
                            re.IGNORECASE)


def customer_problem(text: str) -> str | None:
    """The customer's problem in the agent's words, for "I'm sorry {customer_problem}.":
    "My parcel never arrived!!!" -> "your parcel never arrived". None unless it is safe:
    a short first-person statement of something gone wrong, not a question, not about "you",
    in words that are all letters (no emoji, codes or links). A clause about a thing ("my
    parcel ...") beats one about the customer ("I ..."), which must also read negative:
    "I never turned it on" is a fact, not the problem to be sorry about."""
    best: tuple[bool, float, str] | None = None
    for clause in _CLAUSE_SPLIT.split(text[:2000].replace("’", "'")):
        clause = _OPENING_NOISE.sub("", clause.strip()).split(",")[0].strip(" .!?,;:")
        clause = _TRAILING_PLEA.sub("", re.sub(r"[^\w'\s]+$", "", _AFTERTHOUGHT.split(clause)[0]).rstrip())
        if _DANGLING_END.search(clause):
            continue  # "... hasn't been solved by": cut off mid-thought
        words = clause.split()
        if not 3 <= len(words) <= 16 or "?" in clause or not _PROBLEM_START.match(clause):
            continue
        if re.search(r"\b(?:you|your|yours|u|ur)\b|[@#<>\[\]{}\"]|https?:", clause, re.IGNORECASE):
            continue
        if not all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9'-]*|\d[\d,.:/-]*", w) for w in words):
            continue  # emoji, codes and run-on punctuation do not read back as the agent's words
        if not _PROBLEM_WORDS.search(clause) or _RUDE.search(clause):
            continue  # "my name is Isak", "the sniffles can kill some of us": not a problem to name
        about_person = clause.lower().startswith("i")
        if about_person and not _CANNOT.search(clause):
            continue  # "I can't log in" reads back well; "I detect a scam", "I never turned it on" do not
        score = customer_sentiment(clause)
        swapped = _SWAP.sub(lambda m: _SWAPS[m.group().lower()], clause)
        if sum(w.isupper() and len(w) > 1 for w in words) > len(words) / 2:
            swapped = swapped.lower()  # a shouted clause, said back calmly; acronyms in one are kept
        candidate = (about_person, score, swapped[0].lower() + swapped[1:])
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return best[2] if best else None


@dataclass(frozen=True)
class Customer:
    """The customer's message as the checks see it."""

    analysis: Analysis
    sentiment: float
    upset: bool
    upset_p: float | None  # the customer-state model's probability; None with the sentiment test
    very_upset: bool  # upset, and the very-upset model says a rant or strong emotion
    cues: tuple[str, ...]  # what drove the judgement: model features, or the cue list's hits
    side: Side  # the message as a learned model reads it
    norms: frozenset[str]  # content-word keys
    all_norms: frozenset[str]  # every token's key, for "the customer used this term first"
    lowered: str
    norm_text: str  # " key key key ", for whole-phrase look-ups

    @cached_property
    def problem(self) -> str | None:
        """Their problem in the agent's words (see customer_problem); worked out only when a fix
        template asks for it, as it runs the sentiment model once per clause."""
        return customer_problem(self.analysis.clean.analysed) if self.upset else None

    @classmethod
    def from_analysis(cls, analysis: Analysis, *, model: LinearModel | None, upset_at: float,
                      very_upset_model: LinearModel | None = None) -> Customer:
        """Judge the customer's state: with the customer-state model, or (model None) with the
        older test of VADER's sentiment plus the frustration cue list; then, if upset, whether
        very upset (with `very_upset_model`)."""
        text = analysis.clean.analysed
        sentiment = customer_sentiment(text[:5000])  # VADER is quadratic in long texts; the opening says enough
        upset_p: float | None = None
        side = Side.of(analysis, sentiment=sentiment)
        if model is not None:
            judgement = model.judge(features(model.recipe, "customer", reply=None, customer=side,
                                             only=model.vocabulary))  # cues only when upset
            upset, upset_p = judgement.positive, judgement.probability
            side = replace(side, upset_p=upset_p, upset=upset)
            cues = tuple(_readable(name) for name, _ in judgement.drivers)
        else:
            cues = tuple(upset_cues(text))
            upset = sentiment <= upset_at or (bool(cues) and sentiment < 0.3)  # "Thanks so much!!" is not upset
            side = replace(side, upset=upset)
        very_upset = upset and very_upset_model is not None and very_upset_model.judge(
            features(very_upset_model.recipe, "customer", reply=None, customer=side,
                     only=very_upset_model.vocabulary)).positive
        norms = tuple(map(norm_of, analysis.texts))  # every token's key, read three ways
        return cls(analysis=analysis, sentiment=sentiment, upset=upset, upset_p=upset_p, very_upset=very_upset,
                   cues=cues, side=side, norms=content_norms(analysis, norms),
                   all_norms=frozenset(norms), lowered=text.lower(), norm_text=f" {' '.join(norms)} ")

    @property
    def level(self) -> UpsetLevel:
        """calm, upset, or very_upset: upset, and ranting or voicing strong emotion."""
        return "very_upset" if self.very_upset else "upset" if self.upset else "calm"

    def used(self, term_norms: tuple[str, ...], surface: str) -> bool:
        """True if the customer wrote this term: the same lemma keys in a row, or the same words
        (whole words: "ONT" is not in "month")."""
        if len(term_norms) == 1 and term_norms[0] in self.all_norms:
            return True
        if f" {' '.join(term_norms)} " in self.norm_text:
            return True
        return re.search(rf"(?<!\w){re.escape(surface.lower())}(?!\w)", self.lowered) is not None


class PhraseKeys:
    """Phrases as " key key " strings (see MatcherBank.phrase_keys), looked up in a text's key
    string (`Customer.norm_text`). A phrase can only be there if its first key is one of the
    text's space-separated pieces, so only those phrases are searched for: one regular
    expression alternating hundreds of phrases tried at every position cost more than the rest
    of the rule."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        by_first: dict[str, list[str]] = {}
        for key in keys:
            by_first.setdefault(key[1:].split(" ", 1)[0], []).append(key)
        self._by_first = {first: tuple(found) for first, found in by_first.items()}

    def found_in(self, norm_text: str) -> bool:
        by_first = self._by_first
        return any(key in norm_text for first in set(norm_text.split(" ")) & by_first.keys()
                   for key in by_first[first])


def _readable(feature: str) -> str:
    """'c.ng:still not' -> 'still not'; 'c.num:exclaim' -> 'exclaim'."""
    return feature.split(":", 1)[1]


@dataclass
class Context:
    """Everything a check may read besides the analysed draft."""

    channel: str
    policy: ChannelPolicy
    config: Config
    customer: Customer | None
    allow: frozenset[str]  # lower-cased team allowlist
    hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # matcher key -> token spans
    fired: frozenset[str] = frozenset()  # rules that fired before the learned rules ran
    unchecked: list[str] = field(default_factory=list)  # rules that could not finish on this draft
    _mirrors: bool | None = None
    _reply_side: Side | None = None
    _features: dict[str, dict[str, float]] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict)

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """A fact of this draft that several rules read (`name` says which), computed once per check."""
        if name not in self._shared:
            self._shared[name] = compute()
        return self._shared[name]  # type: ignore[no-any-return]

    def features(self, model: LinearModel, analysis: Analysis) -> dict[str, float]:
        """The feature map learned rules read, built once per recipe per check: rules trained
        with the same recipe share it, and each reads the features it has weights for."""
        found = self._features.get(model.recipe_key)
        if found is None:
            found = self._features[model.recipe_key] = features(
                model.recipe, model.reads, reply=self.reply_side(analysis),
                customer=self.customer.side if self.customer else None, fired=self.fired)
        return found

    def reply_side(self, analysis: Analysis) -> Side:
        """The reply as a learned model reads it (built once per check)."""
        if self._reply_side is None:
            self._reply_side = Side.of(analysis)
        return self._reply_side

    def mirrors_customer(self, analysis: Analysis) -> bool:
        if self._mirrors is None:
            self._mirrors = bool(self.customer and content_norms(analysis) & self.customer.norms)
        return self._mirrors

    def holds(self, when: Condition | None, analysis: Analysis, contains_key: str,
              customer_phrases: PhraseKeys | None = None) -> bool:
        """Does a rule's `when` condition hold for this draft?"""
        if when is None:
            return True
        if when.channel is not None and self.channel not in when.channel:
            return False
        if when.customer_present is not None and (self.customer is not None) != when.customer_present:
            return False
        if when.customer_upset is not None and bool(self.customer and self.customer.upset) != when.customer_upset:
            return False
        if when.mirrors_customer is not None and (
                self.customer is None or self.mirrors_customer(analysis) != when.mirrors_customer):
            return False
        if when.policy is not None and not getattr(self.policy, when.policy, False):
            return False
        if when.contains is not None and not self.hits.get(contains_key):
            return False
        if when.customer_contains is not None and (
                self.customer is None or customer_phrases is None
                or not customer_phrases.found_in(self.customer.norm_text)):
            return False
        return True
