"""`pattern`: spaCy token patterns (no REGEX operators: they could hang on long tokens)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, Field

from ..context import Context
from ..models import Finding, Fix, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec, Strict, format_template
from .base import Check, MatcherBank, register_kind

# spaCy unrolls a counted OP ("{3}", "{2,5}", "{4,}") into that many token patterns, so
# OP: "{10000000}" is a MemoryError; the longest shipped pattern is 4 tokens.
MAX_PATTERN_TOKENS = 100
# Each open-ended repeat ("+", "*", "{n,}") or optional position ("?", each extra step of
# "{n,m}") multiplies the partial matches spaCy's Matcher keeps per token: three "+" on
# IS_ALPHA took 8.8 s on 8 KB of words. The shipped packs use at most one "+" and no "?".
MAX_OPEN_REPEATS = 1
MAX_OPTIONAL_TOKENS = 6
_COUNTED_OP = re.compile(r"\{(\d*)(,?)(\d*)\}")


class _Shape(NamedTuple):
    """What a token pattern costs spaCy's Matcher."""

    unrolled: int  # token patterns once counted OPs are unrolled
    open_ended: int  # "+", "*", "{n,}"
    optional: int  # "?", and each optional step of "{n,m}" / "{,m}"


def _shape(pattern: tuple[dict[str, Any], ...]) -> _Shape:
    unrolled = open_ended = optional = 0
    for token in pattern:
        op = str(token.get("OP", ""))
        counted = _COUNTED_OP.fullmatch(op)
        if counted is None:
            unrolled += 1
            open_ended += op in ("+", "*")
            optional += op == "?"
            continue
        low, comma, high = counted.groups()  # {n}: n tokens; {n,m}, {,m}: m; {n,}: n and one "*"
        unrolled += int(high) if high else int(low or 0) + (comma == ",")
        if comma and not high:
            open_ended += 1
        elif comma:
            optional += int(high) - int(low or 0)
    return _Shape(unrolled, open_ended, optional)


def _find_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return any(k.upper() == key or _find_key(v, key) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_find_key(v, key) for v in value)
    return False


class ActiveVoice(Strict):
    """Turn "Your refund has been processed." into "We've processed your refund." when the whole
    sentence has that shape and the participle is one the team itself does."""

    participles: tuple[str, ...] = Field(min_length=1, description="Actions the team does.")
    templates: dict[str, Annotated[str, AfterValidator(format_template("participle", "subject"))]] = Field(
        min_length=1, description="be-form -> template with {participle} and {subject}, e.g. "
                                  "'has been': \"we've {participle} {subject}\"")


class PatternSpec(RuleSpec):
    kind: Literal["pattern"]
    patterns: tuple[tuple[dict[str, Any], ...], ...] = Field(
        min_length=1, description="spaCy Matcher patterns: a list of token patterns.")
    suggestions: tuple[str, ...] = ()
    fix: tuple[str, ...] = Field(default=(), description="Replacement templates, best first; '' removes.")
    active: ActiveVoice | None = Field(None, description="Rewrite safe passives in the active voice.")
    requires: tuple[Literal["tagger", "morphologizer", "parser"], ...] = Field(
        default=(), description="Pipeline components the patterns need (a trained pipeline).")
    credit: bool = False


@register_kind("pattern")
class Pattern(Check[PatternSpec]):
    Spec = PatternSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        if _find_key(self.spec.patterns, "REGEX"):
            raise ValueError("REGEX is not allowed in token patterns (it can hang on long input); "
                             "use IN with a word list, or the `regex` kind, which is time-guarded")
        shapes = [_shape(p) for p in self.spec.patterns]
        longest = max(s.unrolled for s in shapes)
        if longest > MAX_PATTERN_TOKENS:
            raise ValueError(f"a pattern unrolls to {longest} tokens (counted OPs repeat their token); "
                             f"the limit is {MAX_PATTERN_TOKENS}")
        open_ended, optional = max(s.open_ended for s in shapes), max(s.optional for s in shapes)
        if open_ended > MAX_OPEN_REPEATS or optional > MAX_OPTIONAL_TOKENS:
            raise ValueError(f"a pattern has {open_ended} open-ended repeats (OP '+', '*' or '{{n,}}') and "
                             f"{optional} optional tokens ('?', '{{n,m}}'); the limits are {MAX_OPEN_REPEATS} "
                             f"and {MAX_OPTIONAL_TOKENS}, as each multiplies the matcher's work on long drafts: "
                             "split it into several patterns")
        self.active = all(bank.nlp.has_pipe(c) for c in self.spec.requires)
        if self.active:
            bank.add_patterns(self.key, [list(p) for p in self.spec.patterns])

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.active or not self.applies(a, ctx):
            return
        for start, end in self.token_hits(a, ctx):
            if self.spec.credit:
                yield self.strength(a, start, end)
                continue
            first, last = a.starts[start], a.token_end(end - 1)
            fixes = self.replace_fixes(a, ctx, first, last, self.spec.fix)
            if self.spec.active:
                fixes += self._active_voice(a, first, last, self.spec.active)
            yield self.token_finding(a, start, end, suggestions=self.spec.suggestions, fixes=fixes)

    def _active_voice(self, a: Analysis, start: int, end: int, active: ActiveVoice) -> list[Fix]:
        """The whole sentence, rewritten, if it is exactly "Your|The|This <1-3 words> <be-form>
        <participle> [today|now|...]." and the participle is on the rule's list."""
        sentence = next((s for s in a.sentences if s.start <= start and end <= s.end), None)
        if sentence is None:
            return []
        forms = "|".join(re.escape(f) for f in sorted(active.templates, key=len, reverse=True))
        shape = re.compile(
            rf"(?P<subject>(?:your|the|this|that)(?: [a-z-]{{2,20}}){{1,3}}) (?P<be>{forms}) "
            rf"(?P<participle>[a-z]+)(?P<rest> (?:today|now|already|this morning|this afternoon|just now))?"
            rf"(?P<stop>[.!]?)", re.IGNORECASE)
        m = shape.fullmatch(a.text[sentence.start:sentence.end])
        if not m or m.group("participle").lower() not in active.participles:
            return []
        template = active.templates[m.group("be").lower()]
        subject = m.group("subject")
        subject = subject[0].lower() + subject[1:]
        text = template.format_map({"participle": m.group("participle").lower(), "subject": subject})
        text = text[0].upper() + text[1:] + (m.group("rest") or "") + m.group("stop")
        return [Fix(start=sentence.start, end=sentence.end, replacement=text)]
