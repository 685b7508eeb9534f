"""`substitution`: this term -> a plainer one, or the term kept with a short explanation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis, norm_of
from ..rules.schema import RuleSpec, Strict, expand_phrases
from .base import Check, MatcherBank, register_kind, runs_into_a_name

_IRREGULAR = {"have": "has", "do": "does", "be": "is", "go": "goes"}


def plural(word: str) -> str:
    """A noun's plural or a verb's third person: "fee" -> "fees", "try" -> "tries", "fix" -> "fixes"."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


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

    def _inflected(self, term: str, matched: str, uses: tuple[str, ...]) -> list[str]:
        """Replacements that fit the matched form. Matching is on lemmas, so "escalated" matches
        "escalate"; without a tagger the replacement cannot be inflected reliably, so only the
        written form, or a plain plural, gets a fix (the rest keep their suggestions)."""
        said = _form(matched)
        if said in self._forms[term]:
            return [u for u in uses if "..." not in u]
        if any(said == plural(f) for f in self._forms[term]):
            return [plural(u) for u in uses if "..." not in u and u[-1:].isalpha() and " " not in u]
        return []

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
            fixes = self.replace_fixes(a, ctx, first, last, self._inflected(term, matched, uses))
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
