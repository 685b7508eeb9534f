"""Batch scoring for trainers: many replies or conversations, in order, in parallel, resumable.

Every input record gives exactly one result line, in input order: its report, or an error
object saying what was wrong with it (a bad record never stops the run), or a note that it was
skipped (a customer row in a tweet export). Results are identical whatever `jobs` is: workers
score chunks and the parent writes them back in order.
"""

from __future__ import annotations

import csv
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
from .errors import ConfigError, InputError, ReplycoachError
from .models import CATEGORIES
from .records import Item, Turn
from .text import replace_unencodable
from .workers import Worker, WorkerError, WorkerLost, wait_any

__all__ = ["BatchRun", "BatchSummary", "Example", "GroupStats", "findings_dataframe", "parse_time", "replies_of",
           "resume_point", "score_items", "summary_files", "to_dataframe", "write_summary"]

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
            answered = _answered(item.turns)
            if answered:  # as written into the line: a lone surrogate cannot be, so it becomes U+FFFD
                result["customer_before"] = {i: replace_unencodable(t)[0] for i, t in answered.items()}
        else:
            result["report"] = coach.check(item.text, customer=item.customer, channel=channel).to_dict()
            if item.customer:
                result["customer"] = replace_unencodable(item.customer)[0]
    except ReplycoachError as err:
        result["error"] = err.to_dict()
    return result


