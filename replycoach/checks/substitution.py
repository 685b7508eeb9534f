"""`substitution`: this term -> a plainer one, or the term kept with a short explanation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis, inflection, lemma_of, norm_of
from ..rules.schema import RuleSpec, Strict, expand_phrases
from .base import Check, MatcherBank, register_kind, runs_into_a_name

# The Penn tags a replacement is inflected to (base forms need no inflecting). lemminflect reads its
# dictionary on first use (0.3 s): only a process that meets an inflected match pays, as with the
# other languages' word lists, rather than every Coach.
_TAGS = ("NNS", "VBD", "VBN", "VBG", "VBZ", "JJR", "JJS", "RBR", "RBS")
# A word right before a past form that makes it a participle ("have used", "was utilised"), or a
# subject pronoun that makes it a past tense ("we utilised"); unless an auxiliary comes just before
# the pronoun ("have we utilised").
_AUXILIARIES = frozenset({"have", "has", "had", "having", "be", "been", "being", "is", "are", "was", "were", "am",
                          "get", "gets", "got", "getting", "gotten"})
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she"})
_HAVE = frozenset({"have", "has", "had", "having"})
# A participle that may be passive ("is obligated", or one the words before do not place) takes a
# phrase only as a verb and its particle ("was looped in" -> "was brought in"), not "have to" ("are
# obligated to" -> "are had to to"); after "have" any verb phrase will do ("has tried to").
_PARTICLES = frozenset({"about", "along", "around", "aside", "away", "back", "down", "forward", "in", "into", "off",
                        "on", "out", "over", "through", "up", "with"})
# Modal verbs have no participle or third person ("are obligated to" is not "are must to"), and
# their past is another word ("can" -> "could").
_MODALS = frozenset({"can", "could", "may", "might", "must", "shall", "should", "will", "would", "ought"})
_LAST_WORDS = re.compile(r"(?:([A-Za-z’']+)[ \t]+)?([A-Za-z’']+)[ \t]+$")


@lru_cache(maxsize=4096)
def readings(word: str, base: str) -> frozenset[str]:
    """The Penn tags `word` can carry as an inflected form of `base`, by lemminflect's dictionary
    ("utilised" of "utilize", by way of its lemma as spelt, "utilise": VBD and VBN; "fees" of "fee":
    NNS and VBZ). There is no tagger, so every reading the spelling allows counts."""
    lemmas = {base, lemma_of(word)} if norm_of(word) == norm_of(base) else {base}
    return frozenset(tag for lemma in lemmas for tag in _TAGS if word in inflection(lemma, tag))


@lru_cache(maxsize=4096)
def inflect(replacement: str, tag: str, *, head_last: bool = True, perfect: bool = False) -> str | None:
    """`replacement` in the form Penn `tag` names: a verb phrase by its first word ("carry out" ->
    "carried out"; as a participle, only a verb and its particle unless `perfect`, after "have"), a
    noun phrase by its last ("extra charge" -> "extra charges"; only where the matched plural ended
    the phrase, `head_last`), an adjective or adverb of one word ("simple" -> "simpler"). None where
    that is not a word lemminflect's dictionary knows: no guessing."""
    words = replacement.split(" ")
    if tag.startswith("VB"):
        if words[0].lower() in _MODALS or (tag == "VBN" and not perfect and len(words) > 1
                                            and words[1] not in _PARTICLES):
            return None
        at = 0
    elif tag.startswith("NN") and head_last:
        at = len(words) - 1
    elif len(words) == 1 and tag[:2] in ("JJ", "RB"):
        at = 0
    else:
        return None
    word = words[at]
    if not word.isalpha() or (len(word) > 1 and word.isupper()):
        return None  # a symbol, number or acronym ("PIN"): not inflected
    forms = inflection(word.lower(), tag)
    if not forms:
        return None
    words[at] = forms[0].capitalize() if word[0].isupper() else forms[0]
    return " ".join(words)


def _narrowed(tags: frozenset[str], before: str) -> tuple[frozenset[str], bool]:
    """A past form read as participle or past tense from the words right before it, where they tell;
    and whether it follows "have" (a perfect, never a passive)."""
    last = _LAST_WORDS.search(before)
    if not last or not tags & {"VBD", "VBN"}:
        return tags, False
    prior, word = (w.lower().replace("’", "'") if w else "" for w in last.groups())
    perfect = word in _HAVE or word.endswith(("'ve", "'d")) or (word in _SUBJECTS and prior in _HAVE)
    if not {"VBD", "VBN"} <= tags:
        return tags, perfect
    if word in _AUXILIARIES or ("'" in word[1:] and not word.endswith("n't")):  # "was", "we've", "it's"
        return tags - {"VBD"}, perfect
    if word in _SUBJECTS:
        return (tags - {"VBN"}, False) if prior not in _AUXILIARIES else (tags - {"VBD"}, perfect)
    return tags, perfect


