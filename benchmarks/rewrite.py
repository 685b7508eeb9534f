"""Rewrite quality and cost.

1. plainlanguage.gov before/after pairs: mean reading grade of the original, of our rewrite and
   of the human "after"; how often our rewrite moves toward the human one (character similarity
   to the human version goes up).
2. Real agent replies (twcs-head, ibm-twitter-customer-care): share of replies the rewrite
   improves, mean score gain, mean grade drop, and protected-span changes (must be zero).
3. Cost: time of `rewrite` over the corpus against `check` over the same corpus, in one process.

    python benchmarks/rewrite.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import statistics
import time
from collections import Counter
from typing import Any

from common import make_coach, pin_one_core, table
from corpus import DataMissing, agent_replies, data_dir, exit_missing

from replycoach import Coach, ReplycoachError
from replycoach.pipeline import analyse, build_nlp
from replycoach.text import clean


def plain_language_pairs() -> list[tuple[str, str]]:
    path = data_dir() / "plainlanguage-gov" / "before-after-pairs.csv"
    if not path.is_file():
        raise DataMissing(str(path))
    with path.open(encoding="utf-8") as f:
        return [(r["before"], r["after"]) for r in csv.DictReader(f) if r["before"].strip() and r["after"].strip()]


def grade_of(nlp: Any, text: str) -> float:
    return analyse(nlp, clean(text, input_format="text", max_chars=1_000_000)).grade


def plain_language(limit: int | None) -> dict[str, Any]:
    """The pairs are government prose, not replies to a customer: the thank-you and empathy lines a
    reply would get are switched off, so this measures the plain-language rewrites alone."""
    coach = make_coach(None, disable=("gratitude", "empathy", "conversation"))
    nlp = build_nlp()
    grades: dict[str, list[float]] = {"original": [], "rewrite": [], "human": []}
    toward = changed = skipped = 0
    for before, after in plain_language_pairs()[:limit]:
        try:
            result = coach.rewrite(before, input_format="text")
        except ReplycoachError:
            skipped += 1
            continue
        grades["original"].append(grade_of(nlp, before))
        grades["rewrite"].append(grade_of(nlp, result.text))
        grades["human"].append(grade_of(nlp, after))
        if result.text != before:
            changed += 1
            old = difflib.SequenceMatcher(None, before, after, autojunk=False).ratio()
            new = difflib.SequenceMatcher(None, result.text, after, autojunk=False).ratio()
            toward += new > old
    pairs = len(grades["original"])
    return {"pairs": pairs, "skipped": skipped, "changed": changed, "toward_human": toward,
            **{f"mean_grade_{k}": round(statistics.fmean(v), 2) for k, v in grades.items() if v}}


def replies(coach: Coach, limit: int | None) -> dict[str, Any]:
    items = agent_replies()[:limit]
    improved = unchanged = errors = protected_changes = 0
    gains: list[int] = []
    grade_drops: list[float] = []
    rules: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for r in items:
        try:
            result = coach.rewrite(r.text, customer=r.customer)
        except ReplycoachError:
            errors += 1
            continue
        if not result.edits:
            unchanged += 1
            continue
        cleaned = clean(result.before.text, input_format="text")
        for span in (*cleaned.protected, *cleaned.excluded):
            protected_changes += any(e.start < span.end and span.start < e.end for e in result.edits)
        improved += result.after.score > result.before.score
        gains.append(result.after.score - result.before.score)
        grade_drops.append(result.before.metrics.grade - result.after.metrics.grade)
        rules.update(rule for e in result.edits for rule in e.rule.split(" + "))
        rejected.update(reason.split(":")[0] for reason in result.rejected)
    checked = len(items) - errors
    return {"replies": len(items), "checked": checked, "rewritten": len(gains), "improved": improved,
            "improved_share": round(improved / checked, 3) if checked else 0.0,
            "mean_score_gain_rewritten": round(statistics.fmean(gains), 2) if gains else 0.0,
            "mean_score_gain_all": round(sum(gains) / checked, 2) if checked else 0.0,
            "mean_grade_drop_rewritten": round(statistics.fmean(grade_drops), 2) if grade_drops else 0.0,
            "protected_span_changes": protected_changes, "errors": errors,
            "edits_by_rule": dict(rules.most_common(12)), "rejected_by_rule": dict(rejected.most_common(8))}


def cost(coach: Coach, limit: int | None) -> dict[str, Any]:
    items = agent_replies()[:limit]

    def run(method: Any) -> float:
        start = time.perf_counter()
        for r in items:
            try:
                method(r.text, customer=r.customer)
            except ReplycoachError:
                pass
        return time.perf_counter() - start

    run(coach.check)  # warm the word caches for both
    check_s = statistics.median(run(coach.check) for _ in range(3))
    rewrite_s = statistics.median(run(coach.rewrite) for _ in range(3))
    return {"replies": len(items), "check_s": round(check_s, 3), "rewrite_s": round(rewrite_s, 3),
            "rewrite_over_check": round(rewrite_s / check_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use the first N items of each corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pin_one_core(None)
    coach = make_coach(None)
    try:
        result = {"plain_language": plain_language(args.limit), "replies": replies(coach, args.limit),
                  "cost": cost(coach, args.limit)}
    except DataMissing as err:
        exit_missing(err)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for section, values in result.items():
        print(f"== {section}")
        print(table(["measure", "value"], [(k, json.dumps(v) if isinstance(v, dict) else v)
                                           for k, v in values.items()]))
        print()


if __name__ == "__main__":
    main()
