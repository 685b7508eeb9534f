"""The fields every rule file shares, whatever its kind (strict: unknown fields are errors), and
`Rule`, what the loader makes of a rule file and a check is compiled from."""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ..models import Severity

__all__ = ["Condition", "Example", "Examples", "FixExample", "Measured", "Rule", "RuleSpec", "Scope", "count_variants",
           "expand_phrases", "fill_template", "format_template", "stray_alternation"]

Scope = Literal["reply", "opening", "closing", "sentence", "conversation", "first-turn", "last-turn"]
CONVERSATION_SCOPES = ("conversation", "first-turn", "last-turn")


class Strict(BaseModel):
    # allow_inf_nan=False: `.nan` and `.inf` are YAML floats, but no rule means them (`above: .nan` never fires).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ExampleTurn(Strict):
    role: Literal["customer", "agent"]
    text: str


class Example(Strict):
    """One example draft, with the customer message and channel it answers if they matter;
    for conversation-scoped rules, a whole conversation as `turns` instead."""

    draft: str = ""
    customer: str | None = None
    channel: str | None = None
    turns: tuple[ExampleTurn, ...] = ()


class FixExample(Strict):
    """A draft and what it reads like after this rule's own best fixes."""

    draft: str
    result: str
    customer: str | None = None
    channel: str | None = None


