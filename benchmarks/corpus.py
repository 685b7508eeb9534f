"""Shared loaders for the benchmark and evaluation scripts.

The data is third-party and lives outside the project, in ``../shared/data`` beside the
repository (override with ``REPLYCOACH_DATA=/path/to/data``). Nothing here copies it into the
project. Every loader raises `DataMissing` when its folder is absent; the scripts turn that into
a one-line message and a clean exit (`exit_missing`).

Loaders:
  agent_replies()        real agent replies with the customer message they answer
                         (twcs-head + ibm-twitter-customer-care)
  epitome_pairs()        EPITOME emotional-reactions (seeker post, response, level 0/1/2)
  rsics_requests()       RSiCS customer requests with their Gratitude flag
  politeness_requests()  Stanford Politeness requests, bottom/top quartile labelled
"""

from __future__ import annotations

import csv
import json
import os
import re
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, NoReturn

__all__ = [
    "DataMissing",
    "EmpathyPair",
    "GratitudeItem",
    "PolitenessItem",
    "Reply",
    "UpsetItem",
    "agent_replies",
    "data_dir",
    "epitome_pairs",
    "eval_texts",
    "exit_missing",
    "ibm_replies",
    "politeness_requests",
    "politeness_training_half",
    "rsics_requests",
    "rsics_upset",
    "twcs_replies",
]

REPO = Path(__file__).resolve().parents[1]
csv.field_size_limit(10_000_000)


class DataMissing(Exception):
    """A data folder or file the script needs is not there."""


class Reply(NamedTuple):
    id: str
    text: str
    customer: str | None


class EmpathyPair(NamedTuple):
    id: str
    seeker: str
    response: str
    level: int  # 0 none, 1 weak, 2 strong


class GratitudeItem(NamedTuple):
    id: str
    text: str
    gratitude: bool


class UpsetItem(NamedTuple):
    id: str
    text: str
    upset: bool  # a rant or expressed emotion, as RSiCS's reviewers marked it


class PolitenessItem(NamedTuple):
    id: str
    community: str  # "wikipedia" or "stack-exchange"
    text: str
    score: float  # normalized (z-scored) politeness
    impolite: bool  # bottom quartile of its file; the top quartile is polite, the middle dropped


