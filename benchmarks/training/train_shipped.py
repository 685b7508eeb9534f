"""Rebuild the shipped model weights from the project's labels and the licensed public sets.

    .venv/bin/python benchmarks/training/train_shipped.py            # every shipped model
    .venv/bin/python benchmarks/training/train_shipped.py customer-upset politeness

What trains what (see NOTICE.md beside this file for the licences):
  customer-upset  replycoach/data/customer-upset.json: the customer-state model. IBM customer
                  tweets (Apache-2.0) with the project's labels (ibm rows of labelled-replies/dev.jsonl
                  and ibm-labels*.jsonl here), plus RSiCS requests of even request ids (ODbL 1.0;
                  a Produced Work) labelled with the same rubric (rsics-upset-labels*.jsonl here).
  customer-very-upset
                  replycoach/data/customer-very-upset.json: whether an upset customer is very upset
                  (rants or voices strong emotion): RSiCS requests of even request ids with RSiCS's
                  own Rant / Express Emotion flags (ODbL 1.0; a Produced Work).
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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common import REPO  # noqa: E402  (puts the checkout first on sys.path)
from corpus import (  # noqa: E402
    data_dir,
    politeness_requests,
    politeness_training_half,
    rsics_training_half,
    rsics_upset,
)

from replycoach import Coach, Config  # noqa: E402
from replycoach.evaluation import LabelledReply, agreed, read_labelled  # noqa: E402
from replycoach.linear import Recipe  # noqa: E402
from replycoach.train import TrainResult, featurize, train  # noqa: E402

# Thanks and praise against complaint (signals.CUSTOMER_CUES): trained on complaints and questions,
# the model read "!" and capitals as anger, and fresh Twitter customers thank with both. With these
# (all but failed_again), CV F1 0.751 -> 0.760; judgement.py customer_upset on eval-twcs-a+b 0.740 ->
# 0.832, on dev 0.812 -> 0.820, twcs+stc3 0.827 -> 0.830. Learned weights: resolved -5.3, loud_praise
# -3.4, praise_calm -2.0, emoji_warm -1.9, emoji_upset +3.3, exasperation +2.7. failed_again (the
# rubric's repeated failure said flatly: "Didn't work.", "it keeps crashing") then gave CV 0.762,
# eval-twcs 0.853, dev 0.822, twcs+stc3 0.834 (reply models rebuilt, main of 2026-12-02 merged). A rule forcing
# "calm" on praise_calm on top of the model changed nothing on the three sets, so there is none.
# The very-upset model keeps the recipe without them: trained with them, RSiCS odd-id very_upset
# fell 0.554 -> 0.528.
# Tried on 2026-12-02 (branch judge-upset, commit 3a9a725 holds the cues, their tests and the
# rebuilt weights), not kept: cues for the situation where no feeling is named, beside these:
# a word given and broken ("you promised", "I was told", "supposed to", "you never ..."), a step
# beyond the company (police, court, a complaint, the BBB, "tell my friends", switching, "cancel
# my account"), spans of time waited ("24 hours", "since Monday", "for days") in place of
# `waiting` (which also counts "again", "still" and "have a nice day"), "!" closing a greeting or
# thanks ("Hi!"), and thanks and praise in other languages. Learned +1.35, +1.28, +0.62, -1.10.
# CV F1 0.762 -> 0.765; AUC of customer_upset_p dev 0.874 -> 0.886, eval-twcs 0.919 -> 0.931.
# With every weight rebuilt (customer_upset threshold 0.281 -> 0.290, empathy.gap's F1-best cut
# 0.158 -> 0.201), judgement.py dev / twcs+stc3 / eval-twcs / eval-holdout: customer_upset 0.822
# -> 0.825 / 0.834 -> 0.853 / 0.853 -> 0.853 / 0.846 -> 0.840; empathy_gap 0.771 -> 0.787 /
# 0.800 -> 0.822 / 0.744 -> 0.707 / 0.776 -> 0.769; ownership 0.800 -> 0.782 / 0.846 -> 0.815 /
# 0.500 -> 0.476 / 0.281 -> 0.348; AUC 0.964 -> 0.960 / 0.974 -> 0.972 / 0.951 -> 0.958 /
# 0.879 -> 0.873; RSiCS very_upset 0.548 either way. A better ranking, but no clear gain at the
# cut-offs, and the reply models lost AUC and ownership on dev. Without the time cue and the
# courteous "!" (customer model only: dev 0.834, twcs+stc3 0.863, eval-twcs 0.853) the reply
# models were not rebuilt then. Rebuilt since (commit after 3a9a725, "Candidate: ...", reverted
# after it, weights trained on 3513015's rules), the broken-word and beyond cues alone with
# `waiting` kept gave dev / twcs+stc3 / eval-twcs / eval-holdout: customer_upset 0.834 / 0.863 /
# 0.853 / 0.844; empathy_gap 0.783 / 0.805 / 0.735 / 0.779 (gap cut 0.158 -> 0.196); canned
# 0.822 / 0.865 / 0.687 / 0.372; ownership 0.800 / 0.846 / 0.526 / 0.290; AUC 0.962 / 0.969 /
# 0.957 / 0.873; very_upset 0.548. Upset and empathy gain on dev, the AUC loses 0.002-0.006 on
# three sets: not adopted by the rule that an upset gain costing AUC is none. Retry it with
# empathy.gap's `recall=` cut-off, which moves less.
# Also tried that day, customer model only (dev / twcs+stc3 / eval-twcs; this recipe 0.822 /
# 0.834 / 0.853): an answer demanded ("or not", "still waiting", "a real person"; loosely worded
# it fired on feature requests, "when will you add ...", and tightly it learned -0.33), a how-to
# question ("is there a way", "how do I": +0.12, 0.829 / 0.859 / 0.848), a courteous frame
# ("Hi", "kind regards": 0.830 / 0.860 / 0.853), C 0.15 and 0.6 with the broken-word and beyond
# cues (0.824 / 0.853 / 0.848, 0.815 / 0.832 / 0.853), no RSiCS rows (CV 0.755; 0.789 / 0.806 /
# 0.850), dev's ibm rows trained on (--with-dev: twcs+stc3 0.838, eval-twcs 0.859).
_PRAISE_CUES = ("praise_calm", "loud_praise", "loud_problem", "resolved", "sarcastic", "exasperation", "emoji_warm",
                "emoji_upset", "repeat_problem", "failed_again")
# A word given and broken ("you promised", "I was told"), a step beyond the company (police, a
# complaint, "tell my friends"): the situation where no feeling is named (see below for figures).
_SITUATION_CUES = ("broken_word", "beyond")
CUSTOMER_RECIPE = Recipe(ngrams=(1, 2), stems=6, numeric=("vader", "vader_neg", "exclaim", "multi_exclaim", "question",
                                                 "caps", "words", "waiting", "cues", "neg_words", "pos_words",
                                                 "thanks", "negation", "happy", *_PRAISE_CUES,
                                                 *_SITUATION_CUES),
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
VERY_UPSET_RECIPE = CUSTOMER_RECIPE.model_copy(
    update={"numeric": tuple(n for n in CUSTOMER_RECIPE.numeric if n not in (*_PRAISE_CUES, *_SITUATION_CUES))})
POLITENESS_RECIPE = Recipe(ngrams=(1, 2), numeric=("question", "exclaim", "caps", "words"))


def _our_labels(*, exclude: set[str]) -> list[LabelledReply]:
    """Every ibm-labels*.jsonl here (engineers add their own files), each id once. An id judged in
    more than one file (a second, independent judgement) keeps only the labels the judgements agree
    on, the rule ibm-labels.jsonl was built by: a label they differ on becomes None (no label)."""
    by_id: dict[str, LabelledReply] = {}
    for path in sorted(HERE.glob("ibm-labels*.jsonl")):
        for item in read_labelled(path, exclude=exclude):
            first = by_id.get(item.id)
            by_id[item.id] = item if first is None else agreed(first, item)
    return list(by_id.values())


def project_labelled(*, with_dev: bool) -> list[LabelledReply]:
    """The IBM replies the project labelled (ibm-labels*.jsonl), and with `with_dev` the ibm rows
    of labelled-replies/dev.jsonl too. Without them, dev.jsonl stays a clean measure."""
    labels_dir = data_dir() / "labelled-replies"
    reserved = set((labels_dir / "reserved.txt").read_text(encoding="utf-8").split())
    ours = _our_labels(exclude=reserved)
    if not with_dev:
        return ours
    return [i for i in read_labelled(labels_dir / "dev.jsonl", exclude=reserved) if i.source == "ibm"] + ours


def write(result, out: Path) -> None:  # type: ignore[no-untyped-def]
    out.write_text(result.weights.model_dump_json(indent=1) + "\n", encoding="utf-8")
    cv = result.cv
    print(f"{out.relative_to(REPO)}: {result.weights.trained.examples} examples, "
          f"{result.weights.trained.positives} positive; CV P {cv.precision:.3f} R {cv.recall:.3f} "
          f"F1 {cv.f1:.3f} at {result.weights.threshold:.3f}; {len(result.weights.weights)} weights")


def rsics_labelled() -> list[LabelledReply]:
    """RSiCS customer requests the project labelled for customer_upset with the rubric: every
    rsics-upset-labels*.jsonl here (ids and labels only; the texts stay in the shared data), each
    id once, the first file in name order that holds it winning. Only even request ids are
    labelled: the odd half stays unseen by training.

    rsics-upset-labels-2b.jsonl, the second judgement of -2, is therefore not read. Keeping only
    the labels the two agree on (as for the IBM files) was measured twice. On 2026-12-01:
    customer_upset 0.812 -> 0.818 on dev, but the reply models trained on the new customer model
    lost more (empathy_gap 0.773 -> 0.734, ownership 0.750 -> 0.733, AUC 0.955 -> 0.945), as
    empathy.gap's F1-best cut-off moved 0.141 -> 0.337. On 2026-12-02, with that cut-off fixed
    by cross-validated recall (0.101): customer_upset 0.818 (twcs+stc3 0.827 -> 0.837), empathy_gap
    0.771 (0.797 -> 0.797), but ownership 0.733 (0.764 -> 0.737; ownership.unowned flags two more
    replies wrongly) and AUC 0.948: still a loss for the product, so not adopted."""
    texts = {f"rsics:{u.id}": u.text for u in rsics_upset()}
    seen: set[str] = set()
    out = []
    for path in sorted(HERE.glob("rsics-upset-labels*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            # customer_upset is null where the judgements disagreed or the labeller was unsure
            if row["id"] in texts and row["id"] not in seen:
                seen.add(row["id"])
                out.append(LabelledReply(id=row["id"], reply="", customer=texts[row["id"]],
                                         labels={"customer_upset": row["customer_upset"]}))
    return out


# Customer-state recipes tried on 2026-12-01 besides those in the closing notes (word lists, C,
# min_count, unigrams, no function-word n-grams: all within CV noise), none kept (cross-validated on
# the IBM rows, five splits; this recipe: F1 0.751, AUC 0.818): naive-Bayes log-count ratios scaling
# the n-grams (NBSVM; F1 0.748, AUC 0.810).
def _fit_customer_model(coach: Coach, items: list[LabelledReply], args: argparse.Namespace) -> TrainResult:
    return train(coach, items, label="customer_upset", reads="customer", recipe=CUSTOMER_RECIPE,
                 c=args.c_customer, min_count=2,
                 # RSiCS's forum posts teach words, but the threshold is set on customer tweets,
                 # over five fold splits: with one, the F1-best cut moved from 0.21 to 0.34 when
                 # only the order of the rows changed (its F1 curve is flat there).
                 calibrate_on=lambda item: not item.id.startswith("rsics:"), repeats=5,
                 data="IBM Twitter customer care and RSiCS (even request ids), both with project labels"
                      + (" + labelled-replies dev ibm rows" if args.with_dev else ""),
                 licence="Apache-2.0 (IBM texts); ODbL 1.0 (RSiCS, a Produced Work: see NOTICE.md)",
                 notes="customer_upset per labelled-replies/RUBRIC.md")


def customer_upset(coach: Coach, args: argparse.Namespace) -> None:
    items = project_labelled(with_dev=args.with_dev) + rsics_labelled()
    write(_fit_customer_model(coach, items, args), REPO / "replycoach" / "data" / "customer-upset.json")


def customer_very_upset(coach: Coach, args: argparse.Namespace) -> None:
    """RSiCS's own flags (Rant or Express Emotion) on the even request ids: a rant or strong
    emotion, a narrower notion than the rubric's upset (which counts any frustration). It grades
    customers the customer-state model calls upset (metrics.customer_upset_level); the odd ids,
    which nothing trains on, measure it (benchmarks/judgement.py --public).

    Tried, cross-validated on the even ids with the customer-state model's gate applied (a request
    it calls calm is never very upset; this recipe: F1 0.565), none kept: C 0.01 and 0.1 (0.557,
    0.541), their threshold chosen behind the gate (0.567, 0.561), training only on the requests
    the gate lets through (C 0.01-0.1: 0.512-0.551)."""
    items = [LabelledReply(id=f"rsics:{u.id}", reply="", customer=u.text, labels={"very_upset": int(u.upset)})
             for u in rsics_upset() if rsics_training_half(u.id)]
    result = train(coach, items, label="very_upset", reads="customer", recipe=VERY_UPSET_RECIPE, c=args.c_very_upset,
                   min_count=3, data="RSiCS customer requests (even request ids), RSiCS's Rant / Express Emotion flags",
                   licence="ODbL 1.0 (RSiCS, a Produced Work: see NOTICE.md)",
                   notes="very_upset = Rant or Express Emotion (Beaver, Freeman and Mueen, arXiv:1708.05449)")
    write(result, REPO / "replycoach" / "data" / "customer-very-upset.json")


HELD_OUT_FOLDS = 5


def held_out_customer_models(args: argparse.Namespace, out_dir: Path, folds: int = HELD_OUT_FOLDS) -> dict[str, Path]:
    """For each IBM reply id, a customer-state model (written into `out_dir`) trained without
    that reply's fold.

    The empathy model learns only from customers the customer-state model calls upset. Picked by
    the shipped model, which was trained on these very customers, those rows are cleaner than
    anything met at check time: 357 of the 725 IBM replies counted as upset, 73% of them with an
    empathy gap (CV F1 0.91, at a threshold that fired too rarely on dev.jsonl). Picked by held-out
    models, 399 count, 55% with a gap (CV F1 0.75), as among unseen customers."""
    import random

    items = project_labelled(with_dev=args.with_dev)
    rsics = rsics_labelled()
    ids = sorted({i.id for i in items})
    random.Random(0).shuffle(ids)
    fold_of = {item_id: n % folds for n, item_id in enumerate(ids)}
    coach = Coach(config=Config(customer_model="sentiment", disable=_learned_rules()))
    paths = {}
    for k in range(folds):
        result = _fit_customer_model(coach, [i for i in items if fold_of[i.id] != k] + rsics, args)
        paths[k] = out_dir / f"customer-upset-{k}.json"
        paths[k].write_text(result.weights.model_dump_json(), encoding="utf-8")
    return {item_id: paths[k] for item_id, k in fold_of.items()}


def politeness(coach: Coach, args: argparse.Namespace) -> None:
    items = [LabelledReply(id=p.id, reply=p.text, channel="chat", labels={"impolite": int(p.impolite)})
             for p in politeness_requests() if politeness_training_half(p.id)]
    result = train(coach, items, label="impolite", reads="reply", recipe=POLITENESS_RECIPE, c=args.c_politeness,
                   min_count=3, data="Stanford politeness corpus: stack-exchange + even wikipedia ids",
                   licence="CC BY 4.0 (Danescu-Niculescu-Mizil et al., ACL 2013)",
                   notes="bottom quartile of Normalized Score per community = impolite, top quartile = polite")
    write(result, REPO / "rules" / "tone" / "impolite.weights.json")


_REPLY_NUMERIC = ("exclaim", "question", "caps", "words", "laugh", "thanks", "negation", "neg_words", "pos_words",
                  "acknowledge")
_CUSTOMER_NUMERIC = ("upset", "cues", "waiting", "words", "question")
# Other rules' findings the reply models may read (each is explainable on its own).
_RULE_FEATURES = ("empathy.acknowledge", "empathy.hollow", "empathy.apology-without-action", "empathy.over-apology",
                  "canned.robotic", "canned.openers", "canned.corporate", "ownership.clear-ownership",
                  "ownership.deflection", "ownership.vague-timeline", "ownership.failed-channel",
                  "tone.non-apology", "tone.laughing", "tone.blame",
                  "gratitude.thanks")


_CROSS = ("echo", "overlap", "specific_ack")


@dataclass(frozen=True)
class ReplyModel:
    path: str
    c: float
    customer_words: bool  # the customer's words as features, or only their numeric cues
    only_upset: bool  # trained on, and run for, customers the customer-state model calls upset
    customer_numeric: tuple[str, ...] = _CUSTOMER_NUMERIC
    cross: tuple[str, ...] = _CROSS
    lexicons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the threshold: the highest cut-off whose cross-validated recall is at least this
    # (replycoach.evaluation.recall_threshold), for a model whose F1 curve is flat; None: the F1-best one
    recall: float | None = None


# Canned replies in words no brand owns: service-desk stock phrasing, and the ways of sending a
# customer elsewhere (a link, a DM, a ticket, a call) that make up a bare redirect.
_STOCK_WORDS = ("inconvenience", "feedback", "experience", "assist", "assistance", "happy", "glad", "help", "further",
                "appreciate", "patience", "improve", "service", "optimize", "optimise", "understand", "apologize",
                "apologise", "sorry", "concern")
_REDIRECT_WORDS = ("dm", "message", "pm", "ticket", "visit", "link", "contact", "call", "email", "submit", "request",
                   "form", "<url>", "article", "follow", "reach")


# label -> how its model is trained (choices from benchmarks/judgement.py on dev.jsonl; see NOTICE.md)
REPLY_MODELS: dict[str, ReplyModel] = {
    # C 0.5: the best cross-validated F1 of 0.1, 0.3, 0.5 and 1.0 (0.910 against 0.908 at 0.3), when
    # the shipped customer-state model picked its rows; not swept again since held-out models pick
    # them (CV F1 0.754 at 0.5).
    # The gate stays a hard `customer_upset: true`: in the judges' labels a gap all but implies an
    # upset customer (4 of the 492 replies to customers both judges call calm, ibm-labels*.jsonl and
    # dev.jsonl), so a learned gate has nothing to learn on the customer's side that the
    # customer-state model does not; "upset but no gap" (68 of 345, 44 of 153) is the reply's doing.
    # Tried (empathy_gap F1 on dev / twcs+stc3 / dev with the judges' customer label, as
    # benchmarks/empathy_oracle.py feeds it; this recipe: 0.773 / 0.797 / 0.886), none kept:
    # every row and no gate, the model as the gate (0.740 / 0.757 / 0.879); the same with VADER,
    # valence words, thanks and "happy" of the customer (0.741 / 0.754 / 0.855), or with the
    # customer's unigrams (0.727 / 0.758 / 0.782); every row, gate kept, threshold set on the
    # upset rows (0.760 / 0.769 / 0.905); rows the judges call upset rather than the held-out
    # models (0.735 / 0.752 / 0.901; C 0.3: 0.744 / 0.773 / 0.918); without the customer's upset
    # probability (0.737 / 0.765 / 0.909); a firmer gate, upset probability >= 0.5 (0.731 / 0.723
    # / 0.886); C 0.1, 0.3, 1.0 (0.762 / 0.775, 0.777 / 0.795, 0.767 / 0.797). The purer reply
    # judges win with the judges' label and lose with the shipped customer model: this recipe's
    # weight on the upset probability makes up for part of that model's errors. Retry them when the
    # customer-state model improves. The cut-off cross-validation picks sits on a flat F1 curve and
    # dev falls off fast above it: with a customer-state model retrained on the agreed RSiCS
    # labels it moved 0.141 -> 0.188 and dev fell to 0.721 (twcs+stc3 0.750); the same weights at
    # 0.12 gave 0.758 / 0.781; the shipped weights at 0.12 give 0.770 / 0.797. gap.yaml sets no
    # `threshold:` of its own: a cut-off dev chose would be tuning on dev; the trained one is used.
    # The cut-off is the F1-best cross-validated one. Its F1 curve is flat from 0.05 to 0.40 (CV F1
    # 0.72-0.75), so it jumps when the customer-state model changes: to 0.337 with a model trained
    # on the agreed RSiCS labels (dev 0.734 / twcs+stc3 0.719). `recall=0.95` (the highest cut
    # whose CV recall is 0.95) moves smoothly instead: 0.101 there (dev 0.771 / 0.797). With the
    # shipped customer model and its praise and exasperation cues (2026-12-02), F1-best picks 0.158
    # (dev 0.771 / 0.800, eval-twcs 0.744, AUC dev 0.964) and recall 0.95 picks 0.082 (0.752 /
    # 0.797, eval-twcs 0.734, AUC 0.958), so F1-best ships; measure both after the next
    # customer-model change.
    # The reply's side (2026-12-02), read with the judges' customer label: among replies to
    # customers both judges call upset, one with no acknowledgement at all has a gap 9 times in 10
    # (dev 81 of 92, the IBM labels 257 of 284); one that acknowledges has one a third to half of
    # the time (dev 28 of 61, IBM 20 of 61), decided by what follows the apology, which the n-grams
    # barely see. A
    # second, higher cut-off for replies that acknowledge raised the oracle (0.886 -> 0.916 at 0.30)
    # but lowered dev (0.771 -> 0.762) and eval-twcs (0.744 -> 0.730): with the shipped customer
    # model the gap's probability also carries that model's doubt. What follows the apology is
    # read by gap.yaml instead (`unless_matches`: a question about their problem).
    "empathy_gap": ReplyModel("rules/empathy/gap.weights.json", 0.5, customer_words=False, only_upset=True),
    # Canned reads the customer only through its questions and frustration cues, and the reply
    # against it: how much of the message it takes up (coverage) and how long it is beside it
    # (length_ratio). With the customer's length, waiting words and upset probability as features
    # it learned "a long, upset message gets a canned reply" (IBM's templates answered such
    # messages) and flagged specific replies to long Weibo messages. Measured with benchmarks/judgement.py: F1
    # 0.705 -> 0.723 on dev (precision 0.76 -> 0.83), 0.500 -> 0.552 on twcs/stc3 (0.57 -> 0.73);
    # training on all companies but one and judging that one, in turn: F1 0.441 -> 0.436, precision
    # 0.75 -> 0.82. The gain is fewer false alarms; recall on brands never seen stays low. Keeping
    # only n-grams seen for two companies or more raised the held-out-company F1 to 0.487 but
    # lowered dev to 0.675 (twcs/stc3 the same), so brand n-grams stay. C 0.1 as before.
    # Tried since, none kept (F1 dev / twcs+stc3 / held-out company, beside 0.699 / 0.552 / 0.440):
    # the share of the reply's bigrams that three or more companies' replies use (0.667 / 0.552 /
    # 0.437); the same over uni-, bi- and trigrams (0.690 / 0.552 / 0.398); no n-grams at all,
    # numeric cues, lexicons and cross features only (0.505 / 0.489 / 0.510); no stop-word
    # n-grams (0.682 / 0.516 / 0.394). Brand-free templates are caught by the canned.stock-only
    # and canned.stock-to-upset rules instead (with them: 0.791 / 0.811 on dev and twcs+stc3).
    # Tried on 2026-12-01 with the rules of that day (canned F1 on dev / twcs+stc3 / companies held
    # out in 5 groups, beside this recipe's 0.822 / 0.865 / 0.495), none kept: C 0.05 (0.787 /
    # 0.842 / 0.509, measured before canned.channel-policy), C 0.2 (0.795 / 0.833 / 0.475), C 0.3
    # (0.787 / 0.811 / -), min_count 4 (- / - / 0.493), a third lexicon of help-article words
    # (steps, article, tips, troubleshooting, page, site, options, resolve, issue, ...: 0.835 /
    # 0.865 / 0.483, one dev reply more for a worse held-out figure). The differences are a reply
    # or two either way.
    "canned": ReplyModel("rules/canned/generic.weights.json", 0.1, customer_words=False, only_upset=False,
                         customer_numeric=("question", "cues"), cross=(*_CROSS, "coverage", "length_ratio"),
                         lexicons={"stock": _STOCK_WORDS, "redirect": _REDIRECT_WORDS}),
    # Ownership reads the customer only through numeric cues, more strongly regularised: with the
    # customer's words (c=0.1) it learned IBM brands' complaints and fared worse on twcs/stc3 (F1 0.471
    # against 0.500; dev 0.529 against 0.568). Word lists of commitments (done actions, times, DM,
    # third parties) were tried and lowered both. With the later turns of ibm-labels-judge-tone.jsonl
    # judged once, C 0.02 (dev 0.593, twcs/stc3 0.545) beat 0.05 (0.558, 0.511). Judged twice (only
    # agreed labels), cross-validated F1 is flat from 0.03 to 0.07 (0.489-0.493; 0.481 at 0.02, 0.485
    # at 0.1) and 0.05 is its middle: dev 0.684, twcs/stc3 0.681 (0.675 and 0.667 at 0.02), one reply
    # fewer flagged wrongly on each. Also tried, and no better on both: coverage and length_ratio
    # (dev 0.683, twcs/stc3 0.667), word lists of redirects or of the agent's own actions (dev
    # 0.56-0.58), and a cross feature "the reply only points elsewhere" (0.55), or only so when the
    # customer asked a question or for help (dev 0.667, twcs/stc3 0.708).
    # Tried on 2026-12-01 with the rules of that day (category F1 dev / twcs+stc3 beside this
    # recipe's 0.791 / 0.830), none kept: fewer of the customer's cues, which the model leans on
    # (question only 0.593 / 0.606; upset and question 0.723 / 0.737; cues and question 0.791 /
    # 0.808; none 0.515 / 0.519); more of them (+ thanks 0.791 / 0.830, the same; + exclaim and
    # negative words 0.782 / 0.815); echo and overlap without specific_ack (0.759 / 0.792); the
    # threshold over 5 fold splits (repeats=5; it moves 0.633 -> 0.500, 0.693 / 0.746: the
    # cross-validated F1 falls steadily above 0.5, from 0.461 to 0.434 at 0.633 and 0.396 at 0.7,
    # while dev would take 0.7, so the cut-off is left where one split put it rather than set on
    # dev). What the model does badly on sources it never saw (it fires on most long replies to
    # upset customers) is handled by the rule's exceptions: a request for details however worded,
    # a step-by-step fix, a named team committed to call (rules/ownership/unowned.yaml).
    "ownership": ReplyModel("rules/ownership/unowned.weights.json", 0.05, customer_words=False, only_upset=False),
    # No tone model: 16 positive replies (2% of the labels, ibm-labels*.jsonl) are too few to learn
    # from. Retried with the later turns: cross-validated F1 0.19-0.24, and on dev.jsonl it lowered tone
    # F1 from 0.774 to 0.37-0.52 (n-grams or numeric cues only, upset customers or all). Tone is
    # judged by rules (brush-off, non-apology, defensive, flat-refusal...).
}


def reply_models(coach: Coach, args: argparse.Namespace) -> None:
    items = project_labelled(with_dev=args.with_dev)
    readers: dict[str, Coach] = {}
    if any(spec.only_upset for spec in REPLY_MODELS.values()):
        # A model that learns only from customers the customer-state model calls upset has each
        # reply read by a Coach whose customer-state model never saw it (see above). A Coach
        # loads its weights when built, so the files need not outlive this block.
        with tempfile.TemporaryDirectory(prefix="replycoach-held-out-") as tmp:
            model_of = held_out_customer_models(args, Path(tmp))
            coaches = {path: Coach(config=Config(customer_model=str(path), disable=_learned_rules()))
                       for path in sorted(set(model_of.values()))}
        readers = {item_id: coaches[path] for item_id, path in model_of.items()}
    for label, spec in REPLY_MODELS.items():
        recipe = Recipe(ngrams=(1, 2), numeric=_REPLY_NUMERIC, customer_ngrams=(1,) if spec.customer_words else (),
                        customer_numeric=spec.customer_numeric, cross=spec.cross, lexicons=spec.lexicons,
                        rules=_RULE_FEATURES)
        rows = [featurize(readers[item.id], [item], recipe=recipe, reads="both", only_upset=True)[0]
                for item in items] if spec.only_upset else None
        result = train(coach, items, label=label, reads="both", recipe=recipe, c=spec.c, min_count=2,
                       only_upset=spec.only_upset, rows=rows, recall=spec.recall,
                       data="IBM Twitter customer care, project labels (benchmarks/training/ibm-labels*.jsonl)"
                            + (" + labelled-replies dev ibm rows" if args.with_dev else "")
                            + (f"; customers read by {HELD_OUT_FOLDS} held-out customer-state models"
                               if spec.only_upset else ""),
                       licence="Apache-2.0 (IBM texts); labels: this project",
                       notes=f"{label} per labelled-replies/RUBRIC.md" + (
                           "; replies to customers the customer-state model calls upset" if spec.only_upset else ""))
        write(result, REPO / spec.path)


def _learned_rules() -> tuple[str, ...]:
    """The shipped `model` rules: the models being trained must not be needed to build the Coach
    that featurises for them."""
    return tuple(f"{p.parent.name}.{p.stem}" for p in (REPO / "rules").rglob("*.yaml")
                 if "\nkind: model" in "\n" + p.read_text(encoding="utf-8"))


TARGETS = {"customer-upset": customer_upset, "customer-very-upset": customer_very_upset, "politeness": politeness,
           "reply-models": reply_models}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"some of: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--c-customer", type=float, default=0.3)
    parser.add_argument("--c-very-upset", type=float, default=0.03,
                        help="strongly regularised: RSiCS's flags are sparse (6%% of requests)")
    parser.add_argument("--c-politeness", type=float, default=0.5)
    parser.add_argument("--with-dev", action="store_true",
                        help="also train on dev.jsonl's ibm rows (then dev.jsonl no longer measures them cleanly)")
    args = parser.parse_args()
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target {unknown[0]!r}; choose from {', '.join(TARGETS)}")
    for name in args.targets or TARGETS:
        # The customer-state model is trained without itself; the reply models read the one just written.
        config = Config(customer_model="sentiment" if name.startswith("customer-") else None, disable=_learned_rules())
        TARGETS[name](Coach(config=config), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
