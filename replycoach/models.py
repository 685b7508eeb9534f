"""The output contract: Finding, Strength, Metrics and Report (pydantic, frozen).

The JSON form of `Report` is versioned by `SCHEMA_VERSION`; tools that read it rely on the
field names below. Bump the version on any change that is not purely additive.
"""

from __future__ import annotations

from enum import Enum
from functools import singledispatch
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CATEGORIES",
    "CATEGORY_COLOURS",
    "SCHEMA_VERSION",
    "ConversationReport",
    "Edit",
    "Evidence",
    "Finding",
    "Fix",
    "Metrics",
    "Report",
    "Severity",
    "Signal",
    "Strength",
    "html_view",
]

# 1.1: findings carry `fixes`; 1.2: `evidence` of learned findings, customer p; 1.3: a rewrite's `todos`;
# 1.4: metrics.customer_upset_level
# 1.5: metrics.unchecked_rules
SCHEMA_VERSION = "1.5"  # (each additive)

UpsetLevel = Literal["calm", "upset", "very_upset"]

# The fixed categories, each with the colour every renderer shows it in (all at least 4.5:1 on
# white, WCAG AA, as they are also used for text). Custom packs may add categories beside these;
# they are shown in grey.
CATEGORY_COLOURS: dict[str, str] = {
    "jargon": "#6d28d9", "readability": "#1d4ed8", "canned": "#b45309", "empathy": "#be185d",
    "gratitude": "#047857", "tone": "#b91c1c", "ownership": "#0e7490",
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_COLOURS)


@singledispatch
def html_view(result: object) -> str | None:
    """A result as HTML, for a notebook's `_repr_html_`; None (Jupyter then shows its repr) for a
    type no renderer has registered. The renderers sit above this module and register their
    views here (render_html.py: reports, conversations, rewrites; batch_report.py: batch
    summaries), so the types need not import them; coach.py and batch.py import those
    renderers, so whatever they return can draw itself."""
    return None


class Severity(str, Enum):  # noqa: UP042  (a StrEnum would change str() of a Severity)
    """How much a finding matters; `error` fails the check whatever the score."""

    suggestion = "suggestion"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for suggestion: sorts the most severe first."""
        return ("error", "warning", "suggestion").index(self.value)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fix(_Frozen):
    """A concrete fix: replace `text[start:end]` with `replacement` (an insertion when start == end)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    replacement: str
    slot: bool = Field(False, description="The replacement holds a [slot] the agent must fill in.")


class Evidence(_Frozen):
    """Why a learned rule fired: its probability, the threshold it passed, and the features that
    pushed the probability up most (feature name, contribution to the log-odds), strongest first."""

    probability: float = Field(ge=0, le=1)
    threshold: float = Field(ge=0, le=1)
    features: tuple[tuple[str, float], ...] = ()


class Finding(_Frozen):
    """One thing in the draft that will land badly, with its exact span."""

    rule: str
    category: str
    severity: Severity
    start: int = Field(ge=0, description="Half-open character offset into `Report.text`.")
    end: int = Field(ge=0)
    text: str = Field(description="`Report.text[start:end]`; empty for a missing-line finding.")
    message: str
    why: str = Field(description="Why this matters to the customer.")
    suggestions: tuple[str, ...] = ()
    link: str | None = None
    fixes: tuple[Fix, ...] = Field(default=(), description="Concrete fixes, best first.")
    evidence: Evidence | None = Field(default=None, description="For a learned (`model`) rule: why it fired.")


class Edit(_Frozen):
    """One change a rewrite made, in offsets of the original text, with the reason."""

    start: int
    end: int
    replacement: str
    rule: str
    reason: str


class Strength(_Frozen):
    """Something the draft does well (clear ownership, a concrete next step); raises its category."""

    rule: str
    category: str
    start: int
    end: int
    text: str
    message: str


class Signal(_Frozen):
    """A learned rule's graded reading of the draft: its probability, and the points it took from
    its category (up to the rule's `graded` maximum), whether or not it fired a finding."""

    rule: str
    category: str
    probability: float = Field(ge=0, le=1)
    penalty: float = Field(ge=0)


class Metrics(_Frozen):
    """Measurements of the draft and the customer message it answers."""

    grade: float = Field(description="Flesch-Kincaid grade of the analysed text.")
    grade_target: float
    words: int
    sentences: int
    channel: str
    customer_sentiment: float | None = Field(
        default=None, description="VADER compound score of the customer message, -1..1.")
    customer_upset: bool = False
    customer_upset_p: float | None = Field(
        default=None, description="The customer-state model's probability that the customer is upset.")
    customer_upset_level: UpsetLevel | None = Field(
        default=None, description="calm, upset, or very_upset (upset, and ranting or voicing strong emotion); "
                                  "None without a customer message.")
    customer_cues: tuple[str, ...] = Field(
        default=(), description="When the customer is judged upset: what in their message drove it most.")
    protected_spans: int = 0
    replaced_characters: int = Field(
        default=0, description="Characters no encoding can write (lone surrogates) in the draft and the customer "
                               "message, each replaced by U+FFFD before checking; offsets are unchanged.")
    unchecked_rules: tuple[str, ...] = Field(
        default=(), description="Rules that could not finish on this draft (a pattern past its time limit): "
                                "what they would have found is missing from `findings`.")


class Report(_Frozen):
    """The result of checking one draft."""

    version: str = SCHEMA_VERSION
    score: int = Field(ge=0, le=100)
    passed: bool
    threshold: int
    categories: dict[str, int]
    metrics: Metrics
    findings: tuple[Finding, ...]
    strengths: tuple[Strength, ...] = ()
    signals: tuple[Signal, ...] = Field(default=(), description="Graded learned judgements behind the scores.")
    text: str = Field(description="The text that offsets refer to: the draft, or its cleaned form for HTML.")
    input_format: str = "text"

    def to_json(self, *, indent: int | None = None) -> str:
        """The stable JSON form (see README, 'Output contract')."""
        return self.model_dump_json(indent=indent)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def _repr_html_(self) -> str | None:
        return html_view(self)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of `to_json()` output, for tools that consume it."""
        schema = cls.model_json_schema(mode="serialization")
        schema["$id"] = f"https://replycoach.invalid/schema/report-{SCHEMA_VERSION}.json"
        return schema


class TurnReport(_Frozen):
    """One turn of a conversation: agent turns carry their report (or the error that stopped it)."""

    index: int
    role: str
    author: str | None = None
    report: Report | None = None
    error: dict[str, str | None] | None = None


class ConversationReport(_Frozen):
    """A conversation scored turn by turn, plus conversation-level findings.

    Conversation findings' offsets refer to `text`: the agent turns joined by blank lines.
    The score is the mean of the agent turns' scores less the conversation findings' penalties.
    """

    version: str = SCHEMA_VERSION
    score: int = Field(ge=0, le=100)
    passed: bool
    threshold: int
    turns: tuple[TurnReport, ...]
    findings: tuple[Finding, ...]
    text: str

    def _repr_html_(self) -> str | None:
        return html_view(self)