def data_dir() -> Path:
    """The shared data folder: $REPLYCOACH_DATA, else ../shared/data beside the repository."""
    env = os.environ.get("REPLYCOACH_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def _need(*parts: str) -> Path:
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise DataMissing(f"{path} not found (set REPLYCOACH_DATA to the shared data folder)")
    return path


def exit_missing(err: DataMissing) -> NoReturn:
    """Print why the script cannot run and exit cleanly (status 0: nothing to measure)."""
    print(f"skipped: {err}", file=sys.stderr)
    raise SystemExit(0)


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


# --- agent replies ---------------------------------------------------------------------------

def twcs_replies() -> list[Reply]:
    """Brand replies (inbound == "False") from twcs-head, each with the customer tweet it answers.

    The customer message is the row whose tweet_id is the reply's in_response_to_tweet_id, when
    that row is in the file and is a customer tweet (inbound == "True"); otherwise None.
    """
    rows = list(_csv_rows(_need("twcs-head", "twcs_head.csv")))
    by_id = {r["tweet_id"]: r for r in rows}
    replies = []
    for row in rows:
        if row["inbound"] != "False":
            continue
        parent = by_id.get(row["in_response_to_tweet_id"])
        customer = parent["text"] if parent and parent["inbound"] == "True" else None
        replies.append(Reply(f"twcs:{row['tweet_id']}", row["text"], customer))
    return replies


def eval_texts() -> dict[str, tuple[str, str | None]]:
    """The replies of the evaluation-only sets by the ids labelled files give them, as (reply,
    customer message): how label files that may not carry these texts (their licences keep them
    out of the repository) get them back. "twcs-<tweet_id>": a twcs-head brand reply and the
    tweet it answers; "stc3-<dialogue id>": a helpdesk dialogue's first helpdesk turn and the
    customer turns before it, joined by newlines (as labelled-replies/dev.jsonl has them)."""
    texts = {f"twcs-{r.id.removeprefix('twcs:')}": (r.text, r.customer) for r in twcs_replies()}
    with _need("stc3-helpdesk", "dialogues_en.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                dialogue = json.loads(line)
                first = _first_helpdesk_reply(dialogue["turns"])
                if first:
                    texts[f"stc3-{dialogue['id']}"] = first
    return texts


def _first_helpdesk_reply(turns: list[dict[str, str]]) -> tuple[str, str | None] | None:
    customer: list[str] = []
    for turn in turns:
        if turn["sender"] == "customer":
            customer.append(turn["text"])
        else:
            return turn["text"], "\n".join(customer) or None
    return None


def ibm_replies() -> list[Reply]:
    """Agent turns from the IBM Twitter customer-care conversations.

    The customer message is the customer turn(s) since the previous agent turn, joined with a
    newline; None when an agent turn follows another agent turn directly.
    """
    replies = []
    with _need("ibm-twitter-customer-care", "conversations.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            conv = json.loads(line)
            pending: list[str] = []
            for i, turn in enumerate(conv["turns"]):
                if turn["role"] == "customer":
                    pending.append(turn["text"])
                    continue
                customer = "\n".join(pending) if pending else None
                replies.append(Reply(f"ibm:{conv['id']}:{i}", turn["text"], customer))
                pending = []
    return replies


def agent_replies() -> list[Reply]:
    """Every real agent reply the benchmarks use: twcs-head, then IBM customer care."""
    return [*twcs_replies(), *ibm_replies()]


# --- labelled sets ---------------------------------------------------------------------------

def epitome_pairs() -> list[EmpathyPair]:
    """EPITOME emotional-reactions (Reddit): seeker post, response, empathy level 0/1/2."""
    path = _need("epitome", "emotional-reactions-reddit.csv")
    return [EmpathyPair(f"{r['sp_id']}/{r['rp_id']}", r["seeker_post"], r["response_post"],
                        int(r["level"]))
            for r in _csv_rows(path)]


_BRACKETS = re.compile(r"[\[\]]")


def rsics_requests() -> list[GratitudeItem]:
    """RSiCS customer requests: the whole request text (MergedSelections with the reviewers'
    [ ] marks removed) and its Gratitude flag (which describes the bracketed spans)."""
    path = _need("rsics", "tagged_selections_by_sentence.csv")
    return [GratitudeItem(f"{r['Dataset ID']}/{r['Request ID']}",
                          _BRACKETS.sub("", r["MergedSelections"]).strip(), r["Gratitude"] == "1")
            for r in _csv_rows(path)]


def rsics_upset() -> list[UpsetItem]:
    """RSiCS customer requests with "upset" = the Rant or Express Emotion flag."""
    path = _need("rsics", "tagged_selections_by_sentence.csv")
    return [UpsetItem(f"{r['Dataset ID']}/{r['Request ID']}", _BRACKETS.sub("", r["MergedSelections"]).strip(),
                      r["Rant"] == "1" or r["Express Emotion"] == "1")
            for r in _csv_rows(path)]


def rsics_training_half(item_id: str) -> bool:
    """RSiCS requests of even request ids may train shipped weights (the project's upset labels,
    the very-upset model); odd ids are kept out of training, so the harness can measure on them."""
    return int(item_id.rpartition("/")[2]) % 2 == 0


def politeness_training_half(item_id: str) -> bool:
    """The shipped politeness model trains on stack-exchange and on even-numbered wikipedia ids;
    odd wikipedia ids are kept out of training, so the harness can measure on them."""
    community, _, number = item_id.partition(":")
    return community != "wikipedia" or int(number) % 2 == 0


POLITENESS_FILES = ("wikipedia", "stack-exchange")


def politeness_requests() -> list[PolitenessItem]:
    """Stanford Politeness requests, labelled by the paper's protocol, per file: the bottom
    quartile of Normalized Score is impolite, the top quartile polite, the middle half dropped.
    Quartiles are computed on the rows present (the development part of the split)."""
    items = []
    for name in POLITENESS_FILES:
        rows = list(_csv_rows(_need("stanford-politeness", f"{name}.annotated.csv")))
        scores = [float(r["Normalized Score"]) for r in rows]
        low, _, high = statistics.quantiles(scores, n=4)
        for row, score in zip(rows, scores, strict=True):
            if low < score < high:
                continue
            items.append(PolitenessItem(f"{name}:{row['Id']}", name, row["Request"], score,
                                        score <= low))
    return items


def politeness_cutoffs() -> dict[str, tuple[float, float]]:
    """The (q25, q75) cut-offs `politeness_requests` uses, per file."""
    out = {}
    for name in POLITENESS_FILES:
        rows = _csv_rows(_need("stanford-politeness", f"{name}.annotated.csv"))
        low, _, high = statistics.quantiles([float(r["Normalized Score"]) for r in rows], n=4)
        out[name] = (low, high)
    return out


if __name__ == "__main__":
    try:
        replies = agent_replies()
        print(f"agent replies: {len(replies)} "
              f"({sum(r.customer is not None for r in replies)} with a customer message)")
        pairs = epitome_pairs()
        print(f"epitome pairs: {len(pairs)} (level>=1: {sum(p.level >= 1 for p in pairs)}, "
              f"level==2: {sum(p.level == 2 for p in pairs)})")
        grat = rsics_requests()
        print(f"rsics requests: {len(grat)} (gratitude: {sum(g.gratitude for g in grat)})")
        pol = politeness_requests()
        print(f"politeness requests: {len(pol)} (impolite: {sum(p.impolite for p in pol)}); "
              f"cut-offs {politeness_cutoffs()}")
    except DataMissing as err:
        exit_missing(err)
