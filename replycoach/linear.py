"""Small learned judgements: a linear model shipped as a JSON weights file, scored in pure Python.

A weights file is data, never code: the feature recipe (which n-grams, lexicons, numeric cues
and other rules' hits it reads), one weight per feature name, a bias, the threshold chosen by
cross-validation and where it was trained. `features()` turns the texts the pipeline has already
analysed into a sparse {feature name: value} map; `LinearModel.judge` is a sparse dot product
and a logistic, and says which features drove it, so every learned finding can be explained.

Feature names read `<side>.<type>:<name>`: side `r` (the reply) or `c` (the customer's message);
type `ng` (an n-gram of lemma keys; URLs and numbers appear as <url>, <number>, handles not at
all), `st` (the first letters of a long word), `lex` (how many words of a named lexicon
appear), `num` (a numeric cue, see NUMERIC) or `rule` (another rule fired on the reply); side
`x` holds the reply measured against the customer's message (`x.num:echo`, see CROSS), for
models that read both.
"""

from __future__ import annotations

import heapq
import json
import math
import operator
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from .cache import CacheStore, fingerprint
from .errors import RuleError
from .pipeline import Analysis, norm_of
from .signals import CUSTOMER_CUES, Gated, customer_sentiment, upset_cues

__all__ = ["FORMAT", "NUMERIC", "Judgement", "LinearModel", "Recipe", "Side", "WeightsFile", "features",
           "load_lexicons", "load_weights"]