def inflected(replacement: str, forms: set[str] | frozenset[str], matched: str, before: str = "") -> str | None:
    """`replacement` inflected to the form of the matched words, which are one of `forms` (the
    term's written forms) with one word inflected; `before` is the text just before the match.
    The form must be certain: every reading of the matched word ("-s" is a plural noun or a verb's
    third person; "-ed" a past tense or a participle, unless the words before it tell) must give
    the same replacement, else None and the agent keeps a suggestion."""
    said = _form(matched).split(" ")
    results: set[str | None] = set()
    for form in forms:
        words = form.split(" ")
        if len(words) != len(said):
            continue
        differ = [i for i, (a, b) in enumerate(zip(said, words, strict=True)) if a != b]
        if len(differ) == 1:
            at = differ[0]
            tags, perfect = _narrowed(readings(said[at], words[at]), before)
            results |= {inflect(replacement, tag, head_last=at == len(words) - 1, perfect=perfect) for tag in tags}
    return results.pop() if len(results) == 1 and None not in results else None


def _names_something(text: str, start: int, end: int) -> bool:
    """The matched words are part of a name a customer must find as written: a hyphenated
    compound ("TD-LTE"), a quoted label, or a capitalised run mid-sentence ("Purchase History",
    "Advanced Reinstall"). Swapping a word there breaks the name; explaining it does not."""
    before, after = text[max(0, start - 1):start], text[end:end + 1]
    if before and before in "-/'\"‘“" or after and after in "-/'\"’”":
        return True
    span, lead = text[start:end], text[:start].rstrip()
    mid_sentence = bool(lead) and lead[-1] not in ".!?:\n"
    return span[:1].isupper() and not span.isupper() and (
        mid_sentence or span[-1:].isalpha() and runs_into_a_name(text, end))


def _form(text: str) -> str:
    """Text compared for an exact fix: case, spacing, curly apostrophes and spaced slashes folded."""
    return " ".join(text.lower().replace("’", "'").replace(" / ", "/").split())


class Replacement(Strict):
    use: tuple[str, ...] = Field(default=(), description="Plainer words, best first.")
    explain: str | None = Field(None, description="A short explanation if the term must stay.")
    omit: bool = Field(False, description="The words can simply go.")


class SubstitutionSpec(RuleSpec):
    kind: Literal["substitution"]
    phrase_fields = ("swap",)
    swap: dict[str, str | tuple[str, ...] | Replacement] = Field(
        min_length=1, description="term -> replacement(s), or {use: [...], explain: ...}")
    match: Literal["lemma", "lower"] = "lemma"


@register_kind("substitution")
class Substitution(Check[SubstitutionSpec]):
    Spec = SubstitutionSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        self._entries: dict[tuple[str, ...], tuple[str, Replacement]] = {}
        self._forms: dict[str, set[str]] = {}
        exact = self.spec.match == "lower"
        for term, value in self.spec.swap.items():
            if isinstance(value, str):
                value = Replacement(use=(value,))
            elif isinstance(value, tuple):
                value = Replacement(use=value)
            if not value.use and not value.explain and not value.omit:
                raise ValueError(f"swap entry {term!r} needs `use`, `explain` or `omit`")
            self._forms[term] = {_form(v) for v in expand_phrases([term])}
            for phrase in bank.add_phrases(self.key, [term], exact=exact):
                self._entries[tuple(w.lower() for w in phrase.words) if exact else phrase.norms] = (term, value)

    def _inflected(self, term: str, matched: str, uses: tuple[str, ...], before: str) -> list[str]:
        """Replacements that fit the matched form. Matching is on lemmas, so "escalated" matches
        "escalate": the written form keeps the replacements as they are, an inflected one gets them
        inflected where that is certain (`inflected`); the rest keep their suggestions."""
        usable = [u for u in uses if "..." not in u]
        if _form(matched) in self._forms[term]:
            return usable
        return [r for u in usable if "{" not in u and (r := inflected(u, self._forms[term], matched, before))]

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        exact = self.spec.match == "lower"
        seen: set[str] = set()
        for start, end in self.token_hits(a, ctx):
            words = a.texts[start:end]
            norms = tuple(norm_of(w) for w in words)
            entry = self._entries.get(tuple(w.lower() for w in words) if exact else norms)
            if entry is None:
                continue
            term, value = entry
            if a.text[a.token_end(end - 1):a.token_end(end - 1) + 2].lstrip().startswith("("):
                continue  # already explained: "APN (access point name)"
            if term.lower() in ctx.allow or (self.spec.skip_if_customer_used and ctx.customer
                                            and ctx.customer.used(norms, a.span_text(start, end))):
                continue
            first_use = term not in seen
            seen.add(term)
            matched = a.span_text(start, end)
            first, last = a.starts[start], a.token_end(end - 1)
            uses = () if _names_something(a.text, first, last) else value.use
            fixes = self.replace_fixes(a, ctx, first, last, self._inflected(term, matched, uses,
                                                                             a.text[max(0, first - 40):first]))
            suggestions = [f.replacement for f in fixes if f.replacement] or [
                u for u in value.use if "{" not in u]
            if value.explain and first_use:
                explained = f"{matched} ({value.explain})"
                suggestions.append(explained)
                fixes.append(Fix(start=first, end=last, replacement=explained))
            if value.omit:
                suggestions.append("(leave it out)")
                fixes += self.replace_fixes(a, ctx, first, last, [""])
            shown = suggestions[0] if suggestions else matched
            yield self.token_finding(a, start, end, suggestions=suggestions, fixes=fixes,
                                     replacement=shown, explain=value.explain or "")
