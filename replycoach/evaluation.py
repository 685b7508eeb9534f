"""How far replycoach agrees with people: labelled replies in, precision, recall, F1 and AUC out.

A labelled file is JSONL, one reply a line, in the shape of the project's labelled replies:
`{"id", "customer", "reply", "channel", "labels": {"customer_upset": 1, "tone": 0, ...,
"verdict": "send"|"coach"|"rewrite"}}`; a label that is null (the judges disagreed) or absent
does not count. Flat lines (`{"reply": ..., "tone": 1}`) are read too, as `replycoach train`
writes and teams' QA exports often are. A file may carry ids and labels only, when the texts'
licence keeps them out of the file: `read_labelled(..., texts=...)` joins them by id.

Two independent judgements of the same replies are merged with `agreed` (a label counts only
where both give it) and compared with `agreement` (F1 of one judgement against the other, the
ceiling a tool can hope to reach).

Each label is predicted from the report as an agent reads it: `customer_upset` from the
customer-state model, every other label from whether its category has a finding of severity
warning or error. Suggestions are hints ("consider ..."), not the tool saying the reply will
land badly, so they do not count as flagging it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from .models import Finding, Report

__all__ = ["LABELS", "Counts", "LabelledReply", "agreed", "agreement", "auc", "best_threshold", "flags", "iter_gold",
           "predict_labels", "read_labelled", "recall_threshold"]

# label -> the report category that answers it (customer_upset is a metric, not a category)
LABELS: dict[str, str | None] = {
    "customer_upset": None, "jargon": "jargon", "hard_to_read": "readability", "canned": "canned",
    "empathy_gap": "empathy", "tone": "tone", "ownership": "ownership",
}
VERDICTS = ("send", "coach", "rewrite")


@dataclass(frozen=True)
class LabelledReply:
    """One reply with the customer message it answers and its agreed labels (None = no label)."""

    id: str
    reply: str
    customer: str | None = None
    channel: str | None = None
    source: str | None = None
    labels: Mapping[str, int | None] = field(default_factory=dict)
    verdict: str | None = None
    notes: tuple[str, ...] = ()


def read_labelled(path: str | Path, *, exclude: Iterable[str] = (),
                  texts: Mapping[str, tuple[str, str | None]] | None = None) -> list[LabelledReply]:
    """Read a labelled JSONL file; ids in `exclude` (a held-out list) are skipped. A line without
    a reply text takes it, and the customer's message, from `texts` (id -> (reply, customer))."""
    path = Path(path)
    skip = frozenset(exclude)
    out: list[LabelledReply] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read labelled file: {err}", code="RC106", place=str(path)) from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if texts is not None and isinstance(row, dict) and "reply" not in row and "text" not in row:
                row = _with_text(row, texts)
            item = _labelled(row, n)
        except (json.JSONDecodeError, TypeError, ValueError) as err:
            raise InputError(f"not a labelled reply: {err}", code="RC110", place=f"{path}:{n}",
                             remedy='each line needs "reply" (or "text") and 0/1 labels') from None
        if item.id not in skip:
            out.append(item)
    return out


def _with_text(row: dict[str, Any], texts: Mapping[str, tuple[str, str | None]]) -> dict[str, Any]:
    found = texts.get(str(row.get("id")))
    if found is None:
        raise ValueError(f"no text for id {row.get('id')!r} in the texts given")
    reply, customer = found
    return {**row, "reply": reply, "customer": customer}


def agreed(first: LabelledReply, second: LabelledReply) -> LabelledReply:
    """Two judgements of one reply as one: each label (and the verdict) where both give the same
    value, None where they differ or one of them gives none; both judgements' notes."""
    names = dict.fromkeys([*first.labels, *second.labels])
    labels = {name: first.labels.get(name) if first.labels.get(name) == second.labels.get(name) else None
              for name in names}
    return replace(first, labels=labels, verdict=first.verdict if first.verdict == second.verdict else None,
                   notes=first.notes + second.notes)


def agreement(first: Sequence[LabelledReply], second: Sequence[LabelledReply]) -> dict[str, float]:
    """Per label, the F1 of one judgement against the other over the replies both judged (and
    for "verdict", the share of replies given the same verdict); a label no judgement marks
    anywhere is left out. Symmetric: F1 does not care which judgement plays the gold."""
    by_id = {item.id: item for item in second}
    pairs = [(a, by_id[a.id]) for a in first if a.id in by_id]
    out: dict[str, float] = {}
    for name in LABELS:
        counts = Counts()
        for a, b in pairs:
            if a.labels.get(name) is not None and b.labels.get(name) is not None:
                counts.add(bool(a.labels[name]), bool(b.labels[name]))
        if counts.tp + counts.fp + counts.fn:  # F1 says nothing where neither judgement has a positive
            out[name] = counts.f1
    verdicts = [(a.verdict, b.verdict) for a, b in pairs if a.verdict and b.verdict]
    if verdicts:
        out["verdict"] = sum(a == b for a, b in verdicts) / len(verdicts)
    return out


