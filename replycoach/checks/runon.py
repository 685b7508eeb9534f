"""`runon`: a sentence that runs two sentences together: in a long sentence, at a comma where a
full stop belongs ("..., please follow the steps"), at a link the sentence carries on after, or
at a bare conjunction opening a second clause ("... and accurate so it's normal to see ...");
in a sentence of any length, at a comma before a capitalised sentence opener ("..., After 30
days"), at a capitalised opener straight after a word ("... is compiled Check here") or at a
linking adverb that opens the second clause with no stop before it ("... to 18 <link> however,
it is not possible")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis, Sentence
from ..rules.schema import Rule, RuleSpec
from .base import Check, register_kind

# Where one clause ends inside a sentence: the comma under test looks back to the last of these
# (a hyphen only with spaces round it: "post-paid" is one word).
_CLAUSE_MARKS = frozenset({",", ";", ":", "–", "—", "(", ")"})
# A link after one of these is a noun in the sentence ("log in to the <link> website").
_DETERMINERS = frozenset({"the", "a", "an", "our", "your", "this", "that", "their"})
# "to do so you will need ..." is the pro-verb "do so", not a conjunction.
_PRO_VERB = frozenset({"do", "does", "did", "doing", "done"})


class RunOnSpec(RuleSpec):
    kind: Literal["runon"]
    min_words: int = Field(28, ge=1, description="Shorter sentences read fine even when loosely joined.")
    subjects: tuple[str, ...] = Field(min_length=1, description=(
        "Words that open a second main clause after a comma: 'we', 'you', 'please'."))
    openers: tuple[str, ...] = Field(default=(), description=(
        "Words opening a clause that a comma rightly closes ('If it fails, we ...')."))
    min_clause: int = Field(3, ge=1, description="Words the clause before the comma needs.")
    joiners: tuple[str, ...] = Field(default=(), description=(
        "Words that rightly carry a sentence on after a link ('visit <link> and sign in')."))
    capitals: tuple[str, ...] = Field(default=(), description=(
        "Words besides `subjects` that open a sentence ('install', 'after'): capitalised straight "
        "after a comma ('..., Install the driver') they run on at any sentence length."))
    adverbs: tuple[str, ...] = Field(default=(), description=(
        "Linking adverbs that start a new clause ('however', 'therefore'): '<word> however, we ...' "
        "with no stop before the adverb runs on at any sentence length."))
    min_tail: int = Field(0, ge=0, description=(
        "Words a sentence must carry on for after a mid-sentence link: a short closing line after "
        "it ('<link> we are always happy to help!') reads as a new line, not a run-on."))
    conjunctions: tuple[str, ...] = Field(default=(), description=(
        "Conjunctions that open a second main clause and want a comma before them: with none, "
        "in a sentence of min_words or more, '... and accurate so it's normal' runs on."))
    pronouns: tuple[str, ...] = Field(default=(), description=(
        "Subjects that make a conjunction open a main clause ('so it', 'so you')."))
    purpose: tuple[str, ...] = Field(default=(), description=(
        "Words that, within two words after the pronoun, make it a purpose clause ('so we can "
        "check', 'so you'll get'), which needs no comma."))
    names_after: tuple[str, ...] = Field(default=(), description=(
        "Words after which a capitalised opener names a button, a menu or a title ('click "
        "Install', 'the Add a Printer wizard'): elsewhere, straight after a word, it starts a "
        "sentence whose full stop is missing ('... is compiled Check here')."))


def _spaced_hyphen(a: Analysis, i: int) -> bool:
    start = a.starts[i]
    return a.texts[i] == "-" and a.text[start - 1:start].isspace() and a.text[start + 1:start + 2].isspace()


@register_kind("runon")
class RunOn(Check[RunOnSpec]):
    Spec = RunOnSpec
    word_level = False

    def __init__(self, rule: Rule[RunOnSpec]) -> None:
        super().__init__(rule)
        self._subjects = frozenset(w.lower() for w in self.spec.subjects)
        self._openers = frozenset(w.lower() for w in self.spec.openers)
        self._joiners = frozenset(w.lower() for w in self.spec.joiners)
        self._adverbs = frozenset(w.lower() for w in self.spec.adverbs)
        self._capitals = (self._subjects | frozenset(w.lower() for w in self.spec.capitals)) - {"i"}
        self._conjunctions = frozenset(w.lower() for w in self.spec.conjunctions)
        self._pronouns = frozenset(w.lower() for w in self.spec.pronouns)
        self._purpose = frozenset(w.lower() for w in self.spec.purpose)
        self._names_after = frozenset(w.lower() for w in self.spec.names_after)
        self._titled = frozenset(w.title() for w in self._capitals)  # "Check", as it opens a sentence

    def _clause_before(self, a: Analysis, tokens: list[int], k: int) -> list[str]:
        """The lower-cased words of the clause that ends at `tokens[k]`, last word first."""
        clause: list[str] = []
        for j in range(k - 1, -1, -1):  # back to the clause's start (indices: no copy of a long sentence)
            i = tokens[j]
            if a.protected[i] == "url" or a.texts[i] in _CLAUSE_MARKS or _spaced_hyphen(a, i):
                break
            if a.is_word[i]:
                clause.append(a.texts[i].lower())
        return clause

    def _main_clause_before(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """The clause ending at `tokens[k]` has words enough and no opener began it ("If it fails,"),
        nor one right after "that" ("Keep in mind that after the owner deletes it, we ...")."""
        clause = self._clause_before(a, tokens, k)
        if len(clause) < self.spec.min_clause or clause[-1] in self._openers:
            return False
        return not any(w in self._openers and clause[j + 1] == "that" for j, w in enumerate(clause[:-1]))

    def _comma_splice(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """Token `tokens[k]` is a comma between two main clauses: a subject word follows it, and
        the clause before it has words enough and is not a subordinate one ("If it fails, we")."""
        return (a.texts[tokens[k]] == "," and a.texts[tokens[k + 1]].lower() in self._subjects
                and self._main_clause_before(a, tokens, k))

    def _capital_after_comma(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """Token `tokens[k]` is a comma the writer meant as a full stop: the next word opens a
        sentence with its capital ("..., After 30 days"; never "I" or a name) after a main
        clause of words enough (not "Hi Sam, Please", nor "If it fails, Please", where only the
        capital is wrong)."""
        after = a.texts[tokens[k + 1]]
        if a.texts[tokens[k]] != "," or not (after[:1].isupper() and after[1:].islower()):
            return False
        if after.lower() not in self._capitals or a.protected[tokens[k + 1]] is not None:
            return False
        if a.greeting and a.starts[tokens[k]] < a.greeting[1]:
            return False  # "Dear valued customer of ours, We ..." is a greeting's comma
        return self._main_clause_before(a, tokens, k)

    def _carries_on_after_link(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """A link in mid-sentence that the sentence carries on after ("<link> if you don't"), for
        `min_tail` words or more."""
        after = a.texts[tokens[k + 1]]
        if not (a.protected[tokens[k]] == "url" and a.is_word[tokens[k + 1]]
                and after[:1].islower() and after not in self._joiners
                and not (k and a.texts[tokens[k - 1]].lower() in _DETERMINERS)):
            return False
        tail = sum(1 for i in tokens[k + 1:] if a.is_word[i] and a.protected[i] is None)
        return tail >= self.spec.min_tail

    def _bare_conjunction(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """Token `tokens[k]` is a conjunction opening a second main clause with no comma before
        it: a main clause, then "so it's ..." ("so we can check" is a purpose clause, "If so" and
        "to do so" are no joints)."""
        texts = a.texts
        if k == 0 or k + 1 >= len(tokens) or texts[tokens[k]].lower() not in self._conjunctions:
            return False
        before = texts[tokens[k - 1]].lower()
        if not a.is_word[tokens[k - 1]] or before in _PRO_VERB or texts[tokens[k + 1]].lower() not in self._pronouns:
            return False
        if any(texts[i].lower() in self._purpose for i in tokens[k + 2:k + 4]):
            return False
        return self._main_clause_before(a, tokens, k)

    def _capital_after_word(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """Token `tokens[k + 1]` is a capitalised sentence opener straight after a lower-case word,
        and a lower-case word follows it: the full stop before it is missing ("... is compiled
        Check here"), after a clause of words enough ("Hi there Please" is a greeting missing its
        comma); after `names_after` ("click Install the app") it is a button's name."""
        if k + 2 >= len(tokens):
            return False
        word, opener, after = tokens[k], tokens[k + 1], tokens[k + 2]
        texts = a.texts
        cap = texts[opener]
        return (a.is_word[word] and a.protected[word] is None and texts[word].isalpha() and texts[word].islower()
                and texts[word] not in self._names_after
                and cap[:1].isupper() and cap[1:].islower() and cap.lower() in self._capitals
                and a.protected[opener] is None
                and a.is_word[after] and a.protected[after] is None and texts[after][:1].islower()
                and len(self._clause_before(a, tokens, k + 1)) >= self.spec.min_clause)

    def _unstopped_adverb(self, a: Analysis, tokens: list[int], k: int) -> bool:
        """Token `tokens[k]` is a linking adverb opening a second clause with nothing before it
        to end the first: a word or a link, then "however, we ..." ("We will, however, call"
        and "Thanks. However, we" have their stops)."""
        if k == 0 or k + 2 >= len(tokens) or a.texts[tokens[k]].lower() not in self._adverbs:
            return False
        before, comma, after = tokens[k - 1], tokens[k + 1], tokens[k + 2]
        return (a.texts[comma] == "," and a.texts[after].lower() in self._subjects
                and (a.protected[before] == "url" or (a.is_word[before] and a.protected[before] is None)))

    def _may_run_on_short(self, texts: tuple[str, ...]) -> bool:
        """A short sentence runs on only at a comma or at a capitalised opener after its first
        word: most have neither, and need no closer look."""
        return "," in texts or not self._titled.isdisjoint(texts[1:])

    def _joint(self, a: Analysis, s: Sentence) -> tuple[int, str] | None:
        """Where the sentence runs on, if it does: the first such token and its kind, "comma",
        "capital", "link", "conjunction", "opener" or "adverb"; a sentence shorter than min_words
        can run on only at a capital, an opener or an adverb, which no finished sentence has."""
        tokens = [i for i in range(s.tok_start, s.tok_end) if not a.texts[i].isspace()]
        long_enough = s.words >= self.spec.min_words
        texts = a.texts
        for k in range(len(tokens) - 1):  # every joint is at a comma, before one, or at a link
            if texts[tokens[k]] == ",":
                if self._capital_after_comma(a, tokens, k):
                    return tokens[k], "capital"
                if long_enough and self._comma_splice(a, tokens, k):
                    return tokens[k], "comma"
            elif texts[tokens[k + 1]] == ",":
                if self._unstopped_adverb(a, tokens, k):
                    return tokens[k], "adverb"
            elif texts[tokens[k + 1]] in self._titled and self._capital_after_word(a, tokens, k):
                return tokens[k + 1], "opener"
            elif long_enough and self._carries_on_after_link(a, tokens, k):
                return tokens[k], "link"
            elif (long_enough and texts[tokens[k]].lower() in self._conjunctions
                  and self._bare_conjunction(a, tokens, k)):
                return tokens[k], "conjunction"
        return None

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        for s in a.sentences:
            if s.words < self.spec.min_words and not self._may_run_on_short(a.texts[s.tok_start:s.tok_end]):
                continue
            found = self._joint(a, s)
            if found is None:
                continue
            at, kind = found
            joint = {"comma": "the comma", "capital": "the comma", "link": "the link"}.get(kind, f"'{a.texts[at]}'")
            fixes = (self._full_stop(a, at) if kind in ("comma", "capital")
                     else self._stop_before(a, s, at) if kind == "adverb"
                     else self._stop_at(a, at) if kind == "opener" else [])
            yield self.finding(a, s.start, s.end, words=s.words, joint=joint, fixes=fixes)

    def _stop_before(self, a: Analysis, s: Sentence, adverb: int) -> list[Fix]:
        """'... to 18 however, it is' -> '... to 18. However, it is', unless the first clause is a
        subordinate one ("Since we value it however, we ...") that a full stop would strand."""
        first = next((i for i in range(s.tok_start, adverb) if a.is_word[i] and a.protected[i] is None), None)
        if first is None or a.texts[first].lower() in self._openers:
            return []
        before = max(i for i in range(s.tok_start, adverb) if not a.texts[i].isspace())
        gap = a.token_end(before)  # just after the word or link before the adverb
        word = a.texts[adverb]
        return [Fix(start=gap, end=a.starts[adverb] + len(word), replacement=". " + word[0].upper() + word[1:])]

    @staticmethod
    def _stop_at(a: Analysis, opener: int) -> list[Fix]:
        """'... is compiled Check here' -> '... is compiled. Check here'."""
        before = opener - 1
        while a.texts[before].isspace():
            before -= 1
        return [Fix(start=a.token_end(before), end=a.starts[opener], replacement=". ")]

    @staticmethod
    def _full_stop(a: Analysis, comma: int) -> list[Fix]:
        """', please follow' -> '. Please follow': the comma becomes the full stop it stood for."""
        nxt = a.starts[comma] + 1
        while nxt < len(a.text) and a.text[nxt].isspace():
            nxt += 1
        if nxt >= len(a.text):
            return []
        return [Fix(start=a.starts[comma], end=nxt + 1, replacement=". " + a.text[nxt].upper())]
