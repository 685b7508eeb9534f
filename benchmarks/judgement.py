"""Judgement harness: how far replycoach agrees with support trainers, per label.

Scores a labelled file in the shape of `labelled-replies/dev.jsonl` (only agreed labels count;
ids listed in a `reserved.txt` beside it are never read) through the public API and prints,
per label: positives, flagged, precision, recall, F1 and the judges' own F1 against each other;
the AUC of the overall score between replies judged `send` and `rewrite`, and how many of each
verdict pass; then, for error analysis, the worst false positives (with the findings that
fired) and false negatives (with the judges' notes). `--public` adds the public sets:
EPITOME (empathy present), Stanford politeness (tone score AUC, held-out wikipedia half),
RSiCS (gratitude; upset customers on the odd request ids, which no weight trains on, read both
through `customer_upset` and through `customer_upset_level == "very_upset"`).

    .venv/bin/python benchmarks/judgement.py                     # dev.jsonl, all labels
    .venv/bin/python benchmarks/judgement.py --public --worst 3
    .venv/bin/python benchmarks/judgement.py --source twcs,stc3  # rows no shipped model trained on
    .venv/bin/python benchmarks/judgement.py --rules-table       # each rule's measured precision
    .venv/bin/python benchmarks/judgement.py --write-measured    # ... written into the rule files
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from common import add_rules_arg, make_coach, table
from corpus import (
    DataMissing,
    data_dir,
    epitome_pairs,
    eval_texts,
    exit_missing,
    politeness_requests,
    politeness_training_half,
    rsics_requests,
    rsics_training_half,
    rsics_upset,
)

from replycoach import ReplycoachError
from replycoach.evaluation import (
    LABELS,
    Counts,
    LabelledReply,
    agreed,
    agreement,
    auc,
    best_threshold,
    flags,
    predict_labels,
    read_labelled,
)


def judges_f1(labels_file: Path) -> dict[str, float]:
    """The judges' F1 against each other, from the table in SOURCE.md beside the labels."""
    source = labels_file.parent / "SOURCE.md"
    out: dict[str, float] = {}
    if source.is_file():
        for m in re.finditer(r"^\| (\w+) \| [\d.]+ \| ([\d.]+) \|", source.read_text(encoding="utf-8"), re.M):
            out[m.group(1)] = float(m.group(2))
    return out


def reserved_ids(labels_file: Path) -> set[str]:
    path = labels_file.parent / "reserved.txt"
    return set(path.read_text(encoding="utf-8").split()) if path.is_file() else set()


def _dev_reserved() -> set[str]:
    """The held-out ids of labelled-replies: never read, whichever file names them."""
    try:
        return reserved_ids(data_dir() / "labelled-replies" / "dev.jsonl")
    except DataMissing:
        return set()


