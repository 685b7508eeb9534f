"""What a trainer reads after a batch run: counts, per-agent and per-team figures, the worst and
best replies, weekly trends and reused lines, built from result lines (fresh or read back on
--resume), and written out as flat CSV tables."""

from __future__ import annotations

import csv
from bisect import insort
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .models import CATEGORIES, html_view
from .reuse import ReuseTracker

__all__ = ["BatchSummary", "Example", "GroupStats", "parse_time", "replies_of", "summary_files", "week_of",
           "write_summary"]


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


def _lowest(e: Example) -> tuple[int, str]:
    return e.score, e.id


def _highest(e: Example) -> tuple[int, str]:
    return -e.score, e.id


def _keep(ranked: list[Example], example: Example, key: Callable[[Example], tuple[int, str]], size: int) -> None:
    """Add `example` to `ranked` (sorted by `key`, at most `size` long) if it ranks among the first
    `size`; ties go after the examples already there, as a stable sort of the list plus it would put
    them. Most replies rank below the last kept one and cost one comparison: no sort per record."""
    if len(ranked) >= size and key(example) >= key(ranked[-1]):
        return
    insort(ranked, example, key=key)
    del ranked[size:]


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
        _keep(self.worst, example, _lowest, KEEP)
        _keep(self.best, example, _highest, KEEP)
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


# batch's `skipped` reasons for a conversation with no agent turn at all (its roles are not mapped,
# or it has none) and for one whose agent turns all failed
NO_AGENT_TURN = "no agent turn"
NO_SCORED_TURN = "no agent turn could be scored"


@dataclass
class BatchSummary:
    """What a trainer reads after a run: counts, per-agent and per-team stats, reused lines."""

    read: int = 0
    scored: int = 0
    failed: int = 0
    skipped: int = 0
    without_agent: int = 0  # conversations skipped for want of a turn with the role "agent"
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
            self.without_agent += result["skipped"] == NO_AGENT_TURN
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
                _keep(self.worst, example, _lowest, 8)

    def line(self) -> str:
        errors = ", ".join(f"{c} {n}" for c, n in self.errors.most_common()) or "none"
        return (f"replycoach batch: read {self.read}, scored {self.scored}, failed {self.failed} "
                f"({errors}), skipped {self.skipped}")

    def gaps(self) -> dict[str, str]:
        """What the summary lacks for want of data, keyed "agent", "time" or "roles" (the same keys
        as `records.column_warnings`), each saying why and what to pass."""
        gaps: dict[str, str] = {}
        if self.without_agent and not self.overall.replies:
            gaps["roles"] = (f"{self.without_agent} conversations were read but none had a turn with the role 'agent', "
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

    def _repr_html_(self) -> str | None:
        return html_view(self)


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