def _labelled(row: dict[str, Any], n: int) -> LabelledReply:
    if not isinstance(row, dict):
        raise TypeError("a line must be a JSON object")
    reply = row.get("reply", row.get("text"))
    if not isinstance(reply, str):
        raise ValueError('no "reply" text')
    labels_in = row.get("labels") if isinstance(row.get("labels"), dict) else row
    labels: dict[str, int | None] = {}
    for name, value in labels_in.items():
        if name in ("id", "reply", "text", "customer", "channel", "source", "company", "verdict", "note",
                    "notes", "labels"):
            continue
        if value is None or isinstance(value, bool) or value in (0, 1):
            labels[name] = None if value is None else int(value)
    verdict = labels_in.get("verdict")
    notes = row.get("notes") or ([row["note"]] if row.get("note") else [])
    return LabelledReply(id=str(row.get("id", n)), reply=reply, customer=row.get("customer"),
                         channel=row.get("channel"), source=row.get("source"), labels=labels,
                         verdict=verdict if verdict in VERDICTS else None,
                         notes=tuple(str(x) for x in notes))


def flags(report: Report) -> list[Finding]:
    """The findings that say the reply will land badly: warnings and errors."""
    return [f for f in report.findings if f.severity.value != "suggestion"]


def predict_labels(report: Report) -> dict[str, bool]:
    """What the report says about each label, as an agent would read it."""
    fired = {f.category for f in flags(report)}
    return {name: (report.metrics.customer_upset if category is None else category in fired)
            for name, category in LABELS.items()}


@dataclass
class Counts:
    """A confusion matrix for one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def flagged(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.flagged if self.flagged else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, gold: Sequence[bool], predicted: Sequence[bool]) -> Counts:
        counts = cls()
        for g, p in zip(gold, predicted, strict=True):
            counts.add(bool(g), bool(p))
        return counts


def auc(positive_scores: Sequence[float], negative_scores: Sequence[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half):
    the Mann-Whitney form of the ROC AUC. 0.5 when either side is empty."""
    if not positive_scores or not negative_scores:
        return 0.5
    ranked = sorted([(s, 1) for s in positive_scores] + [(s, 0) for s in negative_scores])
    rank_sum, i = 0.0, 0
    while i < len(ranked):  # average ranks over ties
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += mid * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    n_pos, n_neg = len(positive_scores), len(negative_scores)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def best_threshold(gold: Sequence[bool], probabilities: Sequence[float],
                   score: Callable[[Counts], float] = lambda c: c.f1) -> tuple[float, Counts]:
    """The cut-off on `probabilities` that maximises `score` (F1 by default), and its counts.

    Candidates are midpoints between neighbouring distinct values, so the cut generalises
    instead of sitting on one training example."""
    values = sorted(set(probabilities))
    first = Counts.of(gold, [p >= 0.5 for p in probabilities])
    best = (score(first), 0.5, first)
    for cut in ((a + b) / 2 for a, b in zip(values, values[1:], strict=False)):
        counts = Counts.of(gold, [p >= cut for p in probabilities])
        key = score(counts)
        if key > best[0] or (key == best[0] and abs(cut - 0.5) < abs(best[1] - 0.5)):
            best = (key, cut, counts)
    return best[1], best[2]


def recall_threshold(gold: Sequence[bool], probabilities: Sequence[float], *,
                     recall: float) -> tuple[float, Counts]:
    """The highest cut-off that still catches `recall` of the positives, and its counts. Recall
    only falls as the cut rises, so this cut moves smoothly as rows change, where the best F1
    on a flat curve jumps. Candidates are midpoints between neighbouring distinct values."""
    values = sorted(set(probabilities))
    positives = sum(map(bool, gold))
    below = 0  # positives under the cut between values[i] and values[i + 1]
    cut = values[0] / 2
    positives_at: dict[float, int] = {}
    for g, p in zip(gold, probabilities, strict=True):
        positives_at[p] = positives_at.get(p, 0) + bool(g)
    for low, high in zip(values, values[1:], strict=False):
        below += positives_at[low]
        if positives and (positives - below) / positives < recall:
            break
        cut = (low + high) / 2
    return cut, Counts.of(gold, [p >= cut for p in probabilities])


def iter_gold(items: Sequence[LabelledReply], label: str) -> Iterator[tuple[int, bool]]:
    """(index, gold) for the items that carry an agreed value of `label`."""
    for i, item in enumerate(items):
        value = item.labels.get(label)
        if value is not None:
            yield i, bool(value)
