"""`regex`: a regular expression over the text, for shapes tokens cannot see ({{first_name}}, !!!).

Guarded: the pattern's length and compiled size are capped and every search runs under a time
limit, so a careless pattern cannot hang a check or fill memory. The limit is CPU time: the
`regex` module's timeout counts wall-clock time, which a busy machine spends on other processes,
so a search it stops early is resumed while this thread has used less than the limit. A search
that does run out is reported in `Report.metrics.unchecked_rules`, never dropped in silence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from re import _parser
from typing import Literal, TypeVar

import regex
from pydantic import Field

from ..context import Context
from ..models import Finding, Strength
from ..pipeline import Analysis
from ..rules.schema import RuleSpec
from ..signals import Gated
from .base import Check, MatcherBank, register_kind

TIME_LIMIT_S = 0.05  # CPU seconds one rule's search may take on one text
# Wall-clock budgets for the tries a descheduled search gets, each the last one's times four: up
# to 3.2 s of waiting on a machine that gives this process one share in sixty.
_WALL_TRIES = 4
# The regex module unrolls counted repeats while compiling, and nested counts multiply:
# '(?:(?:(?:a{100}){100}){100}){100}' (35 characters) took 23 GB. So the size is bounded on a parse
# tree first, from Python's own parser (re._parser, once sre_parse): linear in the pattern, part of
# the interpreter, plain (op, args) pairs to walk; the regex module offers its parser only through
# private classes. It reads Python's syntax plus the regex-only atoms in _REGEX_ONLY; other
# regex-only syntax is refused. The shipped patterns come to at most 399 atoms.
MAX_REPEAT = 1000  # one counted repeat, {n} or {n,m}
MAX_SIZE = 10_000  # atoms once repeats are unrolled: the product of nested counts, summed
MAX_NESTING = 32  # groups and repeats inside each other
_REPEATS = (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT)
# Kept: an escaped backslash. Each becomes one atom: \p{Lu}, \pL, \X, \m, \M, \G, \K.
_REGEX_ONLY = re.compile(r"(\\\\)|\\[pP](?:\{[^}]*\}|[A-Za-z])|\\[XmMGK]")


def compiled_size(pattern: str) -> int:
    """The pattern's size with its repeats unrolled; ValueError if it exceeds a limit or cannot be read."""
    try:
        tree = _parser.parse(_REGEX_ONLY.sub(lambda m: m.group(1) or "x", pattern))
    except (re.error, RecursionError, OverflowError) as err:
        raise ValueError(f"invalid regular expression, or syntax only the regex module reads "
                         f"(which the size check cannot): {err}") from None
    return _size(tree, 0)


def _size(items: _parser.SubPattern, depth: int) -> int:
    if depth > MAX_NESTING:
        raise ValueError(f"the pattern nests groups and repeats more than {MAX_NESTING} deep")
    total = 0
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            count = low if high == _parser.MAXREPEAT else high
            if count > MAX_REPEAT:
                raise ValueError(f"a repeat count of {count}; the limit is {MAX_REPEAT}")
            total += max(count, 1) * _size(body, depth + 1)
        else:  # groups, branches, lookarounds and conditionals hold sub-patterns; the rest is one atom
            args = av if isinstance(av, (tuple, list)) else (av,)
            subs = [s for a in args for s in (a if isinstance(a, list) else [a]) if isinstance(s, _parser.SubPattern)]
            total += sum(_size(s, depth + 1) for s in subs) if subs else 1
        if total > MAX_SIZE:
            raise ValueError(f"the pattern unrolls to more than {MAX_SIZE:,} atoms (counted repeats "
                             "multiply when nested); use fewer or smaller counts")
    return total


def compile_guarded(pattern: str, flags: int, field: str = "") -> regex.Pattern[str]:
    """`pattern` compiled once its unrolled size is within bounds; a ValueError (prefixed with the
    spec's `field`, when there is more than one) names what is wrong."""
    compiled_size(pattern)
    try:
        return regex.compile(pattern, flags)
    except regex.error as err:
        raise ValueError(f"{field + ': ' if field else ''}invalid regular expression: {err}") from None


