"""Batch scoring for trainers: many replies or conversations, in order, in parallel, resumable.

Every input record gives exactly one result line, in input order: its report, or an error
object saying what was wrong with it (a bad record never stops the run), or a note that it was
skipped (a customer row in a tweet export). Results are identical whatever `jobs` is: workers
score chunks and the parent writes them back in order.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .coach import Coach
from .config import Config
from .discovery import ReuseTracker
from .errors import InputError, ReplycoachError
from .models import CATEGORIES
from .records import Item
from .workers import Worker, WorkerError, WorkerLost, wait_any

__all__ = ["BatchSummary", "GroupStats", "resume_point", "score_items", "to_dataframe"]

CHUNK = 64


# --- one item -------------------------------------------------------------------------------

def score_item(coach: Coach, item: Item) -> dict[str, Any]:
    """The result line for one item (a plain dict, ready for JSON)."""
    result: dict[str, Any] = {"id": item.id}
    for key in ("agent", "team", "channel", "time"):
        value = getattr(item, key)
        if value is not None:
            result[key] = value
    if item.error:
        result["error"] = {"code": "RC110", "message": f"RC110 record {item.index + 1}: {item.error}"}
        return result
    if item.skip:
        result["skipped"] = item.skip
        return result
    channel = item.channel if item.channel in coach.config.channels else None
    try:
        if item.shape == "conversations":
            result["conversation"] = coach.check_conversation(item.turns, channel=channel).model_dump(mode="json")
        else:
            result["report"] = coach.check(item.text, customer=item.customer, channel=channel).to_dict()
    except ReplycoachError as err:
        result["error"] = err.to_dict()
    return result


# --- parallel, in order ---------------------------------------------------------------------

def _chunk_scorer(coach: Coach | None, config: Config,
                  rules: list[str]) -> Callable[[list[Item]], list[dict[str, Any]]]:
    """In a worker: the parent's Coach when forked, else one built from `config` and `rules`."""
    scorer = coach or Coach(config=config, rules=rules)
    return lambda items: [score_item(scorer, item) for item in items]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_items(items: Iterable[Item], *, coach: Coach | None = None, config: Config | None = None,
                rules: list[str] | None = None, jobs: int = 1) -> Iterator[tuple[Item, dict[str, Any]]]:
    """(item, result) pairs in input order. With jobs > 1, worker processes score chunks (forked
    from this one, or built from `config` and `rules` where processes cannot fork); at most a few
    chunks per worker are in flight, so memory stays flat however long the input is.

    A worker that dies (killed, out of memory) stops the run within a second or so with
    ReplycoachError RC112, after every result finished before it has been yielded."""
    rules = rules if rules is not None else (coach.rule_paths if coach else [])
    if jobs <= 1:
        coach = coach or Coach(config=config, rules=rules)
        for item in items:
            yield item, score_item(coach, item)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    args = (coach if fork else None, config or (coach.config if coach else Config()), rules)
    workers = [Worker(context, _chunk_scorer, args) for _ in range(jobs)]
    try:
        yield from _in_order(_chunks(items, CHUNK), workers, window=jobs * 3)
    finally:
        for worker in workers:
            worker.stop()


def _in_order(chunks: Iterator[list[Item]], workers: list[Worker], *,
              window: int) -> Iterator[tuple[Item, dict[str, Any]]]:
    """Hand chunks to idle workers, one each, and yield their results in input order; at most
    `window` chunks are sent and not yet yielded."""
    sent: dict[int, list[Item]] = {}
    done: dict[int, list[dict[str, Any]]] = {}
    busy: dict[Worker, int] = {}
    idle = list(workers)
    sent_count = yielded = 0
    more = True

    def ready() -> Iterator[tuple[Item, dict[str, Any]]]:
        nonlocal yielded
        while yielded in done:
            yield from zip(sent.pop(yielded), done.pop(yielded), strict=True)
            yielded += 1

    try:
        for worker in workers:
            worker.wait_ready()
        while True:
            while more and idle and sent_count - yielded < window:
                chunk = next(chunks, None)
                if chunk is None:
                    more = False
                    break
                worker = idle.pop()
                sent[sent_count] = chunk
                busy[worker] = sent_count
                sent_count += 1
                worker.send(chunk)
            yield from ready()
            if not more and yielded == sent_count:
                return
            for worker in wait_any(list(busy)):
                done[busy.pop(worker)] = worker.receive()
                idle.append(worker)
    except WorkerLost as lost:
        for worker in wait_any([w for w in busy if w.pid != lost.pid], timeout=0):
            with suppress(WorkerLost, WorkerError):  # keep every result that is complete
                done[busy.pop(worker)] = worker.receive()
        yield from ready()
        raise ReplycoachError(f"{lost}; the run stopped", code="RC112",
                              remedy="the output holds only complete results: run again with --resume "
                                     "to finish (with fewer --jobs if memory is short)") from None