def _answered(turns: tuple[Turn, ...]) -> dict[str, str]:
    """Turn index -> the customer's message each agent turn answers (the customer turns since the
    last agent turn, or those the last one answered), as `Coach.check_conversation` pairs them."""
    out: dict[str, str] = {}
    waiting: list[str] = []
    answered: list[str] = []
    for index, turn in enumerate(turns):
        if turn.role == "customer" and turn.text.strip():
            waiting.append(turn.text)
        elif turn.role == "agent":
            answered, waiting = (waiting or answered), []
            if answered:
                out[str(index)] = "\n\n".join(answered)
    return out


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
KEEP = 3  # worst and best replies kept per agent or team, for the report's drill-down


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 or Twitter-style ("Tue Oct 31 22:10:47 +0000 2017") time, or None."""
    if not value:
        return None
    for parse in (lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")),
                  lambda v: datetime.strptime(v, _TWITTER_TIME)):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def week_of(value: str | None) -> str | None:
    """ISO week ("2017-W44") of an ISO 8601 or Twitter-style time, or None."""
    when = parse_time(value)
    if when is None:
        return None
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Example:
    """One scored reply as the summary keeps it: its id ("id#turn" for a conversation's turn),
    the report (as JSON data) and the customer's message it answers."""

    id: str
    report: dict[str, Any]
    customer: str | None = None
    turn: int | None = None

    @property
    def score(self) -> int:
        return int(self.report["score"])

    @property
    def excerpt(self) -> str:
        return " ".join(self.report["text"].split())[:140]


@dataclass
class GroupStats:
    """Running totals for one agent or team (or all replies)."""

    replies: int = 0
    score_sum: float = 0.0
    category_sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    words: int = 0
    findings: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    worst: list[Example] = field(default_factory=list)  # lowest scores first
    best: list[Example] = field(default_factory=list)  # highest scores first
    weeks: dict[str, list[float]] = field(default_factory=dict)  # week -> [count, score sum]

    def add(self, example: Example, when: str | None) -> None:
        report = example.report
        self.replies += 1
        self.score_sum += report["score"]
        for name, value in report["categories"].items():
            self.category_sums[name] = self.category_sums.get(name, 0.0) + value
        self.words += report["metrics"]["words"]
        self.findings += len(report["findings"])
        self.rules.update(f["rule"] for f in report["findings"])
        self.worst = sorted([*self.worst, example], key=lambda e: (e.score, e.id))[:KEEP]
        self.best = sorted([*self.best, example], key=lambda e: (-e.score, e.id))[:KEEP]
        week = week_of(when)
        if week:
            count_sum = self.weeks.setdefault(week, [0, 0.0])
            count_sum[0] += 1
            count_sum[1] += report["score"]

    @property
    def mean_score(self) -> float:
        return round(self.score_sum / max(1, self.replies), 1)

    def row(self) -> dict[str, Any]:
        """Flat figures: one value per column, ready for a CSV cell."""
        n = max(1, self.replies)
        return {
            "replies": self.replies, "mean_score": self.mean_score,
            **{f"mean_{c}": round(v / n, 1) for c, v in self.category_sums.items()},
            "findings_per_100_words": round(100 * self.findings / max(1, self.words), 2),
        }

    def weekly(self) -> list[tuple[str, int, float]]:
        """(week, replies, mean score), oldest week first."""
        return [(w, int(v[0]), round(v[1] / v[0], 1)) for w, v in sorted(self.weeks.items())]


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
    worst: list[Example] = field(default_factory=list)  # the lowest-scoring replies with findings

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
        team, when = result.get("team"), result.get("time")
        for agent, example in replies_of(result):
            self.overall.add(example, when)
            self.score_bins[min(9, example.score // 10)] += 1
            if agent:
                self.agents.setdefault(agent, GroupStats()).add(example, when)
                self.reuse.add(agent, example.report["text"])
            if team:
                self.teams.setdefault(team, GroupStats()).add(example, when)
            if example.report["findings"] and (len(self.worst) < 8 or example.score < self.worst[-1].score):
                self.worst = sorted([*self.worst, example], key=lambda e: (e.score, e.id))[:8]

    def line(self) -> str:
        errors = ", ".join(f"{c} {n}" for c, n in self.errors.most_common()) or "none"
        return (f"replycoach batch: read {self.read}, scored {self.scored}, failed {self.failed} "
                f"({errors}), skipped {self.skipped}")

    def gaps(self) -> dict[str, str]:
        """What the summary lacks for want of data, keyed "agent", "time" or "roles" (the same keys
        as `records.column_warnings`), each saying why and what to pass."""
        gaps: dict[str, str] = {}
        if self.scored and not self.overall.replies:
            gaps["roles"] = (f"{self.scored} conversations were read but none had a turn with the role 'agent', "
                             "so no reply was scored: map the agents' role with --role-map NAME=agent")
        if self.overall.replies and not self.agents:
            gaps["agent"] = ("no reply names its agent (no agent column, or it is empty): there are no per-agent "
                             "figures and no repeated lines, which are counted per agent; pass --agent-col NAME")
        if self.overall.replies and not self.overall.weeks:
            gaps["time"] = "no reply has a time that reads as a date: no weekly trend; pass --time-col NAME"
        return gaps

    def groups(self) -> Iterator[tuple[str, str, GroupStats]]:
        """(level, name, stats): all replies first, then each agent, then each team."""
        if self.overall.replies:
            yield "all", "all", self.overall
        for level, groups in (("agent", self.agents), ("team", self.teams)):
            for name, stats in sorted(groups.items()):
                yield level, name, stats

    def rows(self) -> Iterator[dict[str, Any]]:
        """One flat row for all replies, then one per agent, then per team (summary.csv)."""
        reuse = self.reuse.summary()
        for level, name, stats in self.groups():
            row: dict[str, Any] = {"level": level, "name": name, **stats.row()}
            row["reuse_rate"] = reuse[name]["reuse_rate"] if level == "agent" and name in reuse else None
            yield row

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """The nested parts of the summary as their own flat tables, each row keyed by level and name."""
        tables: dict[str, list[dict[str, Any]]] = {"rules": [], "examples": [], "weekly": [], "repeated": []}
        for level, name, stats in self.groups():
            key = {"level": level, "name": name}
            tables["rules"] += [{**key, "rule": r, "findings": n} for r, n in stats.rules.most_common()]
            for kind, examples in (("worst", stats.worst), ("best", stats.best)):
                tables["examples"] += [{**key, "kind": kind, "rank": rank, "id": e.id, "score": e.score,
                                        "excerpt": e.excerpt} for rank, e in enumerate(examples, 1)]
            tables["weekly"] += [{**key, "week": w, "replies": n, "mean_score": m} for w, n, m in stats.weekly()]
        for agent, data in sorted(self.reuse.summary().items()):
            tables["repeated"] += [{"agent": agent, "rank": rank, "times": line["count"], "line": line["text"]}
                                   for rank, line in enumerate(data["top"], 1)]
        return tables

    def _repr_html_(self) -> str:
        from .render_html import summary_html

        return summary_html(self)


SUMMARY_TABLES = {"rules": ("level", "name", "rule", "findings"),
                  "examples": ("level", "name", "kind", "rank", "id", "score", "excerpt"),
                  "weekly": ("level", "name", "week", "replies", "mean_score"),
                  "repeated": ("agent", "rank", "times", "line")}


def summary_files(path: str | Path) -> dict[str, Path]:
    """Where `write_summary` puts each table: summary.csv beside summary-rules.csv,
    summary-examples.csv, summary-weekly.csv and summary-repeated.csv."""
    path = Path(path)
    return {"summary": path, **{name: path.with_name(f"{path.stem}-{name}{path.suffix or '.csv'}")
                                for name in SUMMARY_TABLES}}


def write_summary(summary: BatchSummary, path: str | Path) -> list[Path]:
    """Write the summary as flat CSV tables (see `summary_files`); returns the paths written.
    Raises OSError as the file system does."""
    files = summary_files(path)
    rows = list(summary.rows())
    fields = ["level", "name", "replies", "mean_score",
              *sorted({k for r in rows for k in r if k.startswith("mean_") and k != "mean_score"}),
              "findings_per_100_words", "reuse_rate"]
    _write_csv(files["summary"], fields, rows)
    tables = summary.tables()
    for name, columns in SUMMARY_TABLES.items():
        _write_csv(files[name], list(columns), tables[name])
    return list(files.values())


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def replies_of(result: dict[str, Any]) -> Iterator[tuple[str | None, Example]]:
    """(agent, reply) for each scored reply in a result line: the reply, or each agent turn of a
    conversation (its agent: the record's, else the turn's author)."""
    if "report" in result:
        yield result.get("agent"), Example(str(result["id"]), result["report"], result.get("customer"))
        return
    before = result.get("customer_before", {})
    for turn in result.get("conversation", {}).get("turns", []):
        if turn.get("report"):
            index = turn["index"]
            yield (result.get("agent") or turn.get("author"),
                   Example(f"{result['id']}#{index}", turn["report"], before.get(str(index)), turn=index))


class BatchRun:
    """Results of a batch, streamed: iterate for (in-order) result dicts; `summary` fills as you go."""

    def __init__(self, items: Iterable[Item], *, coach: Coach, jobs: int = 1) -> None:
        self._pairs = score_items(items, coach=coach, config=coach.config, rules=coach.rule_paths, jobs=jobs)
        self.summary = BatchSummary()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for _, result in self._pairs:
            self.summary.add(result)
            yield result

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()


# --- pandas ---------------------------------------------------------------------------------

def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise ConfigError("DataFrames need pandas", code="RC304", remedy="pip install 'replycoach[batch]'") from None
    return pd


_GROUPING = ("agent", "team", "channel", "error", "skipped")


def to_dataframe(results: Iterable[dict[str, Any]]) -> Any:
    """The wide frame: one row per reply (each agent turn of a conversation is one, `turn` says
    which; a record that failed or was skipped is one row with its `error` code or `skipped`
    reason). Columns: id, turn, agent, team, channel, time (datetime64, UTC), score, passed, one
    column per category score, grade, words, sentences, findings, conversation_score."""
    pd = _pandas()
    rows: list[dict[str, Any]] = []
    categories: dict[str, None] = dict.fromkeys(CATEGORIES)
    for r in results:
        common = {"id": str(r["id"]), "team": r.get("team"), "channel": r.get("channel"),
                  "time": parse_time(r.get("time")), "error": (r.get("error") or {}).get("code"),
                  "skipped": r.get("skipped")}
        replies = list(replies_of(r))
        if not replies:
            rows.append({**common, "agent": r.get("agent")})
        conversation_score = r.get("conversation", {}).get("score")
        for agent, example in replies:
            report = example.report
            categories.update(dict.fromkeys(report["categories"]))
            rows.append({**common, "turn": example.turn, "agent": agent, "score": report["score"],
                         "passed": report["passed"], **report["categories"],
                         "grade": report["metrics"]["grade"], "words": report["metrics"]["words"],
                         "sentences": report["metrics"]["sentences"], "findings": len(report["findings"]),
                         "conversation_score": conversation_score})
    columns = ["id", "turn", "agent", "team", "channel", "time", "score", "passed", *categories,
               "grade", "words", "sentences", "findings", "conversation_score", "error", "skipped"]
    frame = pd.DataFrame(rows, columns=columns)
    ints = ["turn", "score", *categories, "words", "sentences", "findings", "conversation_score"]
    return frame.astype({"id": "string", **dict.fromkeys(ints, "Int64"), "passed": "boolean",
                         "grade": "Float64", **dict.fromkeys(_GROUPING, "category")}).assign(
        time=pd.to_datetime(frame["time"], utc=True))


def findings_dataframe(results: Iterable[dict[str, Any]]) -> Any:
    """The long frame: one row per finding: id, turn, agent, rule, category, severity (ordered:
    error, warning, suggestion), start, end, text, message. A conversation-level finding has no
    turn; its offsets refer to the conversation's joined agent text."""
    pd = _pandas()
    rows: list[dict[str, Any]] = []
    for r in results:
        for agent, example in replies_of(r):
            rows += [_finding_row(example.id.rsplit("#", 1)[0] if example.turn is not None else example.id,
                                  example.turn, agent, f) for f in example.report["findings"]]
        rows += [_finding_row(str(r["id"]), None, r.get("agent"), f)
                 for f in r.get("conversation", {}).get("findings", [])]
    columns = ["id", "turn", "agent", "rule", "category", "severity", "start", "end", "text", "message"]
    frame = pd.DataFrame(rows, columns=columns)
    severity = pd.CategoricalDtype(["error", "warning", "suggestion"], ordered=True)
    return frame.astype({"id": "string", "turn": "Int64", "agent": "category", "rule": "category",
                         "category": "category", "severity": severity, "start": "Int64", "end": "Int64",
                         "text": "string", "message": "string"})


def _finding_row(item_id: str, turn: int | None, agent: str | None, f: dict[str, Any]) -> dict[str, Any]:
    return {"id": item_id, "turn": turn, "agent": agent, "rule": f["rule"], "category": f["category"],
            "severity": f["severity"], "start": f["start"], "end": f["end"], "text": f["text"],
            "message": f["message"]}
