"""Precision, recall and F1 of replycoach's rules on labelled development sets.

Tasks (the positive class in brackets):
  empathy>=1  [empathy present] EPITOME emotional-reactions, level >= 1. Predicted present iff
              `empathy.acknowledge` does NOT fire on check(response, customer=seeker_post), with
              Config(customer_model="sentiment", upset_sentiment=1.0): every seeker counts as upset.
  empathy==2  [strong empathy] the same predictions, positive = level == 2.
  gratitude   [thanks present] RSiCS customer requests, positive = Gratitude flag. Predicted
              present iff `gratitude.thanks` does NOT fire on check(text, channel="email").
  tone        [impolite] Stanford Politeness (wikipedia + stack-exchange): bottom quartile of
              Normalized Score per file = impolite, top quartile = polite, middle dropped.
              Predicted impolite iff any finding of category "tone" fires.

A text replycoach refuses (ReplycoachError, e.g. RC105 not English) is "no prediction": left out
of the scores and counted by code. Any other exception is a crash: also left out, and reported
with its input and traceback.

    .venv/bin/python benchmarks/accuracy.py [--tasks empathy,gratitude,tone] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from common import add_rules_arg, make_coach, table
from corpus import (
    DataMissing,
    epitome_pairs,
    exit_missing,
    politeness_requests,
    rsics_requests,
)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    customer: str | None
    channel: str | None
    labels: dict[str, bool]  # label name -> gold


@dataclass
class Outcome:
    """What replycoach made of one item: the rules and categories fired, or why it could not."""

    item: Item
    rules: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    findings: tuple[tuple[str, str, str], ...] = ()  # (rule, category, matched text)
    error: str | None = None  # ReplycoachError code
    crash: str | None = None  # traceback of any other exception


@dataclass(frozen=True)
class Task:
    name: str
    dataset: str
    label: str
    positive: str  # what the positive class means
    predict: Callable[[Outcome], bool]  # True = positive predicted
    show: Callable[[tuple[str, str, str]], bool]  # which findings to print with examples


@dataclass
class Score:
    task: str
    positive: str
    items: int
    scored: int
    positives: int
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    no_prediction: dict[str, int] = field(default_factory=dict)
    crashed: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.scored if self.scored else 0.0

    @property
    def f1_all_positive(self) -> float:
        """F1 of the trivial rule "always positive": the floor a detector must beat."""
        rate = self.positives / self.scored if self.scored else 0.0
        return 2 * rate / (1 + rate) if rate else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall,
                "f1": self.f1, "accuracy": self.accuracy, "f1_all_positive": self.f1_all_positive}


# --- the labelled sets -----------------------------------------------------------------------

def empathy_items() -> list[Item]:
    return [Item(p.id, p.response, p.seeker, None,
                 {"level>=1": p.level >= 1, "level==2": p.level == 2}) for p in epitome_pairs()]


def gratitude_items() -> list[Item]:
    return [Item(g.id, g.text, None, "email", {"gratitude": g.gratitude})
            for g in rsics_requests()]


def tone_items() -> list[Item]:
    return [Item(p.id, p.text, None, None, {"impolite": p.impolite})
            for p in politeness_requests()]


# dataset -> (loader, Config overrides)
DATASETS: dict[str, tuple[Callable[[], list[Item]], dict[str, Any]]] = {
    "epitome": (empathy_items, {"customer_model": "sentiment", "upset_sentiment": 1.0}),
    "rsics": (gratitude_items, {}),
    "politeness": (tone_items, {}),
}


def _rule_quiet(rule: str) -> Callable[[Outcome], bool]:
    return lambda o: rule not in o.rules


def _category_fires(category: str) -> Callable[[Outcome], bool]:
    return lambda o: category in o.categories


TASKS: tuple[Task, ...] = (
    Task("empathy>=1", "epitome", "level>=1", "empathy present (level >= 1)",
         _rule_quiet("empathy.acknowledge"), lambda f: f[1] == "empathy"),
    Task("empathy==2", "epitome", "level==2", "strong empathy (level == 2)",
         _rule_quiet("empathy.acknowledge"), lambda f: f[1] == "empathy"),
    Task("gratitude", "rsics", "gratitude", "thanks present",
         _rule_quiet("gratitude.thanks"), lambda f: f[1] == "gratitude"),
    Task("tone", "politeness", "impolite", "impolite (bottom quartile)",
         _category_fires("tone"), lambda f: f[1] == "tone"),
)
TASK_GROUPS = {"empathy": "epitome", "gratitude": "rsics", "tone": "politeness"}


# --- running ---------------------------------------------------------------------------------

def run_item(coach: Any, item: Item) -> Outcome:
    from replycoach import ReplycoachError

    try:
        report = coach.check(item.text, customer=item.customer, channel=item.channel)
    except ReplycoachError as err:
        return Outcome(item, error=err.code)
    except Exception:  # a library bug: report it, keep going
        return Outcome(item, crash=traceback.format_exc())
    return Outcome(item, rules=frozenset(f.rule for f in report.findings),
                   categories=frozenset(f.category for f in report.findings),
                   findings=tuple((f.rule, f.category, f.text) for f in report.findings))


def run_dataset(name: str, limit: int, seed: int, rules: Path | None) -> list[Outcome]:
    loader, overrides = DATASETS[name]
    items = loader()
    if limit and limit < len(items):
        items = random.Random(seed).sample(items, limit)
    coach = make_coach(rules, **overrides)
    return [run_item(coach, item) for item in items]


def timed_dataset(name: str, limit: int, seed: int,
                  rules: Path | None) -> tuple[list[Outcome], float]:
    t0 = time.perf_counter()
    return run_dataset(name, limit, seed, rules), time.perf_counter() - t0


def run_all(names: list[str], args: argparse.Namespace
            ) -> tuple[dict[str, list[Outcome]], dict[str, float]]:
    """Check each data set in its own fresh worker process, --jobs at a time, with its own
    Coach: data sets do not share caches, and two cores check two sets at once."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx,
                             max_tasks_per_child=1) as pool:
        futures = {n: pool.submit(timed_dataset, n, args.limit, args.seed, args.rules)
                   for n in names}
        done: dict[str, tuple[list[Outcome], float]] = {}
        missing: list[DataMissing] = []
        for name, future in futures.items():
            try:
                done[name] = future.result()
            except DataMissing as err:  # skip this data set, score the others
                print(f"skipped {name}: {err}", file=sys.stderr)
                missing.append(err)
    if not done and missing:
        exit_missing(missing[0])
    return {n: d[0] for n, d in done.items()}, {n: d[1] for n, d in done.items()}