# --- resume ---------------------------------------------------------------------------------

def resume_point(out: Path) -> list[str]:
    """The ids already written to `out`; a last line cut off mid-write is removed first."""
    if not out.exists():
        return []
    try:
        data = out.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the output to resume: {err.strerror}", code="RC106", place=str(out),
                         remedy="resume only into a readable --out file of the same run") from None
    keep = data if data.endswith(b"\n") or not data else data[:data.rfind(b"\n") + 1]
    ids: list[str] = []
    for number, line in enumerate(keep.splitlines(), 1):
        try:
            ids.append(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            raise InputError(f"line {number} of the output is not a result line", code="RC111",
                             place=str(out), remedy="resume only into the --out file of the same run") from None
    if len(keep) != len(data):
        os.truncate(out, len(keep))  # not a rewrite: that could lose the whole file on a full disk
    return ids


# --- the summary ----------------------------------------------------------------------------

_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def week_of(value: str | None) -> str | None:
    """ISO week ("2017-W44") of an ISO 8601 or Twitter-style time, or None."""
    if not value:
        return None
    for parse in (lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")),
                  lambda v: datetime.strptime(v, _TWITTER_TIME)):
        try:
            year, week, _ = parse(value).isocalendar()
            return f"{year}-W{week:02d}"
        except ValueError:
            continue
    return None


@dataclass
class GroupStats:
    """Running totals for one agent or team."""

    replies: int = 0
    score_sum: float = 0.0
    category_sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    words: int = 0
    findings: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[int, str, str]] = field(default_factory=list)  # (score, id, excerpt)
    weeks: dict[str, list[float]] = field(default_factory=dict)  # week -> [count, score sum]

    def add(self, item_id: str, report: dict[str, Any], when: str | None) -> None:
        self.replies += 1
        self.score_sum += report["score"]
        for name, value in report["categories"].items():
            self.category_sums[name] = self.category_sums.get(name, 0.0) + value
        self.words += report["metrics"]["words"]
        self.findings += len(report["findings"])
        self.rules.update(f["rule"] for f in report["findings"])
        excerpt = " ".join(report["text"].split())[:140]
        self.examples.append((report["score"], item_id, excerpt))
        if len(self.examples) > 12:  # keep the 6 worst and 6 best seen so far
            self.examples.sort()
            self.examples = self.examples[:6] + self.examples[-6:]
        week = week_of(when)
        if week:
            count_sum = self.weeks.setdefault(week, [0, 0.0])
            count_sum[0] += 1
            count_sum[1] += report["score"]

    def row(self) -> dict[str, Any]:
        n = max(1, self.replies)
        ordered = sorted(self.examples)
        return {
            "replies": self.replies, "mean_score": round(self.score_sum / n, 1),
            **{f"mean_{c}": round(v / n, 1) for c, v in self.category_sums.items()},
            "findings_per_100_words": round(100 * self.findings / max(1, self.words), 2),
            "top_rules": dict(self.rules.most_common(5)),
            "worst": [{"id": i, "score": s, "excerpt": e} for s, i, e in ordered[:3]],
            "best": [{"id": i, "score": s, "excerpt": e} for s, i, e in ordered[::-1][:3]],
            "weekly_mean_score": {w: round(v[1] / v[0], 1) for w, v in sorted(self.weeks.items())},
        }


