"""The contract between rule kinds and the engine: Check, the shared MatcherBank, the registry.

A rule kind is one module with a spec model (strict pydantic, the YAML's shape) and a Check
that registers its phrases or token patterns with the bank when compiled, then reads the
bank's hits when run. The bank runs every rule's phrases in one pass over the Doc, so adding
rules costs little at check time.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar

from ..models import Finding, Fix, Strength
from ..rules.schema import _PLACEHOLDER, Rule, RuleSpec, expand_phrases, fill_template

if TYPE_CHECKING:  # spaCy is imported when a bank is built, so that reading rule files does not import it
    from spacy.language import Language
    from spacy.tokens import Doc

    from ..context import Context, PhraseKeys
    from ..pipeline import Analysis

__all__ = ["KINDS", "Check", "MatcherBank", "Phrase", "register_kind"]

S = TypeVar("S", bound=RuleSpec)


# spaCy's Matcher returns every match of an open-ended repeat ("+", "*", "{2,}"): over a run of
# n tokens that fit it, about n*n/2 of them, found along as many partial states (a 10 KB draft in
# capitals gave tone.shouting 1.16 M hits and took 7 s). So the bank bounds each pattern's work:
# - a repeat that ends a pattern (and is its only one) is matched greedily: the pattern with the
#   repeat taken once (or left out, for "*"), then extended over every following token that fits
#   it. One hit per start, the longest, which is the hit checks keep anyway;
# - a pattern with a repeat anywhere else is matched in windows of WINDOW tokens that overlap by
#   half, so every match of up to WINDOW / 2 tokens is found, and no longer ones are looked for.
WINDOW = 64


def _repeat_min(token: dict[str, Any]) -> int | None:
    """How many times an open-ended repeat must match at least ("+" 1, "*" 0, "{2,}" 2), or
    None for a token that is not one."""
    op = str(token.get("OP", "")).replace(" ", "")
    bounds = re.fullmatch(r"\{(\d*),\}", op)
    return {"+": 1, "*": 0}.get(op, int(bounds.group(1) or 0) if bounds else None)


# Token attributes a pattern may test that SetPatterns reads itself: each a property of the word
# (spaCy's Lexeme), so its answers are worked out once per word, not once per token.
_STRING_ATTRS = {"ORTH": "orth", "TEXT": "orth", "LOWER": "lower"}  # compared by the strings' hashes
_VALUE_ATTRS = {"LENGTH": "length", "IS_ALPHA": "is_alpha", "IS_ASCII": "is_ascii", "IS_DIGIT": "is_digit",
                "IS_LOWER": "is_lower", "IS_PUNCT": "is_punct", "IS_SPACE": "is_space", "IS_TITLE": "is_title",
                "IS_UPPER": "is_upper"}
_COMPARE = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt,
            "<": operator.lt}


class SetPatterns:
    """Token patterns of plain tests of a word (equals, IN, NOT_IN, flags, LENGTH compared), matched
    without spaCy's Matcher, which calls a Python predicate per token and partial match and cost
    more than every phrase of every rule together. Each pattern token is a bit; a word's mask says
    which pattern tokens it fits, worked out the first time the word is seen; a Doc is then one
    array read and one dictionary look-up per token, and only tokens that fit a pattern's first
    token start one. Finds what spaCy's Matcher finds (every start and end); a pattern with
    anything else (other attributes, an operator on its first or last token, "!", counted
    repeats) is left to spaCy (`compiles` says which)."""

    def __init__(self, vocab: Any) -> None:
        self._vocab = vocab
        # key, its tokens as (bit, op) with "+" as the token then "*", positions reachable by
        # leaving out optional tokens (see _optional_skips), whether it is matched in windows, its
        # first token's bit and the bits its second token must fit (0: a match may end before it)
        self._patterns: list[tuple[str, tuple[tuple[int, str], ...], list[frozenset[int]], bool, int, int]] = []
        self._tests: list[tuple[tuple[str, str, Any], ...]] = []  # per bit: what the word must pass
        self._firsts = 0  # the bits of the patterns' first tokens
        self._masks: dict[int, int] = {}  # word (ORTH hash) -> the bits it fits

    def __len__(self) -> int:
        return len(self._patterns)

    def compiles(self, pattern: list[dict[str, Any]]) -> bool:
        """Whether this class can match `pattern` (else spaCy's Matcher does)."""
        if not pattern or any(not isinstance(t, dict) for t in pattern):
            return False
        if pattern[0].get("OP", "") != "" or pattern[-1].get("OP", "") != "":
            return False
        return all(t.get("OP", "") in ("", "?", "*", "+") and all(
            k == "OP" or self._test(k, v) is not None for k, v in t.items()) for t in pattern)

    def add(self, key: str, pattern: list[dict[str, Any]], *, windowed: bool) -> None:
        steps: list[tuple[int, str]] = []
        for token in pattern:
            tests = tuple(self._test(k, v) for k, v in token.items() if k != "OP")
            bits = []
            for op in ("", "*") if token.get("OP", "") == "+" else (token.get("OP", ""),):
                bits.append((len(self._tests), op))
                self._tests.append(tests)  # type: ignore[arg-type]
            steps += bits
        skip = _optional_skips([op for _, op in steps])
        # The bits a second token must fit, or 0 where a match may end after the first
        needs = 0 if len(steps) in skip[1] else sum(1 << steps[p][0] for p in set(skip[1]))
        self._firsts |= 1 << steps[0][0]
        self._patterns.append((key, tuple(steps), skip, windowed, 1 << steps[0][0], needs))
        self._masks.clear()

    def _test(self, attr: str, value: Any) -> tuple[str, str, Any] | None:
        """`{attr: value}` as (Lexeme attribute, how, value), or None if it is not a plain test."""
        if attr in _STRING_ATTRS:
            if isinstance(value, str):
                return _STRING_ATTRS[attr], "eq", self._vocab.strings.add(value)
            if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN"):
                how, listed = next(iter(value.items()))
                if isinstance(listed, (list, tuple)) and all(isinstance(v, str) for v in listed):
                    return _STRING_ATTRS[attr], how, frozenset(map(self._vocab.strings.add, listed))
            return None
        if attr not in _VALUE_ATTRS:
            return None
        if attr != "LENGTH":
            return (_VALUE_ATTRS[attr], "eq", value) if isinstance(value, bool) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return "length", "eq", value
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _COMPARE:
            how, bound = next(iter(value.items()))
            return ("length", how, bound) if isinstance(bound, int) and not isinstance(bound, bool) else None
        return None

    def _mask(self, orth: int) -> int:
        """The bits of the pattern tokens the word fits (kept for the next time it is seen)."""
        lexeme = self._vocab[orth]
        mask = 0
        for bit, tests in enumerate(self._tests):
            if all(_passes(len(lexeme.orth_) if attr == "length" else getattr(lexeme, attr), how, arg)
                   for attr, how, arg in tests):
                mask |= 1 << bit
        self._masks[orth] = mask
        return mask

    def __call__(self, doc: Doc) -> Iterator[tuple[str, int, int]]:
        """(key, start, end) of every match, in no particular order; a windowed pattern's only
        where some window holds it."""
        from spacy.attrs import ORTH

        n = len(doc)
        if not n or not self._patterns:
            return
        orths = doc.to_array(ORTH).tolist()
        masks = list(map(self._masks.get, orths))  # most words were seen before
        if None in masks:
            masks = [self._mask(o) if m is None else m for o, m in zip(orths, masks, strict=True)]
        half = WINDOW // 2
        last_window = (max(1, n - half) - 1) // half * half
        nexts = [*masks[1:], 0]  # the next token's bits
        for start in itertools.compress(range(n), map(self._firsts.__and__, masks)):
            mask, after = masks[start], nexts[start]
            for key, steps, skip, windowed, first, needs in self._patterns:
                # A match starts on a token that fits the pattern's first step and, unless it can
                # end there, goes on to a token that fits a step after it (`needs`): a first step
                # that fits most words (any word, then "'s") then costs a test, not a match.
                if not mask & first or (needs and not after & needs):
                    continue
                limit = min(n, min(start // half * half, last_window) + WINDOW) if windowed else n
                size = len(steps)
                states = skip[1]
                at = start + 1
                if size in states:
                    yield key, start, at
                while states and at < limit:
                    here = masks[at]
                    states = frozenset().union(*(skip[p if steps[p][1] == "*" else p + 1] for p in states
                                                 if p < size and here >> steps[p][0] & 1))
                    at += 1
                    if size in states:
                        yield key, start, at


def _passes(value: Any, how: str, arg: Any) -> bool:
    if how == "IN":
        return value in arg  # type: ignore[no-any-return]
    if how == "NOT_IN":
        return value not in arg  # type: ignore[no-any-return]
    if how == "eq":
        return value == arg  # type: ignore[no-any-return]
    return _COMPARE[how](value, arg)  # type: ignore[no-any-return]


def _optional_skips(ops: list[str]) -> list[frozenset[int]]:
    """For each pattern position, the positions reachable from it by leaving out optional tokens
    ("?", "*"), itself included; the position past the last token is the match."""
    skips = [frozenset({len(ops)})]
    for p in range(len(ops) - 1, -1, -1):
        skips.insert(0, frozenset({p}) | skips[0] if ops[p] in ("?", "*") else frozenset({p}))
    return skips


class Phrase(NamedTuple):
    """A phrase variant as the tokenizer splits it: plain data, as the compiled-pack cache keeps it."""

    words: tuple[str, ...]
    spaces: tuple[bool, ...]  # whether a space follows each word
    norms: tuple[str, ...]  # each word's matching key (its lemma key when the phrase is keyed)


class MatcherBank:
    """All rules' phrases and token patterns, matched in one pass per Doc."""

    def __init__(self, nlp: Language, *, phrase_tokens: dict[Any, Any] | None = None) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = nlp
        # The tokens of each call's phrase variants as plain data (Phrase tuples) under (1, phrases)
        # (keyed) or (0, phrases) (exact), for the compiled-pack cache: read instead of expanding
        # the phrases, tokenising each variant and working out its keys. None: no cache, nothing kept.
        # `phrases_added` says whether compiling found phrases it lacked (then it is worth saving).
        self.phrase_tokens: dict[Any, Any] | None = phrase_tokens
        self.phrases_added = False
        self._by_norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self._by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._tokens = Matcher(nlp.vocab, validate=True)  # bounded patterns, over the whole Doc
        self._windowed = Matcher(nlp.vocab, validate=True)  # patterns with an inner repeat
        self._plain = SetPatterns(nlp.vocab)  # patterns of plain tests, either sort
        self._greedy: dict[str, tuple[str, str]] = {}  # internal key -> (rule key, key of its repeat's token)

    def add_phrases(self, key: str, phrases: list[str] | tuple[str, ...], *, exact: bool = False) -> list[Phrase]:
        """Register phrases (with `{a|b}` alternations) under `key`; matched on lemma keys unless
        exact (on lower case). Returns the phrases' tokens, in order, for kinds that need their
        keys too."""
        from spacy.attrs import LOWER

        found = self._phrases(phrases, keyed=not exact)
        add = self.nlp.vocab.strings.add
        lower = self.nlp.vocab.lex_attr_getters.get(LOWER, str.lower)  # what a token's LOWER is made from
        # The matcher takes each phrase as the attribute values it matches on, the values it would
        # read from the phrase's Doc: no Doc (nor vocabulary entry) is made for a cached phrase.
        if exact:
            # a phrase written "it's" also matches the "it’s" phones type: the tokenizer splits both
            # alike ("it" "'s" / "it" "’s"), so the curly variant is the same words, quote swapped
            words = [[lower(w) for w in p.words] for p in found]
            words += [[w.replace("'", "\u2019") for w in ws] for ws in words if any("'" in w for w in ws)]
            self._by_lower.add(key, [[add(w) for w in ws] for ws in words])
        else:
            self._by_norm.add(key, [[add(n) for n in p.norms] for p in found])
        return found

    def _phrases(self, phrases: list[str] | tuple[str, ...], *, keyed: bool) -> list[Phrase]:
        """Each phrase variant's tokens; `keyed`: with its matching keys (NORM) worked out."""
        known = self.phrase_tokens
        call = (int(keyed), tuple(phrases))
        entry = known.get(call) if known is not None else None
        if isinstance(entry, tuple) and all(isinstance(e, tuple) and len(e) == 3 for e in entry):
            return [Phrase(*e) for e in entry]
        found = []
        for text in expand_phrases(list(phrases)):
            doc = self.nlp.make_doc(text)
            if keyed:  # matching keys are all a phrase needs: no sentences
                doc = self.nlp.get_pipe("replycoach_norm")(doc)
            found.append(Phrase(tuple(t.text for t in doc), tuple(bool(t.whitespace_) for t in doc),
                                tuple(t.norm_ for t in doc)))
        if known is not None:
            known[call] = tuple(tuple(p) for p in found)
            self.phrases_added = True
        return found

    def add_patterns(self, key: str, patterns: list[list[dict[str, Any]]]) -> None:
        """Register spaCy token patterns under `key` (validated by spaCy); see WINDOW for how
        open-ended repeats are matched."""
        from spacy.matcher import Matcher

        Matcher(self.nlp.vocab, validate=True).add(key, patterns)  # spaCy's own errors, for the rule as written
        for pattern in patterns:
            repeats = [i for i, token in enumerate(pattern) if _repeat_min(token) is not None]
            if not repeats:
                self._add_tokens(key, pattern, windowed=False)
            elif repeats == [len(pattern) - 1]:
                *head, last = pattern
                repeat = {k: v for k, v in last.items() if k != "OP"}
                internal = f"{key}#greedy{len(self._greedy)}"
                self._greedy[internal] = (key, internal + "+")
                self._add_tokens(internal + "+", [repeat], windowed=False)
                self._add_tokens(internal, [*head, *[repeat] * max(_repeat_min(last) or 0, 0 if head else 1)],
                                 windowed=False)
            else:
                self._add_tokens(key, pattern, windowed=True)

    def _add_tokens(self, key: str, pattern: list[dict[str, Any]], *, windowed: bool) -> None:
        if self._plain.compiles(pattern):
            self._plain.add(key, pattern, windowed=windowed)
        else:
            (self._windowed if windowed else self._tokens).add(key, [pattern])

    def phrase_keys(self, phrases: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Phrases (with alternations) as " key key " strings, to look up in a text's keys
        (`Customer.norm_text`) without a matcher pass over it."""
        return tuple(f" {' '.join(p.norms)} " for p in self._phrases(phrases, keyed=True))

    def run(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        """Token spans per key, sorted, longest first at one start, no exact duplicates."""
        found: dict[int, set[tuple[int, int]]] = {}  # match id -> (start, -end)
        for matcher in (self._by_norm, self._by_lower, self._tokens):
            if len(matcher):
                for match_id, start, end in matcher(doc):
                    found.setdefault(match_id, set()).add((start, -end))
        if len(self._windowed):
            step = WINDOW // 2
            for lo in range(0, max(1, len(doc) - step), step):
                for match_id, start, end in self._windowed(doc[lo:lo + WINDOW]):
                    found.setdefault(match_id, set()).add((lo + start, -(lo + end)))
        strings = self.nlp.vocab.strings
        hits = {strings[match_id]: spans for match_id, spans in found.items()}
        for key, start, end in self._plain(doc):
            hits.setdefault(key, set()).add((start, -end))
        for internal, (key, repeat_key) in self._greedy.items():
            spans = hits.pop(internal, None)
            fits = hits.pop(repeat_key, set())
            if spans:
                run_end = _run_ends(fits)
                hits.setdefault(key, set()).update((s, -run_end.get(-e, -e)) for s, e in spans)
        return {k: [(s, -e) for s, e in sorted(v)] for k, v in hits.items()}


def _run_ends(fits: set[tuple[int, int]]) -> dict[int, int]:
    """Token index -> the end of the run of fitting tokens that starts there ((start, -end) one-token hits)."""
    ends: dict[int, int] = {}
    for start in sorted((s for s, _ in fits), reverse=True):
        ends[start] = ends.get(start + 1, start + 1)
    return ends


class Check(Generic[S]):
    """A compiled rule. Subclasses set `Spec` and implement `run`; those that match phrases or
    patterns also extend `compile` to register them with the bank."""

    Spec: ClassVar[type[RuleSpec]]
    kind: ClassVar[str]
    # Word-level findings (a word or phrase, not the presence or absence of something) are scaled
    # by reply length when scoring and compared by their words when rewriting; presence checks are not.
    word_level: ClassVar[bool] = True

    def __init__(self, rule: Rule[S]) -> None:
        self.rule = rule
        self.spec: S = rule.spec
        self.customer_phrases: PhraseKeys | None = None  # `when: customer_contains`, over key strings
        self._when = rule.spec.when
        self._when_key = rule.id + "#when"  # built once: `applies` runs for every rule on every reply

    @property
    def key(self) -> str:
        return self.rule.id

    def compile(self, bank: MatcherBank) -> None:
        """Register phrases and patterns; raise ValueError with a remedy if the spec cannot work."""
        if self.spec.exceptions:
            bank.add_phrases(self.key + "#except", self.spec.exceptions)
        if self.spec.when and self.spec.when.contains:
            bank.add_phrases(self.key + "#when", self.spec.when.contains)
        if self.spec.when and self.spec.when.customer_contains:
            from ..context import PhraseKeys  # here, as Context is: see the imports above

            self.customer_phrases = PhraseKeys(bank.phrase_keys(self.spec.when.customer_contains))

    def applies(self, a: Analysis, ctx: Context) -> bool:
        return self._when is None or ctx.holds(self._when, a, self._when_key, self.customer_phrases)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        raise NotImplementedError

    # --- helpers shared by kinds ---------------------------------------------------------

    def token_hits(self, a: Analysis, ctx: Context, key: str | None = None) -> list[tuple[int, int]]:
        """Hits for this rule inside its scope, minus protected tokens, exceptions and overlaps."""
        hits = ctx.hits.get(key or self.key, [])
        if not hits:
            return []
        lo, hi = a.rule_range(self.spec.scope)
        exceptions = ctx.hits.get(self.key + "#except", [])
        kept: list[tuple[int, int]] = []
        last_end = -1
        for start, end in hits:
            if start < last_end:
                continue  # overlaps a longer hit already kept
            if a.starts[start] < lo or a.starts[end - 1] >= hi:
                continue
            if any(a.protected[i] not in (None, "number") for i in range(start, end)):
                continue  # numbers stay matchable ("tier 2"); URLs, ids and code do not
            if any(es <= start and end <= ee for es, ee in exceptions):
                continue
            kept.append((start, end))
            last_end = end
        return kept

    def finding(self, a: Analysis, start: int, end: int, *, message: str | None = None,
                suggestions: tuple[str, ...] | list[str] = (), fixes: tuple[Fix, ...] | list[Fix] = (),
                **fields: Any) -> Finding:
        """A finding over character range [start, end) of the draft; message placeholders filled."""
        text = a.text[start:end]
        values = {"match": text, **fields}
        return Finding(
            rule=self.rule.id, category=self.spec.category, severity=self.rule.severity,
            start=start, end=end, text=text,
            message=_fill(message or self.spec.message, values),
            why=_fill(self.spec.why, values), suggestions=tuple(suggestions), link=self.spec.link,
            fixes=tuple(fixes))

    def replace_fixes(self, a: Analysis, ctx: Context, start: int, end: int,
                      templates: tuple[str, ...] | list[str]) -> list[Fix]:
        """Fixes replacing text[start:end] by each template that can be filled, best first.

        Templates may use {match}, {match_lower}, {match_first} and {customer_problem}; one whose
        values are missing is skipped, so a later template is the fallback. An empty template
        removes the words, with the space after them and the capital letter they carried.
        """
        text = a.text[start:end]
        values: dict[str, str | None] = {"match": text, "match_lower": text.lower(), "match_first": text[:1]}
        fixes: list[Fix] = []
        # The customer's problem reads back only as a sentence's end: "We're sorry to hear that."
        # -> "I'm sorry your parcel is late.", never "... for the inconvenience we bring to you".
        ends_sentence = text[-1:] in ".!?," or re.match(r"[ \t]*(?:[.!?,\n]|$)", a.text[end:end + 2]) is not None
        for template in templates:
            if "{customer_problem}" in template and not ends_sentence:
                continue
            if "{customer_problem}" in template and "customer_problem" not in values:
                values["customer_problem"] = ctx.customer.problem if ctx.customer else None
            filled = fill_template(template, values)
            if filled is None:
                continue
            replacement = capital_at_sentence_start(a.text, start, match_case(text, filled))
            fix = removal(a.text, start, end) if filled == "" else Fix(
                start=start, end=end, replacement=replacement, slot=SLOT.search(filled) is not None)
            if fix not in fixes:
                fixes.append(fix)
        return fixes

    def strength(self, a: Analysis, start: int, end: int) -> Strength:
        """What a `credit: true` rule yields for tokens [start, end): a point in the reply's favour."""
        f = self.token_finding(a, start, end)
        return Strength(rule=f.rule, category=f.category, start=f.start, end=f.end, text=f.text, message=f.message)

    def token_finding(self, a: Analysis, start: int, end: int, **kwargs: Any) -> Finding:
        return self.finding(a, a.starts[start], a.token_end(end - 1), **kwargs)

    def missing_finding(self, a: Analysis, **kwargs: Any) -> Finding:
        """A finding for something absent, placed on the scope's first words (opening, reply)
        or last words (closing) so a reader sees where it belongs."""
        body = [s for s in a.sentences if s.words]
        if not body:
            return self.finding(a, 0, 0, **kwargs)
        sentence = body[-1] if self.spec.scope in ("closing", "last-turn") else body[0]
        return self.finding(a, sentence.start, sentence.end, **kwargs)


def _fill(template: str, values: dict[str, Any]) -> str:
    """Fill a message; a placeholder without a value stays as written."""
    parts = _template_parts(template)
    if len(parts) == 1:
        return template
    filled = [parts[0]]
    for name, text in zip(parts[1::2], parts[2::2], strict=True):
        filled += (str(values[name]) if name in values else f"{{{name}}}", text)
    return "".join(filled)


@lru_cache(maxsize=4096)
def _template_parts(template: str) -> tuple[str, ...]:
    """A message split at its placeholders: text, name, text, ..., text. Every finding fills two
    (message and why) from a rule's few: splitting each once costs less than a substitution with a
    Python callback per placeholder per finding."""
    return tuple(_PLACEHOLDER.split(template))


def starts_sentence(text: str, at: int) -> bool:
    """Whether `at` begins a sentence: the text's start, after ". ! ?" and a space, or after a
    line break (spaces between allowed). Looks back over the spaces only."""
    i = at
    while i and text[i - 1].isspace():
        i -= 1
    gap = text[i:at]
    return "\n" in gap or (i == 0 and not gap) or (bool(gap) and i > 0 and text[i - 1] in ".!?")


def capital_at_sentence_start(text: str, start: int, replacement: str) -> str:
    """A replacement for text[start:...] that starts a capitalised sentence starts with a capital
    ("CPU is ..." -> "Processor (CPU) is ...", not "processor (CPU) is ...")."""
    if replacement[:1].islower() and text[start:start + 1].isupper() and starts_sentence(text, start):
        return replacement[0].upper() + replacement[1:]
    return replacement
_NAME_GOES_ON = re.compile(r"[ \t]+[A-Z][a-z]")


def runs_into_a_name(text: str, end: int) -> bool:
    """The words ending at `end` run on into a capitalised word: part of a name the customer sees
    on screen as written ("GPU Performance", "Purchase History"), which a fix must not break."""
    return _NAME_GOES_ON.match(text, end) is not None
SLOT = re.compile(r"\[[a-z][a-z /]{0,30}\]")  # "[day]", "[next step]": for the agent to fill in


def match_case(original: str, replacement: str) -> str:
    """Carry the original's capital letter over: "Prior to" -> "Before". Only a capitalised
    first word counts: "PON light" or "ASAP" start with an acronym, not a capital letter."""
    first = original.split()[0] if original.split() else original
    if first[:1].isupper() and not first.isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    if first[:1].islower() and replacement[:1].isupper() and not replacement.split()[0].isupper() \
            and not replacement.startswith(("I ", "I'")):
        return replacement[:1].lower() + replacement[1:]
    return replacement


def removal(text: str, start: int, end: int) -> Fix:
    """Remove text[start:end] cleanly: one adjoining space goes too, a comma right after goes
    too, and a sentence's capital letter moves to the next word."""
    if text[max(0, start - 2):start] == ", " and text[end:end + 1] == ",":
        return Fix(start=start - 2, end=end + 1, replacement="")  # "We will, basically, fix it" -> "We will fix it"
    after = end
    while after < len(text) and text[after] in ",;:":
        after += 1
    if after < len(text) and text[after] == " ":
        after += 1
    elif start > 0 and text[start - 1] == " ":
        start -= 1
        if start > 0 and text[start - 1] in ",;:" and (after >= len(text) or text[after] in ".!?"):
            start -= 1  # "roaming, obviously." -> "roaming."
    capital = text[start:start + 1].isupper() and after < len(text) and text[after].islower()
    if capital:
        return Fix(start=start, end=after + 1, replacement=text[after].upper())
    return Fix(start=start, end=after, replacement="")


KINDS: dict[str, type[Check[Any]]] = {}


def register_kind(name: str) -> Callable[[type[Check[Any]]], type[Check[Any]]]:
    """Class decorator: `@register_kind("phrases") class Phrases(Check[PhrasesSpec])`."""

    def decorate(cls: type[Check[Any]]) -> type[Check[Any]]:
        if name in KINDS and KINDS[name] is not cls:
            raise ValueError(f"rule kind {name!r} is registered twice")
        cls.kind = name
        KINDS[name] = cls
        return cls

    return decorate