FORMAT = "replycoach-linear/1"
Reads = Literal["reply", "customer", "both"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recipe(_Strict):
    """Which features the model reads. `ngrams`, `lexicons` and `numeric` describe the text the
    model judges (the reply, or for a customer-state model the customer's message); a model that
    reads both sees the customer's message only through `customer_ngrams`, `customer_numeric` and
    `cross`, so it cannot learn "this customer is angry" as a stand-in for "this reply is bad"."""

    ngrams: tuple[int, ...] = Field(default=(1, 2), description="n-gram sizes over lemma keys (1 to 3).")
    customer_ngrams: tuple[int, ...] = Field(default=(), description="reads both: n-gram sizes of the customer's.")
    customer_numeric: tuple[str, ...] = Field(default=(), description="reads both: the customer's numeric cues.")
    stems: int = Field(default=0, ge=0, le=8, description=(
        "Also read each word of 7+ letters by its first N letters (0: off), so that inflections and "
        "spellings the labels never saw still count: 'frustrat' for frustrated, frustrating..."))
    lexicons: dict[str, tuple[str, ...]] = Field(default_factory=dict,
                                                 description="name -> words (matched on lemma keys).")
    numeric: tuple[str, ...] = Field(default=(), description="numeric cues by name (see NUMERIC).")
    rules: tuple[str, ...] = Field(default=(), description="rule ids whose findings on the reply are features.")
    cross: tuple[str, ...] = Field(default=(), description="reply-against-customer features (see CROSS).")

    @field_validator("ngrams", "customer_ngrams")
    @classmethod
    def _sizes(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(n not in (1, 2, 3) for n in value):
            raise ValueError("n-gram sizes must be 1, 2 or 3")
        return value

    @field_validator("numeric", "customer_numeric")
    @classmethod
    def _known_numeric(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, NUMERIC, "numeric")

    @field_validator("cross")
    @classmethod
    def _known_cross(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, CROSS, "cross")

    def for_side(self, side: str, reads: str) -> Recipe:
        """The recipe a side is read with: see the class docstring."""
        return self.customer_side if reads == "both" and side == "c" else self

    @cached_property
    def customer_side(self) -> Recipe:
        """The customer's recipe for a model that reads both, built once: every check asks for
        it (a cached property, as reading a pydantic private attribute costs an exception)."""
        return Recipe(ngrams=self.customer_ngrams, numeric=self.customer_numeric, cross=self.cross)

    @cached_property
    def lexicon_sets(self) -> dict[str, frozenset[str]]:
        """Each lexicon as the set of its words' keys, by name in sorted order (the order its
        features are added in), built once per recipe rather than once per text."""
        return {name: frozenset(norm_of(w).lower() for w in words) for name, words in sorted(self.lexicons.items())}


def _known(names: tuple[str, ...], table: Mapping[str, object], what: str) -> tuple[str, ...]:
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown {what} feature {unknown[0]!r}; known: {', '.join(sorted(table))}")
    return names


class Trained(_Strict):
    """Where the weights came from, so a team can judge how far to trust them."""

    data: str
    licence: str
    date: str
    examples: int = Field(ge=0)
    positives: int = Field(ge=0)
    cv: dict[str, float] = Field(default_factory=dict, description="cross-validated precision, recall, f1")
    notes: str | None = None


class WeightsFile(_Strict):
    """The JSON form of a model (`format: replycoach-linear/1`)."""

    format: Literal["replycoach-linear/1"]
    label: str = Field(min_length=1)
    reads: Reads
    recipe: Recipe
    bias: float
    threshold: float = Field(ge=0, le=1)
    weights: dict[str, float]
    centres: dict[str, float] = Field(
        default_factory=dict, description="Training means of numeric features: explanations count how far "
                                          "a text is from usual, not its raw value (the bias already has them).")
    trained: Trained

    @field_validator("bias", "threshold")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @model_validator(mode="after")
    def _weights_match_recipe(self, info: ValidationInfo) -> WeightsFile:
        if (info.context or {}).get("recipe_checked"):  # these very bytes passed before (see load_weights)
            return self
        sides = {"reply": ("r",), "customer": ("c",), "both": ("r", "c", "x")}[self.reads]
        for name, weight in self.weights.items():
            if not math.isfinite(weight):
                raise ValueError(f"weight of {name!r} is not a finite number")
            problem = _feature_problem(name, sides, self.recipe.for_side(name[:1], self.reads))
            if problem:
                raise ValueError(f"feature {name!r}: {problem}")
        for name, centre in self.centres.items():
            if name not in self.weights or not math.isfinite(centre):
                raise ValueError(f"centre of {name!r}: must be a finite number for a feature with a weight")
        return self


_FEATURE = re.compile(r"^([rcx])\.(ng|st|lex|num|rule):(.+)$")


def _feature_problem(name: str, sides: tuple[str, ...], recipe: Recipe) -> str | None:
    m = _FEATURE.match(name)
    if not m:
        return "names look like 'r.ng:sorry', 'c.num:vader', 'r.lex:apology' or 'r.rule:tone.blame'"
    side, kind, rest = m.groups()
    if side not in sides:
        return f"side {side!r} is not read by this model"
    if kind == "ng" and len(rest.split(" ")) not in recipe.ngrams:
        return f"an n-gram of {len(rest.split(' '))} words, but the recipe reads sizes {list(recipe.ngrams)}"
    if kind == "st" and (not recipe.stems or len(rest) != recipe.stems):
        return f"a stem of {len(rest)} letters, but the recipe reads stems of {recipe.stems}"
    if kind == "lex" and rest not in recipe.lexicons:
        return "a lexicon the recipe does not define"
    if kind == "num" and rest not in (recipe.cross if side == "x" else recipe.numeric):
        return "a numeric feature the recipe does not list"
    if kind == "rule" and rest not in recipe.rules:
        return "a rule the recipe does not list"
    return None


# --- the text a model reads ----------------------------------------------------------------------

@dataclass(frozen=True)
class Side:
    """One text (reply or customer message) as a model reads it: its word keys and their tokens."""

    keys: tuple[str, ...]  # lemma keys of words, with <url>, <number>... for protected tokens (not handles)
    tokens: tuple[int, ...]  # the token index of each key, for pointing at evidence
    lowers: tuple[str, ...]  # each key's word as written, lower-cased (sentiment lexicons list forms)
    text: str
    sentiment: float | None = None  # VADER compound, when already known (the customer's message)
    upset_p: float | None = None  # the customer-state model's probability (the customer's message)
    upset: bool = False  # the customer-state model's judgement
    # Work shared by every model that reads this text in one check: prefixed n-grams with the
    # position of their first key, numeric cues and content words, each computed once.
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def grams(self, prefix: str, n: int) -> dict[str, int]:
        """'{prefix}.ng:' n-grams of the keys -> index of the first occurrence's first key."""
        key = ("ng", prefix, n)
        found = self._memo.get(key)
        if found is None:
            keys, head = self.keys, f"{prefix}.ng:"
            found = {}
            for i in range(len(keys) - n + 1):
                found.setdefault(head + (keys[i] if n == 1 else " ".join(keys[i:i + n])), i)
            self._memo[key] = found
        return found

    def stems(self, prefix: str, size: int) -> tuple[str, ...]:
        """'{prefix}.st:' the first `size` letters of each word of 7 or more letters, each once, in
        the text's order (not a set's: its order changes with the process's hash seed, and with it
        the order of tied drivers in a report)."""
        key = ("st", prefix, size)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = tuple(dict.fromkeys(f"{prefix}.st:{w[:size]}" for w in self.lowers
                                                          if len(w) >= 7 and w.isalpha()))
        return found  # type: ignore[no-any-return]

    def numeric(self, name: str) -> float:
        if name == "upset":  # not memoised: it is set after the customer-state model runs, on a copy
            # of this Side that shares its memo
            return NUMERIC[name][1](self)
        key = ("num", name)
        if key not in self._memo:
            self._memo[key] = NUMERIC[name][1](self)
        return self._memo[key]  # type: ignore[no-any-return]

    def key_set(self) -> frozenset[str]:
        """The distinct keys, for the lexicons' counts."""
        if "keys" not in self._memo:
            self._memo["keys"] = frozenset(self.keys)
        return self._memo["keys"]  # type: ignore[no-any-return]

    def content(self) -> frozenset[str]:
        """Content words: what a reply must take up to be about this customer."""
        if "content" not in self._memo:
            self._memo["content"] = frozenset(k for k in self.keys if len(k) > 2 and k.isalpha() and k not in _STOP)
        return self._memo["content"]  # type: ignore[no-any-return]

    @classmethod
    def of(cls, analysis: Analysis, *, sentiment: float | None = None) -> Side:
        keys: list[str] = []
        tokens: list[int] = []
        lowers: list[str] = []
        last = None  # the last key kept
        # One pass per text of every check, twice with a customer message: names bound locally.
        protected_keys, kept, word_key = _PROTECTED_KEYS, _KEPT_PUNCTUATION, _word_key
        for i, (text, word, kind) in enumerate(zip(analysis.texts, analysis.is_word, analysis.protected,
                                                   strict=True)):
            if kind is not None:
                key = protected_keys.get(kind, "<id>")
                if not key or key == last:
                    continue  # a handle says who, not how they feel; runs of one kind count once
            elif word:
                key = word_key(text)
            elif text in kept:
                key = text
            else:
                continue
            keys.append(key)
            tokens.append(i)
            lowers.append(text.lower())
            last = key
        return cls(keys=tuple(keys), tokens=tuple(tokens), lowers=tuple(lowers), text=analysis.clean.analysed,
                   sentiment=sentiment)


@lru_cache(maxsize=200_000)
def _word_key(text: str) -> str:
    """A word's key as a model reads it: its matching key, an acronym's lower-cased too (it keeps
    its case for matching; here case is noise). Cached like norm_of: a corpus's words recur."""
    key = norm_of(text)
    return key.lower() if key.isupper() else key


# How protected spans appear among a text's keys. Handles are left out: every tweet has them and
# other sources do not, so a model would learn where a text came from instead of what it says.
_PROTECTED_KEYS = {"url": "<url>", "email": "<email>", "handle": "", "number": "<number>",
                   "id": "<id>", "code": "<code>"}
_KEPT_PUNCTUATION = frozenset({"?", "!", ":)", ":(", ":-)", ":D", ";)"})


def _vader(side: Side) -> float:
    if side.sentiment is not None:
        return side.sentiment
    return customer_sentiment(side.text[:2000])


_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_EXCLAIM = Gated(re.compile(r"!+"), ("!",))
# (Gated: each alternative holds one of the words after it; the emoji are not ASCII.)
_LAUGH = Gated(re.compile(r"\b(?:lol|lmao|haha\w*|hehe\w*)\b|[\U0001F602\U0001F923\U0001F606]|:D\b|xD\b",
                          re.IGNORECASE), ("lol", "lmao", "haha", "hehe", ":d", "xd"))
_WAITING = Gated(re.compile(r"\b(?:\d+|two|three|four|five|six|several|many)\s+(?:hours?|days?|weeks?|months?|times?)\b"
                            r"|\bhours?\b|\bdays?\b|\bweeks?\b|\bagain\b|\bstill\b", re.IGNORECASE),
                 ("hour", "day", "week", "month", "time", "again", "still"))

@lru_cache(maxsize=1)
def _valence() -> dict[str, float]:
    """VADER's word list: word -> valence (-4..4). Its words, unlike its compound score, do not
    read a complaint as praise."""
    from .signals import vader

    return vader().lexicon


@lru_cache(maxsize=2)
def _valence_words(negative: bool) -> frozenset[str]:
    """The words VADER's list rates negative (-1 or below), or positive (1 or above)."""
    return frozenset(w for w, v in _valence().items() if (v <= -1.0 if negative else v >= 1.0))


def load_lexicons() -> None:
    """Build the word sets the cues count (from VADER's list) now, not in the first check."""
    _valence_words(True)
    _valence_words(False)


def _count_valence(side: Side, negative: bool) -> float:
    return math.log1p(_count_in(side.lowers, _valence_words(negative)))


def _count_in(words: tuple[str, ...], listed: frozenset[str]) -> int:
    """How many of `words` are `listed` (each occurrence counts), counted in C: this runs for
    several cues on both texts of every check."""
    return sum(map(listed.__contains__, words))


_THANKS = frozenset({"thank", "thanks", "thx", "ty", "appreciate", "grateful", "cheers"})
_NEGATION = frozenset({"not", "no", "never", "nothing", "nobody", "cannot", "without", "none", "nowhere"})

# name -> (what it measures, how); each value is small and bounded so weights stay comparable.
NUMERIC: dict[str, tuple[str, Callable[[Side], float]]] = {
    "vader": ("VADER compound sentiment, -1..1", _vader),
    "vader_neg": ("VADER compound when negative, else 0", lambda s: min(0.0, _vader(s))),
    "exclaim": ("runs of '!' (log)", lambda s: math.log1p(len(_EXCLAIM.findall(s.text)))),
    "multi_exclaim": ("'!!' or more", lambda s: float("!!" in s.text)),
    "question": ("question marks (log)", lambda s: math.log1p(s.text.count("?"))),
    "caps": ("all-capital words of 3+ letters (log)", lambda s: math.log1p(len(_CAPS_WORD.findall(s.text)))),
    "words": ("words (log)", lambda s: math.log1p(len(s.keys))),
    "laugh": ("laughing: lol, haha, a laughing emoji", lambda s: float(bool(_LAUGH.search(s.text)))),
    "waiting": ("mentions of time waited or repetition (log)",
                lambda s: math.log1p(len(_WAITING.findall(s.text[:5000])))),
    "cues": ("the frustration cue list's hits (log)", lambda s: math.log1p(len(upset_cues(s.text)))),
    "neg_words": ("words VADER's lexicon rates negative (log)", lambda s: _count_valence(s, True)),
    "pos_words": ("words VADER's lexicon rates positive (log)", lambda s: _count_valence(s, False)),
    "thanks": ("a thank-you word", lambda s: float(not _THANKS.isdisjoint(s.keys))),
    "negation": ("negations: not, no, never, nothing... (log)", lambda s: math.log1p(_count_in(s.keys, _NEGATION))),
    "upset": ("the customer-state model's probability (customer side only)", lambda s: s.upset_p or 0.0),
    "acknowledge": ("acknowledgement words: sorry, apologise, understand, frustrating... (log)",
                    lambda s: math.log1p(_count_in(s.keys, _ACKNOWLEDGE))),
    "happy": ("clearly positive: VADER >= 0.5 with thanks or praise words",
              lambda s: float(_vader(s) >= 0.5
                              and (not _THANKS.isdisjoint(s.keys) or _count_valence(s, False) > 0))),
}
# The customer-state model's cues of thanks, praise and exasperation, read from the text (signals.py).
NUMERIC.update({name: (what, lambda s, cue=cue: cue(s.text)) for name, (what, cue) in CUSTOMER_CUES.items()})

# Features of the reply against the customer's message (type `x`, for models that read both).
_STOP = frozenset("a an the and or but to of in on at for with by from is be are was were it this that "
                  "you your we our us i me my he she they them have has had do does did will would can "
                  "could should not no so if as hi hello thanks thank please sorry".split())


def _echo(reply: Side, customer: Side) -> float:
    """How many of the customer's content words the reply takes up (log)."""
    return math.log1p(len(reply.content() & customer.content()))


def _overlap(reply: Side, customer: Side) -> float:
    """The share of the reply's content words that come from the customer's message."""
    words = reply.content()
    return len(words & customer.content()) / len(words) if words else 0.0


_ACKNOWLEDGE = frozenset({"sorry", "apologize", "apology", "apologies", "regret", "understand", "frustrating",
                          "frustration", "frustrate", "unfortunately", "hear", "imagine", "disappointing",
                          "annoying", "awful", "terrible", "unacceptable"})


def _specific_acknowledgement(reply: Side, customer: Side) -> float:
    """An acknowledgement word ("sorry", "frustrating") with the customer's own content words
    close after it: "I'm sorry your parcel never arrived", not "Sorry for any inconvenience"."""
    theirs = customer.content()
    keys = reply.keys
    for i, key in enumerate(keys):
        if key in _ACKNOWLEDGE and any(k in theirs for k in keys[i + 1:i + 12]):
            return 1.0
    return 0.0


def _coverage(reply: Side, customer: Side) -> float:
    """The share of the customer's content words the reply takes up: unlike `echo`, a long
    message with one word of it taken up counts as barely answered."""
    theirs = customer.content()
    return len(reply.content() & theirs) / len(theirs) if theirs else 0.0


def _length_ratio(reply: Side, customer: Side) -> float:
    """The reply's length against the customer's message (log of the ratio of their words): a
    one-line template under a detailed complaint, measured without the customer's length alone,
    which varies by channel and source."""
    return math.log((len(reply.keys) + 1) / (len(customer.keys) + 1))


CROSS: dict[str, tuple[str, Callable[[Side, Side], float]]] = {
    "echo": ("customer content words the reply takes up (log)", _echo),
    "overlap": ("share of the reply's content words taken from the customer", _overlap),
    "specific_ack": ("an acknowledgement followed by the customer's own words", _specific_acknowledgement),
    "coverage": ("share of the customer's content words the reply takes up", _coverage),
    "length_ratio": ("reply words against customer words (log of the ratio)", _length_ratio),
}


def _side_features(side: Side, prefix: str, recipe: Recipe, out: dict[str, float],
                   only: Container[str] | None) -> None:
    # (dict.fromkeys keeps the n-grams' order, which the weighted sum is added up in)
    for n in recipe.ngrams:
        grams = side.grams(prefix, n)
        out.update(dict.fromkeys(grams if only is None else filter(only.__contains__, grams), 1.0))
    if recipe.stems:
        for stem in side.stems(prefix, recipe.stems):
            if only is None or stem in only:
                out[stem] = 1.0
    if recipe.lexicons:
        present = side.key_set()
        for name, words in recipe.lexicon_sets.items():
            hits = len(present & words)
            if hits:
                out[f"{prefix}.lex:{name}"] = math.log1p(hits)
    for name in recipe.numeric:
        value = side.numeric(name)
        if value:
            out[f"{prefix}.num:{name}"] = value


def features(recipe: Recipe, reads: Reads, *, reply: Side | None, customer: Side | None,
             fired: frozenset[str] | set[str] = frozenset(), only: Container[str] | None = None
             ) -> dict[str, float]:
    """The sparse feature map of a reply and/or customer message. With `only` (a model's
    weights), n-grams the model has no weight for are skipped: they would add nothing to its
    score, and most n-grams of a text are such."""
    out: dict[str, float] = {}
    if reads in ("reply", "both") and reply is not None:
        _side_features(reply, "r", recipe, out, only)
        for rule in recipe.rules:
            if rule in fired:
                out[f"r.rule:{rule}"] = 1.0
    if reads in ("customer", "both") and customer is not None:
        _side_features(customer, "c", recipe.for_side("c", reads), out, only)
        if reads == "both" and reply is not None:
            for name in recipe.cross:
                value = CROSS[name][1](reply, customer)
                if value:
                    out[f"x.num:{name}"] = value
    return out


# --- the model -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Judgement:
    """A model's verdict on one text: the probability, whether it passes the threshold, and the
    features that pushed it up most (name, contribution), strongest first."""

    probability: float
    positive: bool
    drivers: tuple[tuple[str, float], ...]


class LinearModel:
    """A loaded, validated weights file, ready to score feature maps."""

    def __init__(self, spec: WeightsFile, *, path: Path | None = None) -> None:
        self.spec = spec
        self.path = path
        self.recipe = spec.recipe
        self.reads = spec.reads
        self.threshold = spec.threshold
        self._weights = spec.weights
        self._bias = spec.bias
        self._centres = spec.centres
        self.recipe_key = f"{spec.reads}:{spec.recipe.model_dump_json()}"  # equal for models that read alike

    @property
    def vocabulary(self) -> Mapping[str, float]:
        """The features it has weights for (pass as `features(only=...)`)."""
        return self._weights

    def judge(self, feats: Mapping[str, float], *, threshold: float | None = None, top: int = 5,
              explain: bool = False) -> Judgement:
        """The probability for a feature map; the drivers are worked out when it is positive (or
        with `explain`), as only a finding shows them."""
        weights = self._weights
        common = list(filter(weights.__contains__, feats))  # most features of a text have no weight
        z = self._bias + sum(map(operator.mul, map(weights.__getitem__, common), map(feats.__getitem__, common)))
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        cut = self.threshold if threshold is None else threshold
        drivers: tuple[tuple[str, float], ...] = ()
        if explain or p >= cut:
            centres = self._centres
            pushes = [(n, weights[n] * (feats[n] - centres.get(n, 0.0))) for n in common
                      if weights[n] * feats[n] > 0]  # a driver pushes up, present and beyond usual
            drivers = tuple((n, round(c, 3)) for n, c in heapq.nlargest(top, pushes, key=lambda c: c[1]) if c > 0)
        return Judgement(probability=round(p, 4), positive=p >= cut, drivers=drivers)


# Where load_weights keeps the keys of weights files whose features it has checked against their
# recipe (two thirds of reading the shipped models, 0.07 s a process), set by the Coach building.
_checked_store: CacheStore | None = None


def use_store(store: CacheStore | None) -> None:
    """Keep (and trust) the recipe checks of weights files in `store` from now on; None: check every file."""
    global _checked_store
    _checked_store = store


def load_weights(path: Path) -> LinearModel:
    """Read and validate a weights file; every failure is a RuleError RC209 naming the file.

    Whether each feature fits the recipe is checked once per file content: the check is a pure
    function of the file's bytes and this module, so the cache (see use_store) keeps the key of
    bytes that passed, and a file whose key is there has its other fields validated only."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError("weights file not found", code="RC209", place=str(path),
                        remedy="the path is relative to the rule file; train one with `replycoach train`") from None
    except (OSError, UnicodeDecodeError) as err:
        raise RuleError(f"cannot read weights file: {err}", code="RC209", place=str(path),
                        remedy="save it as UTF-8 JSON") from None
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except json.JSONDecodeError as err:
        raise RuleError(f"weights file is not valid JSON: {err.msg}", code="RC209",
                        place=f"{path}:{err.lineno}",
                        remedy="the file may be truncated: retrain or restore it") from None
    except ValueError as err:
        raise RuleError(f"weights file holds {err}", code="RC209", place=str(path),
                        remedy="every weight must be a finite number: retrain the model") from None
    store = _checked_store
    key = fingerprint("recipe-checked", Path(__file__).read_bytes(), raw) if store else ""
    checked = store is not None and store.load("weights", key) is True
    try:
        spec = WeightsFile.model_validate(data, context={"recipe_checked": checked})
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        remedy = ("use a file written by `replycoach train`" if first["type"] in ("missing", "literal_error")
                  else "fix or remove this entry, or retrain the model")
        raise RuleError(f"{where}: {first['msg']}", code="RC209", place=_line_of(raw, path, first),
                        remedy=remedy) from None
    if store and not checked:
        store.save("weights", key, True)
    return LinearModel(spec, path=path)


def _line_of(raw: str, path: Path, error: Mapping[str, Any]) -> str:
    """`path:line` of the entry an error is about: the first of its location's names, or of the
    names it quotes ("feature 'r.zz:x'"), found as a JSON key or string in the file."""
    names = [str(p) for p in reversed(error["loc"]) if isinstance(p, str)]
    names += re.findall(r"'([^']+)'", str(error.get("msg", "")))
    for name in names:
        at = raw.find(json.dumps(name))
        if at >= 0:
            return f"{path}:{raw.count(chr(10), 0, at) + 1}"
    return str(path)


def _no_constants(name: str) -> float:
    raise ValueError(f"{name}, which is not a number")