def _texts_needed(path: Path) -> bool:
    """Whether some line of `path` carries ids and labels but no text (a twcs-head or stc3 label
    file: their licences keep the texts out of the repository)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if isinstance(row, dict) and "reply" not in row and "text" not in row:
                return True
    return False


def labelled_items(labels: list[Path] | None, source: str = ""
                   ) -> tuple[str, list[LabelledReply], dict[str, float]]:
    """The labelled rows, their name and the judges' F1 against each other.

    Default: labelled-replies/dev.jsonl in the shared data, with the agreement table of the
    SOURCE.md beside it. Several files are several judgements of the same replies: only the
    replies every file judged, with only the labels they agree on (`agreed`), and the judges' F1
    is measured between the files (`agreement`; for two files). Reserved ids are always left out;
    given `source` ("ibm,twcs"), only rows of those sources are kept."""
    files = labels or [data_dir() / "labelled-replies" / "dev.jsonl"]
    for path in files:
        if not path.is_file():
            exit_missing(DataMissing(f"{path} is missing"))
    reserved = _dev_reserved() | set().union(*(reserved_ids(path) for path in files))
    texts = eval_texts() if any(_texts_needed(path) for path in files) else None
    judgements = [read_labelled(path, exclude=reserved, texts=texts) for path in files]
    items = judgements[0]
    for other in judgements[1:]:
        by_id = {item.id: item for item in other}
        items = [agreed(item, by_id[item.id]) for item in items if item.id in by_id]
    judges = judges_f1(files[0]) if len(files) == 1 else agreement(*judgements) if len(files) == 2 else {}
    if source:
        keep = set(source.split(","))
        items = [i for i in items if i.source in keep]
    return "+".join(f"{path.parent.name}/{path.name}" for path in files), items, judges


def file_names(labels_name: str) -> str:
    """"labelled-replies/dev.jsonl+..." as the file names alone, for the head line."""
    return "+".join(part.rsplit("/", 1)[-1] for part in labels_name.split("+"))


def run_labelled(coach: Any, items: list[LabelledReply]) -> list[tuple[LabelledReply, Any]]:
    out = []
    for item in items:
        try:
            out.append((item, coach.check(item.reply, customer=item.customer, channel=item.channel)))
        except ReplycoachError as err:
            out.append((item, err))
    return out


def label_table(results: list[tuple[LabelledReply, Any]], judges: dict[str, float]
                ) -> tuple[list[list[Any]], dict[str, Counts]]:
    counts: dict[str, Counts] = {name: Counts() for name in LABELS}
    for item, report in results:
        if isinstance(report, ReplycoachError):
            continue
        predicted = predict_labels(report)
        for name in LABELS:
            gold = item.labels.get(name)
            if gold is not None:
                counts[name].add(bool(gold), predicted[name])
    rows = [[name, c.positives, c.flagged, round(c.precision, 3), round(c.recall, 3), round(c.f1, 3),
             judges.get(name)] for name, c in counts.items()]
    return rows, counts


def verdict_rows(results: list[tuple[LabelledReply, Any]]) -> tuple[list[list[Any]], float]:
    by: dict[str, list[Any]] = defaultdict(list)
    for item, report in results:
        if item.verdict and not isinstance(report, ReplycoachError):
            by[item.verdict].append(report)
    rows = [[v, len(by[v]), round(sum(r.score for r in by[v]) / len(by[v]), 1) if by[v] else None,
             round(sum(r.passed for r in by[v]) / len(by[v]), 3) if by[v] else None]
            for v in ("send", "coach", "rewrite")]
    return rows, auc([r.score for r in by["send"]], [r.score for r in by["rewrite"]])


def errors_for(label: str, results: list[tuple[LabelledReply, Any]], worst: int) -> list[str]:
    category = LABELS[label]
    fps, fns = [], []
    for item, report in results:
        gold = item.labels.get(label)
        if gold is None or isinstance(report, ReplycoachError):
            continue
        predicted = predict_labels(report)[label]
        if predicted and not gold:
            fired = [f for f in flags(report) if f.category == category] if category else []
            weight = sum(3 if f.severity.value == "error" else 2 if f.severity.value == "warning" else 1
                         for f in fired) + (getattr(report.metrics, 'customer_upset_p', 0) or 0 if not category else 0)
            fps.append((weight, item, report, fired))
        elif gold and not predicted:
            fns.append((len(item.reply), item, report, []))
    lines = []
    for kind, rows in (("false positive", sorted(fps, key=lambda r: -r[0])), ("false negative", fns)):
        for _, item, report, fired in rows[:worst]:
            state = None
            if category is None:
                m = report.metrics
                cues = list(getattr(m, "customer_cues", ()))[:5]
                state = f"upset p={getattr(m, 'customer_upset_p', None)}  cues={cues}"
            lines += error_entry(f"{kind}  {item.id}", item, fired, state=state)
    return lines


def error_entry(head: str, item: LabelledReply, fired: list[Any], *, state: str | None = None,
                width: int = 200) -> list[str]:
    """One worst error as the harness prints it: its head line, the customer's message and the
    reply, the customer's state if given, the first findings that fired, and the judges' notes."""
    lines = [f"  {head}"]
    if item.customer:
        lines.append(f"    customer: {_short(item.customer, width)}")
    lines.append(f"    reply:    {_short(item.reply, width)}")
    if state:
        lines.append(f"    {state}")
    for f in fired[:3]:
        lines.append(f"    fired:    {f.rule} {f.text[:60]!r}")
    for note in item.notes:
        lines.append(f"    judge:    {_short(note, width)}")
    return lines


def _short(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def rule_table(results: list[tuple[LabelledReply, Any]], coach: Any) -> list[list[Any]]:
    """Each rule's precision and recall against its category's label: of the replies it fired
    on, how many the judges marked; of the replies they marked, how many it caught."""
    label_of = {category: name for name, category in LABELS.items() if category}
    fired: dict[str, Counts] = {}
    for rule in coach.rules:
        label = label_of.get(rule.category)
        if label is None or rule.spec.scope in ("conversation", "first-turn", "last-turn"):
            continue  # no label, or a rule that judges whole conversations, not these replies
        c = Counts()
        for item, report in results:
            gold = item.labels.get(label)
            if gold is None or isinstance(report, ReplycoachError):
                continue
            c.add(bool(gold), any(f.rule == rule.id for f in report.findings))  # at any severity
        fired[rule.id] = c
    return [[rid, label_of[coach.rule(rid).category], c.flagged, c.tp, round(c.precision, 3) if c.flagged else None,
             round(c.recall, 3)] for rid, c in sorted(fired.items())]


def write_measured(rows: list[list[Any]], coach: Any, data_name: str) -> int:
    """Write each rule's measured precision and recall into its rule file's `measured:` block."""
    today = datetime.date.today().isoformat()
    written = 0
    for rid, label, flagged, _right, precision, recall in rows:
        path = coach.rule(rid).path
        text = path.read_text(encoding="utf-8")
        block = (f"measured:\n  data: {data_name}\n  label: {label}\n  date: '{today}'\n"
                 f"  flagged: {flagged}\n  precision: {precision if precision is not None else 'null'}\n"
                 f"  recall: {recall}\n")
        text = re.sub(r"^measured:\n(?:  .*\n)*", "", text, flags=re.M)
        text = re.sub(r"^examples:", block + "examples:", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
        written += 1
    return written


def tune_rows(results: list[tuple[LabelledReply, Any]], coach: Any) -> list[list[Any]]:
    """For each learned rule, the threshold that would maximise its label's F1 on these replies,
    with the category's other flags as they are: a tuning aid (write it as `threshold:`)."""
    from replycoach.linear import features

    label_of = {category: name for name, category in LABELS.items() if category}
    rows = []
    for check in coach._late_checks:  # noqa: SLF001
        label = label_of.get(check.rule.category)
        if label is None:
            continue
        model = check.model
        gold, probs = [], []
        for item, report in results:
            g = item.labels.get(label)
            if g is None or isinstance(report, ReplycoachError):
                continue
            others = any(f.category == check.rule.category and f.rule != check.rule.id for f in flags(report))
            reply, customer, fired = coach._model_inputs(item.reply, customer=item.customer,  # noqa: SLF001
                                                         channel=item.channel, with_findings=True)
            feats = features(model.recipe, model.reads, reply=reply, customer=customer, fired=fired)
            p = model.judge(feats).probability
            gold.append(bool(g))
            probs.append(1.0 if others else p)
        current = check.spec.threshold if check.spec.threshold is not None else model.threshold
        now = Counts.of(gold, [p >= current for p in probs])
        cut, best = best_threshold(gold, probs)
        # The same, among thresholds where at least half of what it flags is right (a rule below
        # that precision ships as a suggestion).
        sure, sure_best = best_threshold(gold, probs, lambda c: c.f1 if c.precision >= 0.5 else -1 + c.precision)
        rows.append([check.rule.id, label, round(current, 3), round(now.f1, 3), round(cut, 3), round(best.f1, 3),
                     round(best.precision, 3), round(best.recall, 3), round(sure, 3), round(sure_best.f1, 3),
                     round(sure_best.precision, 3)])
    return rows


