"""How far judges agree with each other and with a reference judgement, label by label.

The yardstick's own judges (labelled-replies/dev.jsonl, the agreed labels of two trainers) set
what a label means. This project's labellers judge other replies (the eval-* sets) with the same
rubric; this benchmark says how far their judgement of dev's own replies agrees with dev's, so
that a figure on an eval-* set can be read against dev's:

    .venv/bin/python benchmarks/judges.py benchmarks/training/calib-dev-a.jsonl \\
        benchmarks/training/calib-dev-b.jsonl

Prints, per label, the F1 of each file against each other file, of each file against the
reference, and of the files' agreed labels against the reference (`evaluation.agreement`; a
reference label that is null, where dev's two trainers disagreed, does not count), then how many
positives each side gives on the replies both label. Files carrying ids and labels only get their
texts from the reference and from the evaluation-only corpora.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import table
from corpus import DataMissing, data_dir, eval_texts, exit_missing

from replycoach.evaluation import LABELS, Counts, LabelledReply, agreed, agreement, read_labelled

NAMES = [*LABELS, "verdict"]


def read_judgements(files: list[Path], reference: Path) -> tuple[list[LabelledReply], list[list[LabelledReply]]]:
    """The reference's rows and each file's rows, cut to the ids every file and the reference share."""
    ref = read_labelled(reference)
    texts = {item.id: (item.reply, item.customer) for item in ref}
    try:
        texts = {**eval_texts(), **texts}
    except DataMissing:
        pass  # the reference alone may carry every text the files need
    judgements = [read_labelled(path, texts=texts) for path in files]
    shared = set.intersection({i.id for i in ref}, *({i.id for i in j} for j in judgements))
    return ([i for i in ref if i.id in shared],
            [[i for i in j if i.id in shared] for j in judgements])


def positives(ours: list[LabelledReply], ref: list[LabelledReply]) -> list[list[object]]:
    """Per label: the reference's positives, ours, and both, over replies both sides label."""
    by_id = {item.id: item for item in ref}
    rows = []
    for name in LABELS:
        counts = Counts()
        for item in ours:
            gold, given = by_id[item.id].labels.get(name), item.labels.get(name)
            if gold is not None and given is not None:
                counts.add(bool(gold), bool(given))
        rows.append([name, counts.positives, counts.flagged, counts.tp])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+", help="label files of the same replies, one judgement each")
    parser.add_argument("--reference", type=Path, default=None,
                        help="the reference judgement (default: labelled-replies/dev.jsonl in the shared data)")
    args = parser.parse_args(argv)
    reference = args.reference or data_dir() / "labelled-replies" / "dev.jsonl"
    for path in [reference, *args.files]:
        if not path.is_file():
            exit_missing(DataMissing(f"{path} is missing"))
    ref, judgements = read_judgements(args.files, reference)
    names = [path.stem for path in args.files]
    compared: list[tuple[str, dict[str, float]]] = []
    for i, first in enumerate(judgements):
        for j in range(i + 1, len(judgements)):
            compared.append((f"{names[i]} vs {names[j]}", agreement(first, judgements[j])))
    for name, judged in zip(names, judgements, strict=True):
        compared.append((f"{name} vs {reference.name}", agreement(judged, ref)))
    ours = judgements[0]
    for other in judgements[1:]:
        by_id = {item.id: item for item in other}
        ours = [agreed(item, by_id[item.id]) for item in ours]
    if len(judgements) > 1:
        compared.append((f"agreed vs {reference.name}", agreement(ours, ref)))
    print(f"{len(ref)} replies judged by every file and by {reference.name}; F1 of one judgement against the other "
          "(verdict: share alike)")
    print(table(["", *NAMES], [[label, *(scores.get(n) for n in NAMES)]
                               for label, scores in compared]))
    print(f"\npositives where both label the reply ({'agreed' if len(judgements) > 1 else names[0]} against "
          f"{reference.name})")
    print(table(["label", reference.name, "ours", "both"], positives(ours, ref)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
