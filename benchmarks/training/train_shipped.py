"""Rebuild the shipped model weights from the project's labels and the licensed public sets.

    .venv/bin/python benchmarks/training/train_shipped.py            # every shipped model
    .venv/bin/python benchmarks/training/train_shipped.py customer-upset politeness

What trains what (see NOTICE.md beside this file for the licences):
  customer-upset  replycoach/data/customer-upset.json: the customer-state model. IBM customer
                  tweets (Apache-2.0) with the project's labels (ibm rows of labelled-replies/dev.jsonl
                  and ibm-labels.jsonl here), plus the even-numbered half of RSiCS (ODbL 1.0; a
                  Produced Work), "upset" = a rant or expressed emotion.
  politeness      rules/tone/impolite.weights.json: Stanford politeness requests (CC BY 4.0),
                  stack-exchange and even-numbered wikipedia ids; bottom quartile = impolite.
  reply labels    rules/<pack>/<rule>.weights.json for each entry of REPLY_MODELS: the IBM replies
                  with the project's labels.
Never EPITOME, ESConv, TWCS or stc3 (non-commercial or unstated licences): those only evaluate.
Ids in labelled-replies/reserved.txt are never read. Training is deterministic (seed 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common import REPO  # noqa: E402  (puts the checkout first on sys.path)
from corpus import data_dir, politeness_requests, politeness_training_half, rsics_upset  # noqa: E402

from replycoach import Coach, Config  # noqa: E402
from replycoach.evaluation import LabelledReply, read_labelled  # noqa: E402
from replycoach.linear import Recipe  # noqa: E402
from replycoach.train import train  # noqa: E402

CUSTOMER_RECIPE = Recipe(ngrams=(1, 2), numeric=("vader", "vader_neg", "exclaim", "multi_exclaim", "question",
                                                 "caps", "words", "waiting", "cues", "neg_words", "pos_words",
                                                 "thanks", "negation"),
                         lexicons={
    # Words of a bad experience, so that complaints in words the labels never saw still count.
    "trouble": ("broken", "break", "missing", "lost", "lose", "wrong", "late", "delay", "delayed", "cancel",
                "cancelled", "charged", "overcharged", "crash", "stuck", "error", "fail", "failed", "outage",
                "hacked", "scam", "fraud", "rude", "refund", "damaged", "leak", "dirty", "stolen", "blocked",
                "banned", "suspended", "locked", "disabled", "declined", "rejected", "denied", "glitch", "bug",
                "freeze", "frozen", "dropped", "slow", "ignored", "never", "nobody", "still", "again", "yet",
                "waiting", "waited", "hours", "days", "weeks", "months", "terrible", "awful", "worst",
                "horrible", "ridiculous", "unacceptable", "disappointed", "frustrated", "annoyed", "angry",
                "upset", "hate", "useless", "joke", "pathetic", "disgusting", "sick", "tired", "fed"),
    "calm": ("please", "could", "would", "how", "wondering", "question", "advise", "possible", "info",
             "information", "love", "great", "awesome", "happy", "thanks", "thank", "appreciate"),
})
POLITENESS_RECIPE = Recipe(ngrams=(1, 2), numeric=("question", "exclaim", "caps", "words"))


def ibm_labelled() -> list[LabelledReply]:
    """The IBM replies the project labelled: dev.jsonl's ibm rows and ibm-labels.jsonl."""
    labels_dir = data_dir() / "labelled-replies"
    reserved = set((labels_dir / "reserved.txt").read_text(encoding="utf-8").split())
    dev = [i for i in read_labelled(labels_dir / "dev.jsonl", exclude=reserved) if i.source == "ibm"]
    ours = read_labelled(HERE / "ibm-labels.jsonl", exclude=reserved)
    return dev + ours


def write(result, out: Path) -> None:  # type: ignore[no-untyped-def]
    out.write_text(result.weights.model_dump_json(indent=1) + "\n", encoding="utf-8")
    cv = result.cv
    print(f"{out.relative_to(REPO)}: {result.weights.trained.examples} examples, "
          f"{result.weights.trained.positives} positive; CV P {cv.precision:.3f} R {cv.recall:.3f} "
          f"F1 {cv.f1:.3f} at {result.weights.threshold:.3f}; {len(result.weights.weights)} weights")


def customer_upset(coach: Coach, args: argparse.Namespace) -> None:
    items = ibm_labelled()
    rsics = [LabelledReply(id=f"rsics:{u.id}", reply="", customer=u.text, labels={"customer_upset": int(u.upset)})
             for u in rsics_upset() if int(u.id.split("/")[1]) % 2 == 0]
    result = train(coach, items + rsics[:args.rsics_limit or None], label="customer_upset", reads="customer",
                   recipe=CUSTOMER_RECIPE, c=args.c_customer, min_count=2,
                   data="IBM Twitter customer care (project labels) + RSiCS even request ids",
                   licence="Apache-2.0 (IBM texts); ODbL 1.0 (RSiCS, Produced Work)",
                   notes="customer_upset per labelled-replies/RUBRIC.md; RSiCS: Rant or Express Emotion")
    write(result, REPO / "replycoach" / "data" / "customer-upset.json")


def politeness(coach: Coach, args: argparse.Namespace) -> None:
    items = [LabelledReply(id=p.id, reply=p.text, channel="chat", labels={"impolite": int(p.impolite)})
             for p in politeness_requests() if politeness_training_half(p.id)]
    result = train(coach, items, label="impolite", reads="reply", recipe=POLITENESS_RECIPE, c=args.c_politeness,
                   min_count=3, data="Stanford politeness corpus: stack-exchange + even wikipedia ids",
                   licence="CC BY 4.0 (Danescu-Niculescu-Mizil et al., ACL 2013)",
                   notes="bottom quartile of Normalized Score per community = impolite, top quartile = polite")
    write(result, REPO / "rules" / "tone" / "impolite.weights.json")


TARGETS = {"customer-upset": customer_upset, "politeness": politeness}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", default=list(TARGETS), choices=[*TARGETS, []])
    parser.add_argument("--c-customer", type=float, default=0.1)
    parser.add_argument("--c-politeness", type=float, default=0.5)
    parser.add_argument("--rsics-limit", type=int, default=300,
                        help="RSiCS rows for the customer model (more trades labelled-replies F1 for RSiCS F1)")
    args = parser.parse_args()
    # The models being trained must not be needed to build the Coach that featurises for them.
    learned = [f"{p.parent.name}.{p.stem}" for p in (REPO / "rules").rglob("*.yaml")
               if "\nkind: model" in "\n" + p.read_text(encoding="utf-8")]
    coach = Coach(config=Config(customer_model="sentiment", disable=tuple(learned)))
    for name in args.targets or TARGETS:
        TARGETS[name](coach, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