# --- public sets -------------------------------------------------------------------------------

def _scored(name: str, items: Iterable[Any], check: Callable[[Any], Any],
            gold: Callable[[Any], bool], predicted: Callable[[Any, Any], bool]
            ) -> tuple[list[Any], list[tuple[bool, Any]]]:
    """A public-set row: P/R/F1 of `predicted(item, report)` against `gold(item)`; texts replycoach
    refuses (a coded error) are left out. Also returns (gold, report) pairs for other measures."""
    c = Counts()
    pairs = []
    for item in items:
        try:
            report = check(item)
        except ReplycoachError:
            continue
        c.add(gold(item), predicted(item, report))
        pairs.append((gold(item), report))
    return [name, c.positives, c.flagged, round(c.precision, 3), round(c.recall, 3), round(c.f1, 3), None], pairs


def rsics_upset_rows(coach: Any, items: list[Any]) -> list[list[Any]]:
    """RSiCS's own upset flags (rant or expressed emotion) against each of the two outputs:
    `customer_upset` follows the rubric (any frustration), which RSiCS does not flag for a plain
    complaint, so `customer_upset_level == "very_upset"` is the output that answers RSiCS."""
    row, pairs = _scored("rsics odd ids: rant or emotion ~ customer_upset", items,
                         lambda u: coach.check("Thanks for your message.", customer=u.text, channel="email"),
                         lambda u: u.upset, lambda u, r: r.metrics.customer_upset)
    very = Counts()
    for gold, report in pairs:
        very.add(gold, report.metrics.customer_upset_level == "very_upset")
    return [row, ["rsics odd ids: rant or emotion ~ level very_upset", very.positives, very.flagged,
                  round(very.precision, 3), round(very.recall, 3), round(very.f1, 3), None]]


