"""Rewrite quality and cost.

1. plainlanguage.gov before/after pairs: mean reading grade of the original, of our rewrite and
   of the human "after"; how often our rewrite moves toward the human one (character similarity
   to the human version goes up).
2. Real agent replies (twcs-head, ibm-twitter-customer-care): share of replies the rewrite
   improves, mean score gain, mean grade drop, and protected-span changes (must be zero).
3. Faults a trainer strikes out, on the labelled dev replies (labelled-replies/dev.jsonl, held-out
   ids never read): over the replies the rewrite changes, the share with an empathy line for a
   customer both judgements call calm, a line before the greeting, entities changed, a line inside
   a thread's continuation, a new a/an or doubled-word error; the mean score change. Detected here
   with the benchmark's own patterns, not the guard's. `--pairs FILE` writes the changed pairs in
   random order for a blind comparison.
4. Cost: time of `rewrite` over the corpus against `check` over the same corpus, in one process.

    python benchmarks/rewrite.py [--limit N] [--json] [--only dev] [--pairs FILE]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import random
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import make_coach, pin_one_core, table
from corpus import DataMissing, agent_replies, data_dir, exit_missing

from replycoach import Coach, ReplycoachError
from replycoach.evaluation import read_labelled
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


# The benchmark's own fault patterns, independent of the guard's.
_EMPATHY = re.compile(r"\b(?:sorry|apologi|frustrat|understand how|can see why|must be)", re.IGNORECASE)
_GREETING = re.compile(r"^\s*(?:@\w+\s+)*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b"
                       r"[^.!?,\n]{0,30}[.!?,]", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_COUNTER = re.compile(r"(?<![\w/])\(?(\d)/(\d)\)?(?![\w/])")
_WRONG_ARTICLE = re.compile(r"\b(?:a (?=[aeio])|an (?=[bcdfgjklmnpqrstvwxyz]))\w+", re.IGNORECASE)
_DOUBLED = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)


def _added_lines(before: str, edits: list[Any]) -> list[tuple[int, str]]:
    """(offset in the original, text) of each edit that adds a sentence of three or more words."""
    return [(e.start, e.replacement) for e in edits
            if len(re.findall(r"[A-Za-z]+", e.replacement)) - len(re.findall(r"[A-Za-z]+", before[e.start:e.end])) >= 3]


def reply_faults(before: str, after: str, edits: list[Any], calm: bool) -> set[str]:
    """The faults a trainer strikes out that this rewrite has."""
    faults = set()
    lines = _added_lines(before, edits)
    if calm and any(_EMPATHY.search(text) for _, text in lines):
        faults.add("empathy line for a calm customer")
    greeting = _GREETING.match(before)
    if greeting and any(at < greeting.end() for at, _ in lines):
        faults.add("line before the greeting")
    if Counter(_ENTITY.findall(before)) != Counter(_ENTITY.findall(after)):
        faults.add("entities changed")
    counters = [(int(a), int(b)) for a, b in _COUNTER.findall(before) if 0 < int(a) <= int(b)]
    first_words = len(before) - len(before.lstrip()) + 40
    if any(n > 1 for n, _ in counters) and any(at < first_words for at, _ in lines) or \
            any(n < m for n, m in counters) and any(at > len(before.rstrip()) - 40 for at, _ in lines):
        faults.add("line inside a continuation")
    if len(_WRONG_ARTICLE.findall(after)) > len(_WRONG_ARTICLE.findall(before)):
        faults.add("a/an error")
    if len(_DOUBLED.findall(after)) > len(_DOUBLED.findall(before)):
        faults.add("doubled word")
    return faults


def labelled(coach: Coach, limit: int | None, pairs: Path | None) -> dict[str, Any]:
    path = data_dir() / "labelled-replies" / "dev.jsonl"
    if not path.is_file():
        raise DataMissing(str(path))
    reserved = path.parent / "reserved.txt"
    items = read_labelled(path, exclude=reserved.read_text().split() if reserved.is_file() else ())[:limit]
    faults: Counter[str] = Counter()
    changes: list[int] = []
    changed: list[dict[str, Any]] = []
    with_todos = 0
    for item in items:
        try:
            result = coach.rewrite(item.reply, customer=item.customer, channel=item.channel)
        except ReplycoachError:
            continue
        if result.text == item.reply:
            continue
        changes.append(result.after.score - result.before.score)
        with_todos += bool(getattr(result, "todos", ()))  # older versions have none
        found = reply_faults(item.reply, result.text, list(result.edits), calm=item.labels.get("customer_upset") == 0)
        faults.update(found)
        changed.append({"id": item.id, "customer": item.customer, "original": item.reply, "rewrite": result.text,
                        "faults": sorted(found)})
    n = len(changed)
    if pairs:
        shuffle = random.Random(20261201)
        with pairs.open("w", encoding="utf-8") as out:
            for row in changed:
                swap = shuffle.random() < 0.5
                a, b = (row["rewrite"], row["original"]) if swap else (row["original"], row["rewrite"])
                out.write(json.dumps({"id": row["id"], "customer": row["customer"], "A": a, "B": b,
                                      "rewrite_is": "A" if swap else "B"}) + "\n")
    names = ("empathy line for a calm customer", "line before the greeting", "entities changed",
             "line inside a continuation", "a/an error", "doubled word")
    return {"replies": len(items), "changed": n, "changed_with_todos": with_todos,
            **{f"share: {k}": round(faults[k] / n, 3) if n else 0.0 for k in names},
            "mean_score_change": round(statistics.fmean(changes), 2) if changes else 0.0}


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
    parser.add_argument("--only", choices=("plain", "replies", "dev", "cost"), help="run one section")
    parser.add_argument("--pairs", type=Path, help="write the dev replies' changed pairs here, blind")
    args = parser.parse_args()
    pin_one_core(None)
    coach = make_coach(None)
    sections = {"plain_language": lambda: plain_language(args.limit), "replies": lambda: replies(coach, args.limit),
                "labelled_dev": lambda: labelled(coach, args.limit, args.pairs),
                "cost": lambda: cost(coach, args.limit)}
    chosen = {"plain": "plain_language", "dev": "labelled_dev"}.get(args.only or "", args.only)
    try:
        result = {k: run() for k, run in sections.items() if chosen in (None, k)}
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