def score(task: Task, outcomes: Sequence[Outcome]) -> tuple[Score, list[Outcome], list[Outcome]]:
    """The task's confusion counts, and its false positives and false negatives."""
    scored = [o for o in outcomes if o.error is None and o.crash is None]
    s = Score(task.name, task.positive, items=len(outcomes), scored=len(scored),
              positives=sum(o.item.labels[task.label] for o in scored),
              no_prediction=dict(Counter(o.error for o in outcomes if o.error)),
              crashed=sum(o.crash is not None for o in outcomes))
    fps: list[Outcome] = []
    fns: list[Outcome] = []
    for o in scored:
        gold, pred = o.item.labels[task.label], task.predict(o)
        if gold and pred:
            s.tp += 1
        elif pred:
            s.fp += 1
            fps.append(o)
        elif gold:
            s.fn += 1
            fns.append(o)
        else:
            s.tn += 1
    return s, fps, fns


# --- output ----------------------------------------------------------------------------------

def clip(text: str | None, width: int) -> str:
    """One line of at most `width` characters: the head and the tail, where thanks and
    sign-offs sit, around an ellipsis."""
    flat = " ".join((text or "").split())
    if len(flat) <= width:
        return flat
    head = (width - 3) * 2 // 3
    return f"{flat[:head]} … {flat[len(flat) - (width - 3 - head):]}"