T = TypeVar("T")


def within_time_limit(search: Callable[[float], T]) -> T | None:
    """`search(timeout)`'s result, or None when it takes more than TIME_LIMIT_S of this thread's
    CPU. `search` runs the `regex` module's search with a wall-clock timeout; one that the busy
    machine stopped early, before the CPU limit, is tried again with four times the wall budget."""
    began = time.thread_time()
    wall = TIME_LIMIT_S
    for _ in range(_WALL_TRIES):
        try:
            return search(wall)
        except TimeoutError:
            if time.thread_time() - began >= TIME_LIMIT_S:
                return None
            wall *= 4
    return None


# Syntax that Python's parser reads otherwise than the regex module: a POSIX class ("[[:alpha:]]"),
# fuzzy matching ("(?:colour){e<=1}"); Python reads a brace that is not a count as a literal. Looked
# for with every escaped character taken out ("\{" is a brace in both).
_READ_OTHERWISE = re.compile(r"\[:|\{(?!\d*(?:,\d*)?\})")
_ESCAPED = re.compile(r"\\.", re.DOTALL)


def literal_gate(pattern: regex.Pattern[str], source: str, flags: int) -> Gated | None:
    """The strings one of which every match of a rule's pattern holds (signals.needed_strings),
    so that a draft without any is not searched: most patterns need a word most drafts lack.
    The regex module's own atoms are read as what they match (a character, or nothing); None
    for syntax Python's parser would read otherwise."""
    as_python = _REGEX_ONLY.sub(_as_python, source)
    if _READ_OTHERWISE.search(_ESCAPED.sub("", as_python)):
        return None
    return Gated.derived(pattern, as_python, flags)


def _as_python(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1)  # an escaped backslash
    return "" if m.group()[1] in "mMGK" else "."  # a position, or one character (\X: one or more)


class RegexSpec(RuleSpec):
    kind: Literal["regex"]
    pattern: str = Field(min_length=1, max_length=600)
    ignore_case: bool = False
    suggestions: tuple[str, ...] = ()
    fix: tuple[str, ...] = Field(default=(), description="Replacement templates, best first; '' removes.")


@register_kind("regex")
class Regex(Check[RegexSpec]):
    Spec = RegexSpec

    def compile(self, bank: MatcherBank) -> None:
        super().compile(bank)
        self._pattern = compile_guarded(self.spec.pattern, regex.IGNORECASE if self.spec.ignore_case else 0)
        if self._pattern.search("", timeout=TIME_LIMIT_S) is not None:
            raise ValueError("the pattern matches empty text; it would fire everywhere")
        self._gate = literal_gate(self._pattern, self.spec.pattern, re.IGNORECASE if self.spec.ignore_case else 0)

    def run(self, a: Analysis, ctx: Context) -> Iterator[Finding | Strength]:
        if not self.applies(a, ctx):
            return
        lo, hi = a.scope_range("reply" if self.spec.scope == "sentence" else self.spec.scope)
        spans = self._spans(a.clean.straight, lo, hi)
        if spans is None:  # a pathological input for this pattern: skip the rule rather than hang
            ctx.unchecked.append(self.rule.id)
            return
        for start, end in spans:
            if end > start and not a.clean.is_protected(start, end):
                yield self.finding(a, start, end, suggestions=self.spec.suggestions,
                                   fixes=self.replace_fixes(a, ctx, start, end, self.spec.fix))

    def _spans(self, text: str, lo: int, hi: int) -> list[tuple[int, int]] | None:
        """Every match's span, or None when the search takes more than TIME_LIMIT_S of CPU."""
        if self._gate is not None and not self._gate.may_match(text):
            return []
        return within_time_limit(lambda wall: [m.span() for m in self._pattern.finditer(text, lo, hi, timeout=wall)])