def public_rows(coach: Any, limit: int, rules: Path | None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    cap = limit or None
    try:
        # Every EPITOME seeker is in distress, and the question is whether the response reacts to
        # it, so the acknowledgement rule is asked of every response (all seekers count as upset).
        every_upset = make_coach(rules, customer_model="sentiment", upset_sentiment=1.0)
        rows.append(_scored("epitome: empathy present (acknowledgement)", epitome_pairs()[:cap],
                            lambda p: every_upset.check(p.response, customer=p.seeker), lambda p: p.level >= 1,
                            lambda p, r: not any(f.rule == "empathy.acknowledge" for f in r.findings))[0])
    except DataMissing as err:
        rows.append([f"epitome: {err}", None, None, None, None, None, None])
    try:
        held_out = [p for p in politeness_requests()
                    if p.community == "wikipedia" and not politeness_training_half(p.id)][:cap]
        row, pairs = _scored("politeness wiki held-out: tone flags impolite", held_out,
                             lambda p: coach.check(p.text, channel="chat"), lambda p: p.impolite,
                             lambda p, r: any(f.category == "tone" for f in r.findings))
        pos = [-r.categories.get("tone", 100) for g, r in pairs if g]
        neg = [-r.categories.get("tone", 100) for g, r in pairs if not g]
        rows += [row, ["politeness wiki held-out: tone score AUC", len(pos), len(neg), None, None, None,
                       round(auc(pos, neg), 3)]]
    except DataMissing as err:
        rows.append([f"politeness: {err}", None, None, None, None, None, None])
    try:
        rows.append(_scored("rsics: thanks present", rsics_requests()[:cap],
                            lambda g: coach.check(g.text, channel="email"), lambda g: g.gratitude,
                            lambda g, r: not any(f.rule == "gratitude.thanks" for f in r.findings))[0])
        rows += rsics_upset_rows(coach, [u for u in rsics_upset() if not rsics_training_half(u.id)][:cap])
    except DataMissing as err:
        rows.append([f"rsics: {err}", None, None, None, None, None, None])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, action="append", default=None,
                        help="labelled JSONL (default: labelled-replies/dev.jsonl in the shared data); "
                             "give it twice for two judgements of the same replies (only agreed labels count)")
    parser.add_argument("--source", default="", help="only rows of these sources, comma-separated (ibm,twcs,stc3)")
    parser.add_argument("--worst", type=int, default=4, help="false positives and negatives shown per label")
    parser.add_argument("--labels-only", default="", help="error analysis for these labels only")
    parser.add_argument("--public", action="store_true", help="also run EPITOME, Stanford politeness and RSiCS")
    parser.add_argument("--rules-table", action="store_true", help="print each rule's measured precision")
    parser.add_argument("--write-measured", action="store_true",
                        help="write each rule's measured precision into its rule file (shipped packs)")
    parser.add_argument("--tune", action="store_true", help="print each learned rule's F1-best threshold here")
    parser.add_argument("--limit", type=int, default=0, help="public sets: at most N items each")
    parser.add_argument("--json", action="store_true")
    add_rules_arg(parser)
    args = parser.parse_args(argv)

    labels_name, items, judges = labelled_items(args.labels, args.source)
    coach = make_coach(args.rules)
    results = run_labelled(coach, items)
    refused = sum(isinstance(r, ReplycoachError) for _, r in results)
    rows, _ = label_table(results, judges)
    verdicts, verdict_auc = verdict_rows(results)
    out: dict[str, Any] = {"labels": labels_name, "items": len(items), "refused": refused,
                           "table": rows, "verdicts": verdicts, "auc_send_vs_rewrite": verdict_auc}
    if args.public:
        out["public"] = public_rows(coach, args.limit, args.rules)
    rules = rule_table(results, coach) if args.rules_table or args.write_measured else []
    if args.json:
        print(json.dumps({**out, "rules": rules}, indent=2))
        return 0
    print(f"{file_names(labels_name)}: {len(items)} replies ({refused} refused with a coded error)\n")
    print(table(["label", "positives", "flagged", "P", "R", "F1", "judges F1"], rows))
    print(f"\noverall score: AUC send vs rewrite {verdict_auc:.3f}")
    print(table(["verdict", "replies", "mean score", "pass rate"], verdicts))
    if args.public:
        print()
        print(table(["public set", "positives", "flagged", "P", "R", "F1", "AUC"], out["public"]))
    if rules:
        print()
        print(table(["rule", "label", "flagged", "right", "P", "R"], rules))
    if args.tune:
        print()
        print(table(["learned rule", "label", "threshold", "F1", "best threshold", "F1", "P", "R",
                     "best with P>=0.5", "F1", "P"],
                    tune_rows(results, coach)))
    if args.write_measured:
        n = write_measured(rules, coach, labels_name)
        print(f"\nwrote measured precision into {n} rule files", file=sys.stderr)
    if args.worst:
        only = set(args.labels_only.split(",")) if args.labels_only else set(LABELS)
        for name in LABELS:
            if name in only:
                lines = errors_for(name, results, args.worst)
                if lines:
                    print(f"\n== {name}: worst errors")
                    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataMissing as err:
        exit_missing(err)
