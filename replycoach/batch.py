"""Batch scoring for trainers: many replies or conversations, in order, in parallel, resumable.

Every input record gives exactly one result line, in input order: its report, or an error
object saying what was wrong with it (a bad record never stops the run), or a note that it was
skipped (a customer row in a tweet export). Results are identical whatever `jobs` is: workers
score chunks and the parent writes them back in order.

From Python, `score_batch(coach, source)` is the entry point. What a run adds up to is
summary.py's (`BatchSummary`); the trainer's HTML report of it is batch_report.py's.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from .batch_report import summary_html
from .coach import Coach
from .config import Config
from .errors import ConfigError, InputError, ReplycoachError
from .models import CATEGORIES
from .records import Columns, Item, Turn, items_from
from .summary import NO_AGENT_TURN, NO_SCORED_TURN, BatchSummary, parse_time, replies_of
from .text import replace_unencodable
from .workers import Worker, WorkerError, WorkerLost, wait_any

__all__ = ["BatchRun", "RunTimes", "WorkerTimes", "findings_dataframe", "result_line", "resume_point",
           "score_batch", "score_item", "score_items", "score_lines", "to_dataframe"]


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
            conversation = coach.check_conversation(item.turns, channel=channel)
            result["conversation"] = conversation.model_dump(mode="json")
            if not any(turn.report for turn in conversation.turns):
                # its score (0) would count as a conversation scored; the turns' errors stay in the line
                result["skipped"] = NO_SCORED_TURN if any(t.role == "agent" for t in item.turns) else NO_AGENT_TURN
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

# A chunk is sized to take about this much of a worker's CPU: long enough that handing it over
# (a pipe round trip, pickling) costs under 1% of it, short enough that the run's tail, where
# one worker finishes the last chunk alone, stays a fraction of a second.
CHUNK_SECONDS = 0.1
FIRST_CHUNK = 4  # records in each worker's first chunk, before their cost is known
MAX_CHUNK = 1024


def result_line(result: dict[str, Any]) -> bytes:
    """A result as the line `replycoach batch` writes: JSON, UTF-8, newline-terminated."""
    return (json.dumps(result, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass
class WorkerTimes:
    """What one worker process did: its CPU seconds since it was forked, chunks and records."""

    cpu_s: float = 0.0
    chunks: int = 0
    records: int = 0


@dataclass
class RunTimes:
    """CPU seconds of a run, by process, as `score_lines` fills them in: what bounds its speed-up
    on free cores, whatever the machine's load while it ran (see benchmarks/batch.py)."""

    jobs: int = 1
    before_s: float = 0.0  # this process's CPU when scoring began (interpreter, imports, Coach; with workers,
    # its warm-up and forking them)
    scoring_s: float = 0.0  # ... while records were scored (with workers: reading, handing out, writing)
    wall_scoring_s: float = 0.0
    workers: dict[int, WorkerTimes] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"jobs": self.jobs, "before_s": round(self.before_s, 3), "scoring_s": round(self.scoring_s, 3),
                "wall_scoring_s": round(self.wall_scoring_s, 3),
                "workers": [{"pid": pid, "cpu_s": round(w.cpu_s, 3), "chunks": w.chunks, "records": w.records}
                            for pid, w in self.workers.items()]}


def _process_cpu() -> float:
    return time.process_time()


Scored = tuple[list[dict[str, Any]], list[bytes], float, float]  # results, lines, chunk CPU, worker CPU


def _no_line(result: dict[str, Any]) -> bytes:
    return b""


def _chunk_scorer(coach: Coach | None, config: Config, rules: list[str],
                  encode: Callable[[dict[str, Any]], bytes]) -> Callable[[list[Item]], Scored]:
    """In a worker: the parent's Coach when forked, else one built from `config` and `rules`. Each
    chunk comes back with its lines already encoded, so the parent only writes bytes."""
    scorer = coach or Coach(config=config, rules=rules)

    def score(items: list[Item]) -> Scored:
        start = _process_cpu()
        results = [score_item(scorer, item) for item in items]
        lines = [encode(r) for r in results]
        now = _process_cpu()
        return results, lines, now - start, now

    return score


def score_items(items: Iterable[Item], *, coach: Coach | None = None, config: Config | None = None,
                rules: list[str] | None = None, jobs: int = 1) -> Iterator[tuple[Item, dict[str, Any]]]:
    """(item, result) pairs in input order; see `score_lines`."""
    for item, result, _ in _scored(items, coach=coach, config=config, rules=rules, jobs=jobs, times=RunTimes(),
                                   encode=_no_line):
        yield item, result