@dataclass
class BatchSummary:
    """What a trainer reads after a run: counts, per-agent and per-team stats, reused lines."""

    read: int = 0
    scored: int = 0
    failed: int = 0
    skipped: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    agents: dict[str, GroupStats] = field(default_factory=dict)
    teams: dict[str, GroupStats] = field(default_factory=dict)
    reuse: ReuseTracker = field(default_factory=ReuseTracker)
    overall: GroupStats = field(default_factory=GroupStats)
    score_bins: Counter[int] = field(default_factory=Counter)  # score // 10 -> replies
    worst: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)  # a few full reports

    def add(self, result: dict[str, Any]) -> None:
        """Count one result line (the same whether just scored or read back on --resume)."""
        self.read += 1
        if "error" in result:
            self.failed += 1
            self.errors[result["error"]["code"]] += 1
            return
        if "skipped" in result:
            self.skipped += 1
            return
        self.scored += 1
        item_id, team, when = result["id"], result.get("team"), result.get("time")
        for agent, report in _agent_reports(result):
            self.overall.add(item_id, report, when)
            self.score_bins[min(9, report["score"] // 10)] += 1
            if agent:
                self.agents.setdefault(agent, GroupStats()).add(item_id, report, when)
                self.reuse.add(agent, report["text"])
            if team:
                self.teams.setdefault(team, GroupStats()).add(item_id, report, when)
            if report["findings"] and (len(self.worst) < 8 or report["score"] < self.worst[-1][0]):
                self.worst = sorted([*self.worst, (report["score"], item_id, report)],
                                    key=lambda w: (w[0], w[1]))[:8]

    def line(self) -> str:
        errors = ", ".join(f"{c} {n}" for c, n in self.errors.most_common()) or "none"
        return (f"replycoach batch: read {self.read}, scored {self.scored}, failed {self.failed} "
                f"({errors}), skipped {self.skipped}")

    def rows(self) -> Iterator[dict[str, Any]]:
        """One row per agent, then per team: the per-agent report as flat data."""
        reuse = self.reuse.summary()
        for level, groups in (("agent", self.agents), ("team", self.teams)):
            for name, stats in sorted(groups.items()):
                row = {"level": level, "name": name, **stats.row()}
                if level == "agent" and name in reuse:
                    row["reuse_rate"] = reuse[name]["reuse_rate"]
                    row["top_repeated"] = reuse[name]["top"]
                yield row


def _agent_reports(result: dict[str, Any]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    if "report" in result:
        yield result.get("agent"), result["report"]
        return
    for turn in result.get("conversation", {}).get("turns", []):
        if turn.get("report"):
            yield result.get("agent") or turn.get("author"), turn["report"]


class BatchRun:
    """Results of a batch, streamed: iterate for (in-order) result dicts; `summary` fills as you go."""

    def __init__(self, items: Iterable[Item], *, coach: Coach, jobs: int = 1) -> None:
        self._pairs = score_items(items, coach=coach, config=coach.config, rules=coach.rule_paths, jobs=jobs)
        self.summary = BatchSummary()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for _, result in self._pairs:
            self.summary.add(result)
            yield result


def to_dataframe(results: Iterable[dict[str, Any]]) -> Any:
    """Per-reply results as a pandas DataFrame: id, agent, team, score, passed, category
    scores, grade, words, findings, error code."""
    import pandas as pd

    rows = []
    for r in results:
        report = r.get("report") or {}
        row = {"id": r["id"], "agent": r.get("agent"), "team": r.get("team"), "time": r.get("time"),
               "score": report.get("score", r.get("conversation", {}).get("score")),
               "passed": report.get("passed", r.get("conversation", {}).get("passed")),
               "error": (r.get("error") or {}).get("code"), "skipped": r.get("skipped")}
        for name, value in report.get("categories", {}).items():
            row[name] = value
        metrics = report.get("metrics", {})
        row["grade"], row["words"] = metrics.get("grade"), metrics.get("words")
        row["findings"] = len(report.get("findings", []))
        rows.append(row)
    return pd.DataFrame(rows)