def example(task: Task, o: Outcome, width: int) -> dict[str, Any]:
    shown = [f"{rule} {text!r}" if text else rule for rule, cat, text in o.findings
             if task.show((rule, cat, text))]
    return {"id": o.item.id, "text": clip(o.item.text, width),
            "customer": clip(o.item.customer, width // 2) if o.item.customer else None,
            "findings": shown}


def pick(outcomes: list[Outcome], k: int, seed: int) -> list[Outcome]:
    return random.Random(seed).sample(outcomes, min(k, len(outcomes)))


def render_examples(name: str, kind: str, examples: list[dict[str, Any]]) -> str:
    lines = [f"  {kind} ({len(examples)} shown)"]
    for ex in examples:
        lines.append(f"    [{ex['id']}] {ex['text']}")
        if ex["customer"]:
            lines.append(f"        customer: {ex['customer']}")
        if ex["findings"]:
            lines.append(f"        fired: {'; '.join(ex['findings'])}")
    return "\n".join(lines)


def render(results: list[dict[str, Any]], crashes: list[dict[str, str]]) -> str:
    rows = [(r["task"], r["positive"], r["scored"], r["positives"], r["precision"], r["recall"],
             r["f1"], r["f1_all_positive"], r["accuracy"], r["tp"], r["fp"], r["fn"], r["tn"],
             ", ".join(f"{k}:{v}" for k, v in sorted(r["no_prediction"].items())) or "0",
             r["crashed"]) for r in results]
    out = [table(["task", "positive class", "scored", "pos", "P", "R", "F1", "F1 all-pos", "acc",
                  "tp", "fp", "fn", "tn", "no prediction", "crashed"], rows),
           "", "F1 all-pos: F1 of predicting the positive class for every text (the floor).", ""]
    for r in results:
        out.append(f"== {r['task']}: {r['positive']}")
        out.append(render_examples(r["task"], "false positives", r["false_positives"]))
        out.append(render_examples(r["task"], "false negatives", r["false_negatives"]))
        out.append("")
    for c in crashes[:5]:
        out.append(f"CRASH on {c['id']}: text={c['text']!r} customer={c['customer']!r}\n"
                   f"{c['traceback']}")
    return "\n".join(out)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", default="empathy,gratitude,tone",
                   help="comma-separated from: empathy, gratitude, tone (default: all)")
    p.add_argument("--limit", type=int, default=0,
                   help="check only N items per data set (a seeded random sample)")
    p.add_argument("--examples", type=int, default=10,
                   help="false positives and false negatives to print per task (default 10)")
    p.add_argument("--width", type=int, default=160, help="truncate example texts to this width")
    p.add_argument("--seed", type=int, default=0, help="seed for --limit and example sampling")
    p.add_argument("--jobs", type=int, default=1,
                   help="data sets to check at once, one process each (default 1)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_rules_arg(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    groups = [g.strip() for g in args.tasks.split(",") if g.strip()]
    if bad := [g for g in groups if g not in TASK_GROUPS]:
        print(f"error: unknown task(s) {bad}; choose from {sorted(TASK_GROUPS)}", file=sys.stderr)
        return 2
    outcomes, seconds = run_all([TASK_GROUPS[g] for g in groups], args)
    results = []
    for task in (t for t in TASKS if t.dataset in outcomes):
        s, fps, fns = score(task, outcomes[task.dataset])
        results.append({**s.as_dict(), "seconds": seconds[task.dataset],
                        "false_positives": [example(task, o, args.width)
                                            for o in pick(fps, args.examples, args.seed)],
                        "false_negatives": [example(task, o, args.width)
                                            for o in pick(fns, args.examples, args.seed)]})
    crashes = [{"id": o.item.id, "text": o.item.text, "customer": o.item.customer or "",
                "traceback": o.crash} for group in outcomes.values() for o in group if o.crash]
    if args.json:
        print(json.dumps({"tasks": results, "crashes": crashes}, indent=2, ensure_ascii=False))
    else:
        print(render(results, crashes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