def score_lines(items: Iterable[Item], *, coach: Coach | None = None, config: Config | None = None,
                rules: list[str] | None = None, jobs: int = 1,
                times: RunTimes | None = None) -> Iterator[tuple[Item, dict[str, Any], bytes]]:
    """(item, result, its output line) in input order. With jobs > 1, worker processes score
    chunks (forked from this one, sharing its Coach, or built from `config` and `rules` where
    processes cannot fork); a few chunks per worker at most are in flight, so memory stays flat
    however long the input is. `times`, if given, is filled with the CPU each process spent.

    A worker that dies (killed, out of memory) stops the run within a second or so with
    ReplycoachError RC112, after every result finished before it has been yielded."""
    times = times or RunTimes()
    times.jobs, times.before_s = jobs, _process_cpu()
    began = time.perf_counter()
    try:
        yield from _scored(items, coach=coach, config=config, rules=rules, jobs=jobs, times=times,
                           encode=result_line)
    finally:
        times.scoring_s = _process_cpu() - times.before_s
        times.wall_scoring_s = time.perf_counter() - began


def _scored(items: Iterable[Item], *, coach: Coach | None, config: Config | None, rules: list[str] | None,
            jobs: int, times: RunTimes,
            encode: Callable[[dict[str, Any]], bytes]) -> Iterator[tuple[Item, dict[str, Any], bytes]]:
    rules = rules if rules is not None else (coach.rule_paths if coach else [])
    if jobs <= 1:
        coach = coach or Coach(config=config, rules=rules)
        for item in items:
            result = score_item(coach, item)
            yield item, result, encode(result)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:  # what every worker would load on first use, loaded once and shared
        coach = coach or Coach(config=config, rules=rules)
        coach.warm_up()
    args = (coach if fork else None, config or (coach.config if coach else Config()), rules, encode)
    # Objects that exist now are never freed by a worker: frozen, its garbage collector does not
    # walk them, so it does not write to (and copy) the pages of the Coach it shares with us.
    gc.freeze()
    try:
        workers = [Worker(context, _chunk_scorer, args) for _ in range(jobs)]
    finally:
        gc.unfreeze()
    times.before_s = _process_cpu()  # the warm-up and forking are start-up, done before any record is scored
    try:
        yield from _in_order(iter(items), workers, window=jobs * 4, times=times)
    finally:
        for worker in workers:
            worker.stop()


class _Sizer:
    """Chunk sizes that make each chunk about CHUNK_SECONDS of a worker's CPU, from the CPU per
    record measured so far (conversations cost ten times what single replies do)."""

    def __init__(self) -> None:
        self.cpu_s, self.records = 0.0, 0

    def measured(self, cpu_s: float, records: int) -> None:
        self.cpu_s += cpu_s
        self.records += records

    def size(self) -> int:
        if not self.records or self.cpu_s <= 0:
            return FIRST_CHUNK
        return max(1, min(MAX_CHUNK, round(CHUNK_SECONDS * self.records / self.cpu_s)))


def _in_order(items: Iterator[Item], workers: list[Worker], *, window: int,
              times: RunTimes) -> Iterator[tuple[Item, dict[str, Any], bytes]]:
    """Hand chunks to idle workers, one each, and yield their results in input order; at most
    `window` chunks are sent and not yet yielded."""
    sent: dict[int, list[Item]] = {}
    done: dict[int, tuple[list[dict[str, Any]], list[bytes]]] = {}
    busy: dict[Worker, int] = {}
    idle = list(workers)
    sizer = _Sizer()
    sent_count = yielded = 0
    more = True

    def take(worker: Worker) -> None:
        index = busy.pop(worker)
        results, lines, chunk_cpu, worker_cpu = worker.receive()
        done[index] = results, lines
        sizer.measured(chunk_cpu, len(results))
        record = times.workers.setdefault(worker.pid or 0, WorkerTimes())
        record.cpu_s, record.chunks, record.records = worker_cpu, record.chunks + 1, record.records + len(results)

    def ready() -> Iterator[tuple[Item, dict[str, Any], bytes]]:
        nonlocal yielded
        while yielded in done:
            results, lines = done.pop(yielded)
            yield from zip(sent.pop(yielded), results, lines, strict=True)
            yielded += 1

    try:
        for worker in workers:
            worker.wait_ready()
            times.workers[worker.pid or 0] = WorkerTimes()
        while True:
            while more and idle and sent_count - yielded < window:
                chunk = list(islice(items, sizer.size()))
                if not chunk:
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
            if not busy:  # the window was full until ready() yielded: hand out more before waiting
                continue
            for worker in wait_any(list(busy)):
                take(worker)
                idle.append(worker)
    except WorkerLost as lost:
        for worker in wait_any([w for w in busy if w.pid != lost.pid], timeout=0):
            with suppress(WorkerLost, WorkerError):  # keep every result that is complete
                take(worker)
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
        return summary_html(self.summary)


def score_batch(coach: Coach, items: Iterable[Item] | Iterable[dict[str, Any]] | str | Path | Any, *,
                columns: Columns | None = None, shape: str | None = None, jobs: int = 1) -> BatchRun:
    """Score an export (a path), a pandas DataFrame, a list of dicts (rows, mapped by `columns`
    like a file's) or Items with `coach`: iterate the result for per-record results in input
    order; its `summary` (per agent and team, reused lines) is complete once iterated."""
    return BatchRun(items_from(items, cols=columns, shape=shape), coach=coach, jobs=jobs)  # type: ignore[arg-type]


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
