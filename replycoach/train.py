"""`replycoach train`: fit a `model` rule's weights on a team's own labelled replies.

Logistic regression with balanced classes (scikit-learn, from the optional `[train]` extra; it
is never needed to check a reply), over the same features `linear.features` computes at check
time, built by the same Coach, so what is trained is what runs. k-fold cross-validation gives
out-of-fold probabilities; the threshold that maximises F1 on them (or, given a target recall,
the highest that keeps it: steadier on a flat F1 curve) is the one shipped, and the
precision, recall and F1 at it are written into the weights file. Deterministic for a seed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ConfigError, ReplycoachError
from .evaluation import Counts, LabelledReply, best_threshold, recall_threshold
from .linear import FORMAT, Reads, Recipe, Trained, WeightsFile, features

if TYPE_CHECKING:
    from .coach import Coach

__all__ = ["TrainResult", "featurize", "train"]

_MIN_WEIGHT = 1e-4  # smaller weights change no decision; leaving them out keeps the file small


@dataclass(frozen=True)
class TrainResult:
    weights: WeightsFile
    cv: Counts  # out-of-fold, at the chosen threshold
    dropped: int  # rows without an agreed value of the label, refused, or (only_upset) to calm customers


def featurize(coach: Coach, items: Sequence[LabelledReply], *, recipe: Recipe, reads: Reads,
              only_upset: bool = False) -> list[dict[str, float] | None]:
    """Each item's feature map as the `model` kind would compute it; None if it cannot be read,
    or with `only_upset`, if the customer-state model does not call the customer upset (for a
    rule that runs `when: {customer_upset: true}`, so it learns from the replies it will judge)."""
    out: list[dict[str, float] | None] = []
    for item in items:
        try:
            reply, customer, fired = coach._model_inputs(  # noqa: SLF001 - the same path a check takes
                item.reply if reads != "customer" else None, customer=item.customer, channel=item.channel,
                with_findings=bool(recipe.rules))
        except ReplycoachError:
            out.append(None)
            continue
        if (reads == "customer" and customer is None) or (only_upset and not (customer and customer.upset)):
            out.append(None)
            continue
        out.append(features(recipe, reads, reply=reply, customer=customer, fired=fired))
    return out


def train(coach: Coach, items: Sequence[LabelledReply], *, label: str, reads: Reads, recipe: Recipe,
          folds: int = 5, seed: int = 0, c: float = 1.0, min_count: int = 2, data: str = "",
          licence: str = "", notes: str | None = None, only_upset: bool = False,
          calibrate_on: Callable[[LabelledReply], bool] | None = None, repeats: int = 1,
          rows: Sequence[dict[str, float] | None] | None = None, recall: float | None = None) -> TrainResult:
    """Fit, cross-validate and pick the threshold; returns the weights file's contents.
    `only_upset`: learn only from replies to customers the customer-state model calls upset.
    `calibrate_on`: choose the threshold (and report the cross-validated figures) on these rows
    only, when some training rows come from another kind of text than the model will judge.
    `repeats`: cross-validate over this many different fold splits (seeds seed, seed+1, ...) and
    choose the threshold on all their out-of-fold probabilities together, so that the shipped
    cut-off does not hang on how one split happened to fall.
    `rows`: the items' feature maps worked out beforehand (one per item, None = left out), for a
    caller that reads some items with another Coach (see `featurize`).
    `recall`: choose the highest cut-off whose cross-validated recall is at least this
    (`recall_threshold`), not the F1-best one, for a model whose F1 curve is flat: there the best
    cut lands anywhere on the flat part and jumps when a few rows change."""
    try:
        import numpy as np
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
    except ImportError:
        raise ConfigError("training needs scikit-learn", code="RC304",
                          remedy='install the extra: pip install "replycoach[train]"') from None

    if rows is None:
        rows = featurize(coach, items, recipe=recipe, reads=reads, only_upset=only_upset)
    elif len(rows) != len(items):
        raise ValueError(f"{len(rows)} feature maps for {len(items)} items")
    kept = [(f, item) for f, item in zip(rows, items, strict=True)
            if f is not None and item.labels.get(label) is not None]
    pairs = [(f, bool(item.labels[label])) for f, item in kept]
    calibrating = [calibrate_on is None or calibrate_on(item) for _, item in kept]
    dropped = len(items) - len(pairs)
    positives = sum(y for _, y in pairs)
    if positives < folds or len(pairs) - positives < folds:
        raise ConfigError(f"label {label!r} has {positives} positive and {len(pairs) - positives} negative "
                          f"examples; {folds}-fold cross-validation needs at least {folds} of each",
                          code="RC312", remedy="label more replies, or lower --folds")
    feats = _prune([f for f, _ in pairs], min_count)
    y = np.array([int(v) for _, v in pairs])
    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform(feats).tocsc()
    names = vectorizer.get_feature_names_out()
    numeric = [j for j, n in enumerate(names) if ".num:" in n or ".lex:" in n]
    mean = np.zeros(len(names))
    scale = np.ones(len(names))
    # Counts and cues standardised, so that one C suits them and the binary n-grams; the rows stay
    # sparse (liblinear skips zeros either way: the fit is the same, in half the time).
    xs = x.tolil()
    for j in numeric:
        col = x[:, j].toarray().ravel()
        mean[j], scale[j] = col.mean(), col.std() or 1.0
        xs[:, j] = ((col - mean[j]) / scale[j])[:, None]
    xs = xs.tocsr()

    def model() -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000,
                                  random_state=seed)

    gold: list[bool] = []
    oof: list[float] = []
    for split in range(seed, seed + max(1, repeats)):
        held_out = np.zeros(len(y))
        for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=split).split(xs, y):
            held_out[test_idx] = model().fit(xs[train_idx], y[train_idx]).predict_proba(xs[test_idx])[:, 1]
        gold += [bool(v) for v, c in zip(y, calibrating, strict=True) if c]
        oof += [p for p, c in zip(held_out.tolist(), calibrating, strict=True) if c]
    threshold, cv = (best_threshold(gold, oof) if recall is None
                     else recall_threshold(gold, oof, recall=recall))
    fitted = model().fit(xs, y)
    coef = fitted.coef_[0] / scale
    bias = float(fitted.intercept_[0] - float(np.dot(fitted.coef_[0][numeric], mean[numeric] / scale[numeric])))
    weights = {str(n): round(float(w), 5) for n, w in zip(names, coef, strict=True) if abs(w) >= _MIN_WEIGHT}
    centres = {str(names[j]): round(float(mean[j]), 5) for j in numeric if str(names[j]) in weights}
    spec = WeightsFile(
        format=FORMAT, label=label, reads=reads, recipe=recipe, bias=round(bias, 5),
        threshold=round(float(threshold), 4), weights=dict(sorted(weights.items())), centres=centres,
        trained=Trained(data=data, licence=licence, date=datetime.date.today().isoformat(), examples=len(y),
                        positives=int(y.sum()), notes=notes,
                        cv={"folds": folds, "seed": seed, **({"repeats": repeats} if repeats > 1 else {}),
                            **({"target_recall": recall} if recall is not None else {}), "C": c,
                            "precision": round(cv.precision, 3), "recall": round(cv.recall, 3),
                            "f1": round(cv.f1, 3)}))
    return TrainResult(weights=spec, cv=cv, dropped=dropped)


def _prune(rows: list[dict[str, float]], min_count: int) -> list[dict[str, float]]:
    """Drop n-grams seen in fewer than `min_count` rows: they cannot generalise."""
    seen: dict[str, int] = {}
    for row in rows:
        for name in row:
            seen[name] = seen.get(name, 0) + 1
    return [{n: v for n, v in row.items() if ".ng:" not in n or seen[n] >= min_count} for row in rows]
