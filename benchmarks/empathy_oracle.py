"""Empathy judged apart from the customer-state model: how much of empathy_gap's error is the
customer model's, and what the empathy rules score when the customer's state is known.

The empathy rules run only for customers the customer-state model calls upset, so a calm
customer called upset (or the reverse) is an empathy error that no empathy rule can fix. This
script scores dev.jsonl (or `--labels`) twice through the public API: as shipped, splitting
empathy_gap's false positives and negatives by whether the customer model got the customer
right; and with the judges' agreed customer_upset label fed in as the customer's state (an
"oracle" run: the upset flag and the model probability the learned rule reads are set from the
label; rows the judges did not agree on keep the model's view). The oracle figure measures the
empathy rules alone, whatever the customer model does.

    .venv/bin/python benchmarks/empathy_oracle.py
    .venv/bin/python benchmarks/empathy_oracle.py --source twcs,stc3 --worst 10
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import add_rules_arg, make_coach, table
from corpus import DataMissing, exit_missing
from judgement import error_entry, file_names, labelled_items

from replycoach import ReplycoachError
from replycoach.evaluation import Counts, LabelledReply, flags, predict_labels

LABEL = "empathy_gap"


def with_known_customer(coach: Any, upset: bool | None) -> Callable[[str | None], Any]:
    """The Coach's customer reader, with the customer's state set to `upset` (None: as read)."""
    read = coach._customer  # noqa: SLF001  (the one place a Customer is built)

    def known(text: str | None) -> Any:
        view = read(text)
        if view is None or upset is None:
            return view
        p = 1.0 if upset else 0.0
        side = dataclasses.replace(view.side, upset=upset, upset_p=p)
        return dataclasses.replace(view, upset=upset, upset_p=p, side=side)

    return known


def check(coach: Any, item: LabelledReply, *, oracle: bool) -> Any:
    if oracle:
        gold = item.labels.get("customer_upset")
        coach._customer = with_known_customer(coach, None if gold is None else bool(gold))  # noqa: SLF001
    try:
        return coach.check(item.reply, customer=item.customer, channel=item.channel)
    except ReplycoachError as err:
        return err
    finally:
        coach.__dict__.pop("_customer", None)  # back to the class's reader


def scored(coach: Any, items: list[LabelledReply], *, oracle: bool) -> list[tuple[LabelledReply, Any, bool]]:
    """(item, report, predicted) for every item with an agreed empathy_gap label."""
    out = []
    for item in items:
        if item.labels.get(LABEL) is None:
            continue
        report = check(coach, item, oracle=oracle)
        if not isinstance(report, ReplycoachError):
            out.append((item, report, predict_labels(report)[LABEL]))
    return out


def counts(rows: list[tuple[LabelledReply, Any, bool]]) -> Counts:
    c = Counts()
    for item, _, predicted in rows:
        c.add(bool(item.labels[LABEL]), predicted)
    return c


def customer_wrong(item: LabelledReply, report: Any) -> bool | None:
    gold = item.labels.get("customer_upset")
    return None if gold is None else bool(gold) != report.metrics.customer_upset


def split_rows(rows: list[tuple[LabelledReply, Any, bool]]) -> list[list[Any]]:
    """False positives and negatives by whether the customer model read the customer right."""
    tally: dict[tuple[str, str], int] = {}
    for item, report, predicted in rows:
        gold = bool(item.labels[LABEL])
        if gold == predicted:
            continue
        kind = "false positive" if predicted else "false negative"
        wrong = customer_wrong(item, report)
        cause = {True: "customer model wrong", False: "customer model right", None: "customer label not agreed"}[wrong]
        tally[kind, cause] = tally.get((kind, cause), 0) + 1
    return [[kind, cause, n] for (kind, cause), n in sorted(tally.items())]


def error_lines(rows: list[tuple[LabelledReply, Any, bool]], worst: int) -> list[str]:
    """The empathy rules' own errors (the customer model read the customer right, or was told),
    as the harness prints them."""
    lines: list[str] = []
    for kind, want in (("false positive", True), ("false negative", False)):
        shown = 0
        for item, report, predicted in rows:
            if (predicted != want or bool(item.labels[LABEL]) == predicted or shown >= worst
                    or customer_wrong(item, report)):
                continue
            shown += 1
            head = (f"{kind}  {item.id}  (customer_upset label {item.labels.get('customer_upset')}, "
                    f"p {report.metrics.customer_upset_p})")
            lines += error_entry(head, item, [f for f in flags(report) if f.category == "empathy"], width=220)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, action="append", default=None,
                        help="labelled JSONL (default: labelled-replies/dev.jsonl in the shared data); "
                             "twice for two judgements of the same replies")
    parser.add_argument("--source", default="", help="only rows of these sources, comma-separated (ibm,twcs,stc3)")
    parser.add_argument("--worst", type=int, default=0,
                        help="the empathy rules' own false positives and negatives shown, per run")
    add_rules_arg(parser)
    args = parser.parse_args(argv)

    labels_name, items, _ = labelled_items(args.labels, args.source)
    coach = make_coach(args.rules)
    shipped = scored(coach, items, oracle=False)
    known = scored(coach, items, oracle=True)
    figures = [[run, c.positives, c.flagged, round(c.precision, 3), round(c.recall, 3), round(c.f1, 3)]
               for run, c in (("as shipped", counts(shipped)), ("customer state from the labels", counts(known)))]
    print(f"{file_names(labels_name)}{' ' + args.source if args.source else ''}: {LABEL}, {len(shipped)} replies\n")
    print(table(["run", "positives", "flagged", "P", "R", "F1"], figures))
    print("\nerrors as shipped, by the customer model's reading of the customer")
    print(table(["error", "customer model", "replies"], split_rows(shipped)))
    if args.worst:
        for run, rows in (("as shipped, customer read right", shipped), ("customer state from the labels", known)):
            print(f"\n== {run}: the empathy rules' own errors")
            print("\n".join(error_lines(rows, args.worst)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataMissing as err:
        exit_missing(err)