class Examples(Strict):
    """Drafts on which the rule must fire (`flag`) and must stay silent (`pass`), and for rules
    that carry fixes, drafts with the text their fixes produce (`fix`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    flag: tuple[Example | str, ...] = Field(min_length=1)
    pass_: tuple[Example | str, ...] = Field(alias="pass", min_length=1)
    fix: tuple[FixExample, ...] = ()


class Condition(Strict):
    """When a rule applies; every field given must hold."""

    channel: tuple[str, ...] | None = None
    customer_present: bool | None = None
    customer_upset: bool | None = None
    mirrors_customer: bool | None = Field(
        default=None, description="The reply repeats a content word of the customer's message.")
    contains: tuple[str, ...] | None = Field(
        default=None, description="The reply contains one of these phrases.")
    customer_contains: tuple[str, ...] | None = Field(
        default=None, description="The customer's message contains one of these phrases (matched on lemmas).")
    policy: str | None = Field(default=None, description="A channel policy flag, e.g. 'thanks'.")


class Measured(Strict):
    """How often this rule agreed with support trainers, as `benchmarks/judgement.py` measured it."""

    data: str
    label: str
    date: str
    flagged: int = Field(ge=0)
    precision: float | None = Field(default=None, ge=0, le=1)
    recall: float = Field(ge=0, le=1)


class RuleSpec(Strict):
    """Fields common to every rule kind."""

    kind: str
    category: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,30}$")
    severity: Severity = Severity.warning
    message: str = Field(min_length=3, description="Shown to the agent; may use {match} and kind placeholders.")
    why: str = Field(min_length=3, description="Why it matters to the customer.")
    link: str | None = None
    scope: Scope = "reply"
    when: Condition | None = None
    exceptions: tuple[str, ...] = Field(
        default=(), description="Phrases around a match that make it fine (matched on lemmas).")
    skip_if_customer_used: bool = Field(
        default=False, description="Stay silent on terms the customer used first.")
    source: str | None = Field(default=None, description="Where the entries came from, for credit.")
    weight: float | None = Field(
        default=None, ge=0, description="Score penalty per finding, instead of the severity's weight.")
    measured: Measured | None = Field(
        default=None, description="Measured precision and recall (written by benchmarks/judgement.py).")
    examples: Examples
    # The fields of a kind holding phrase lists the matcher expands (a dict's keys are its phrases),
    # so the loader can bound the expansion per file and per pack before any of it is done.
    phrase_fields: ClassVar[tuple[str, ...]] = ()

    def phrase_lists(self) -> Iterator[tuple[tuple[str, ...], list[str]]]:
        """(location in the file, phrases) for every phrase list this rule registers with the matcher."""
        yield ("exceptions",), list(self.exceptions)
        if self.when:
            yield ("when", "contains"), list(self.when.contains or ())
            yield ("when", "customer_contains"), list(self.when.customer_contains or ())
        for name in self.phrase_fields:
            yield (name,), list(getattr(self, name))

    @field_validator("message")
    @classmethod
    def _balanced_braces(cls, value: str) -> str:
        if value.count("{") != value.count("}"):
            raise ValueError("unbalanced { } in message; placeholders look like {match}")
        return value


_PLACEHOLDER = re.compile(r"\{(\w{1,30})\}")


def fill_template(template: str, values: Mapping[str, object]) -> str | None:
    """Plain `{name}` substitution (it cannot reach attributes, unlike str.format).

    Returns None when a placeholder has no value, so a caller can fall back to the next template.
    """
    missing = False

    def value(m: re.Match[str]) -> str:
        nonlocal missing
        v = values.get(m.group(1))
        if v is None or v == "":
            missing = True
            return m.group()
        return str(v)

    text = _PLACEHOLDER.sub(value, template)
    return None if missing else text


def format_template(*names: str) -> Callable[[str], str]:
    """A validator for a template filled with `str.format_map`: only these bare `{name}` fields.

    It reads the template with `string.Formatter().parse`, the parser `format_map` itself uses, so
    what passes here is exactly what can be filled: no `{x.attr}` or `{x[0]}` (they reach into
    objects), no `!r` or `:spec`, no unknown name (a KeyError at check time).
    """
    allowed = ", ".join(f"{{{n}}}" for n in names)

    def check(template: str) -> str:
        try:
            fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template) if f is not None]
        except ValueError as err:
            raise PydanticCustomError("template", "template {template}: {problem}",
                                      {"template": repr(template), "problem": str(err), "allowed": allowed}) from None
        for field, spec, conv in fields:
            if field not in names or spec or conv:
                shown = "{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
                raise PydanticCustomError("template", "template placeholder {shown} cannot be filled",
                                          {"shown": shown, "allowed": allowed})
        return template

    return check


_ALTERNATION = re.compile(r"\{([^{}]*\|[^{}]*)\}")
MAX_VARIANTS = 1024


def count_variants(phrase: str) -> int:
    """How many phrases `{a|b|}` alternations expand `phrase` to, without expanding it."""
    count = 1
    for i, part in enumerate(_ALTERNATION.split(phrase)):
        if i % 2:
            count *= part.count("|") + 1
    return count


def stray_alternation(phrase: str) -> str | None:
    """What is wrong with a phrase's `{a|b}` alternations, or None: a brace left open or closed
    twice, a nested one, or a "|" outside braces (each would be matched as a literal character,
    so a typo would load and never match)."""
    rest = _ALTERNATION.sub("", phrase)
    if "{" in rest or "}" in rest:
        return "a { without its } (or a nested or empty one); alternations look like {a|b|}"
    if "|" in rest:
        return "a | outside { }; alternations look like {a|b|}"
    return None


def expand_phrases(phrases: tuple[str, ...] | list[str]) -> list[str]:
    """Expand `{a|b|}` alternations: "we {apologize|are sorry}" -> two phrases. Bounded."""
    out: list[str] = []
    for phrase in phrases:
        parts = _ALTERNATION.split(phrase)
        choices = [p.split("|") if i % 2 else [p] for i, p in enumerate(parts)]
        count = count_variants(phrase)
        if count > MAX_VARIANTS:
            raise ValueError(f"{phrase!r} expands to {count} variants; the limit is {MAX_VARIANTS}")
        for combo in itertools.product(*choices):
            # spaces closed up and trimmed: split() breaks where `\s` matches, at a third of
            # re.sub's cost over the 17,000 variants of the shipped packs
            text = " ".join("".join(combo).split())
            if text:
                out.append(text)
    return out


S = TypeVar("S", bound=RuleSpec)


@dataclass(frozen=True)
class Rule(Generic[S]):
    """A validated rule: its id (from its path), its spec and where it came from."""

    id: str
    spec: S
    path: Path
    severity: Severity  # after the team's config re-levels it

    @property
    def category(self) -> str:
        return self.spec.category
