"""`replycoach batch` on real data: --jobs 2 against --jobs 1, where the CPU goes, flat memory, canned reuse.

Two workloads, each run through the CLI as a subprocess (the checkout first on PYTHONPATH), --jobs 1
and --jobs 2 interleaved, every run with --timings (the CPU seconds of each process, as the CLI
measures them):

1. helpdesk conversations: stc3-helpdesk/dialogues_en.jsonl, all 1,220 dialogues and its 830-dialogue
   train split, with --role-map helpdesk=agent (the issue's "845 conversations" match neither: the
   folder was re-split since; both are measured). --runs (3) runs per --jobs.
2. agent replies: every agent reply of twcs-head + ibm-twitter-customer-care (corpus.agent_replies,
   with the customer message and the agent: twcs author_id, IBM turn speaker) written to a
   temporary JSONL file {"id", "text", "customer", "agent"}, repeated with a new id per copy, at
   10,000 replies (--runs times) and 100,000 (20,000 with --quick; once).

Wall-clock figures depend on what else the machine runs; CPU seconds much less, so each run also
reports them, and the speed-up two free cores would give is computed from them (Amdahl):

  wall s        time.perf_counter around the whole process
  CPU before    the parent's CPU when scoring began: interpreter, imports, Coach(), and with --jobs 2
                Coach.warm_up() (what every worker would load on first use) and forking (serial)
  CPU parent    the parent's CPU while the workers scored: reading, handing out chunks, writing lines,
                the summary (it runs beside the workers, so it competes with them for the two cores)
  CPU after     the parent's CPU after the last line: the summary and report files (serial)
  CPU workers   each worker's CPU from fork to its last chunk, with its chunks and records (balance)
  predicted     jobs-1 CPU / (before + after + max(busiest worker, (workers + parent) / 2)): the
                speed-up on two free cores; the CPU of a jobs-1 run is its wall time on a free core
  serial share  (before + after) / jobs-1 CPU: Amdahl's bound is 1 / (share + (1 - share) / 2)
  pool cost     CPU of the jobs-2 process tree - CPU of the jobs-1 run: what parallelism costs in
                all (forking, copy-on-write pages, each worker warming its own caches, pickling)
  wall scaling  median jobs-1 wall / median jobs-2 wall, as measured under the machine's load now
  CPU capacity  2 x (one busy loop's time) / (time of 2 at once), before and after: what the machine
                gives right now (2.0 on two idle cores, less on a shared host); wall scaling
                cannot beat it, the predicted figure does not depend on it

Then, for replies: replies/s (records / wall, start-up included), steady/s (records / (wall -
start-up), start-up = wall on a 1-reply file, median of 3), peak RSS (`/usr/bin/time -v` "Maximum
resident set size": the largest process; "tree RSS" sums VmRSS over parent and workers, sampled
every 0.1 s from /proc), memory ratio (large / small peak: flat memory is close to 1), same output
(every run on a file wrote byte-identical results, --jobs 1 and 2 alike). Then the CLI on
twcs-head/twcs_head.csv as linked tweets: the 10 agents with the highest canned-reuse rate.

    .venv/bin/python benchmarks/batch.py                       # both parts, about 6 minutes on a quiet machine
    .venv/bin/python benchmarks/batch.py --part helpdesk       # the issue's target (>= 1.8x), about 2 minutes
    .venv/bin/python benchmarks/batch.py [--json] [--quick] [--runs 3] [--limit N] [--rules DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from common import REPO, add_rules_arg, fail, table, tree_rss_kib
from corpus import DataMissing, _csv_rows, _need, agent_replies, exit_missing

CLI = "import sys; from replycoach.cli import main; sys.exit(main())"
LINE = re.compile(r"replycoach batch: read (\d+), scored (\d+), failed (\d+) \((.*)\), skipped (\d+)")
TARGET_SCALING = 1.7  # replies, large file
TARGET_HELPDESK = 1.8  # helpdesk conversations (issue 13)
SMALL, LARGE, QUICK = 10_000, 100_000, 20_000


@dataclass
class Run:
    file: str
    replies: int
    jobs: int
    wall_s: float
    cpu_s: float  # user + system, the whole process tree
    read: int
    scored: int
    failed: int
    skipped: int
    replies_per_s: float
    steady_per_s: float | None
    peak_rss_mb: float  # the largest single process
    tree_rss_mb: float | None  # the sum over the process tree, sampled
    sha256: str
    times: dict[str, Any]  # the CLI's --timings: CPU seconds by process


# --- data ------------------------------------------------------------------------------------

def corpus_rows(limit: int | None) -> list[dict[str, Any]]:
    """Agent replies as {id, text, customer, agent}."""
    agents = {f"twcs:{r['tweet_id']}": r["author_id"] for r in _csv_rows(_need("twcs-head", "twcs_head.csv"))}
    with _need("ibm-twitter-customer-care", "conversations.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                conv = json.loads(line)
                for i, turn in enumerate(conv["turns"]):
                    agents[f"ibm:{conv['id']}:{i}"] = turn.get("speaker") or conv.get("company") or "ibm"
    replies = agent_replies()[:limit]
    return [{"id": r.id, "text": r.text, "customer": r.customer, "agent": agents.get(r.id)} for r in replies]


def write_repeated(rows: list[dict[str, Any]], n: int, path: Path) -> Path:
    """`n` replies: the corpus repeated, copy k giving ids "<id>#k"."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            copy, row = divmod(i, len(rows))
            f.write(json.dumps({**rows[row], "id": f"{rows[row]['id']}#{copy}"}, ensure_ascii=False) + "\n")
    return path


# --- running the CLI ---------------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Samples the process tree's summed RSS until stopped; `peak_kb` is the largest seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_kb = max(self.peak_kb, tree_rss_kib(self.pid))


@dataclass
class Proc:
    wall_s: float
    stderr: str
    last_line: str  # the CLI's last stderr line
    peak_mb: float  # the largest single process
    tree_mb: float | None  # the summed RSS of the process tree, sampled
    cpu_s: float  # user + system time of the whole tree


def run_cli(args: list[str], cwd: Path) -> Proc:
    """Run `replycoach ARGS` as a child process and measure it."""
    timer = Path("/usr/bin/time").exists()
    stats = cwd / "time-v.txt"
    cmd = [sys.executable, "-c", CLI, *args]
    if timer:
        cmd = ["/usr/bin/time", "-v", "-o", str(stats), *cmd]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid) if Path("/proc/self/status").exists() else None
    if sampler:
        sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    if sampler:
        sampler.done.set()
        sampler.join()
    if proc.returncode not in (0, 1):
        fail(f"replycoach {' '.join(args)} exited with {proc.returncode}:\n{err}")
    last = err.strip().splitlines()[-1] if err.strip() else ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if timer:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats.read_text())
        peak_kb = int(found.group(1)) if found else 0
    else:  # ru_maxrss of children is a high-water mark: only meaningful when it grew
        peak_kb = after.ru_maxrss if after.ru_maxrss > before.ru_maxrss else 0
    tree = sampler.peak_kb / 1024 if sampler and sampler.peak_kb else None
    return Proc(wall, err, last, peak_kb / 1024, tree, cpu)


def timed_batch(src: Path, n: int, jobs: int, work: Path, extra: list[str], startup: float) -> Run:
    """One CLI run on `src`: counts from its summary line, rates, memory, CPU by process, the output's hash."""
    out, timings = work / f"out-{src.stem}-j{jobs}.jsonl", work / "timings.json"
    proc = run_cli(["batch", str(src), "--out", str(out), "--jobs", str(jobs), "--timings", str(timings), *extra],
                   work)
    counts = LINE.search(proc.stderr)
    if not counts:
        fail(f"no summary line from replycoach batch (got {proc.last_line!r})")
    read, scored, failed, _, skipped = (int(c) if c.isdigit() else 0 for c in counts.groups())
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    out.unlink()
    steady = read / (proc.wall_s - startup) if proc.wall_s > startup else None
    return Run(src.name, n, jobs, round(proc.wall_s, 2), round(proc.cpu_s, 1), read, scored, failed, skipped,
               round(read / proc.wall_s, 1), round(steady, 1) if steady else None, round(proc.peak_mb, 1),
               round(proc.tree_mb, 1) if proc.tree_mb else None, digest, json.loads(timings.read_text()))


# --- where the CPU goes, and what two free cores would give ---------------------------------------

def cpu_split(times: dict[str, Any]) -> dict[str, Any]:
    """A run's CPU seconds by role, from the CLI's --timings."""
    after = max(0.0, times["total_s"] - times["before_s"] - times["scoring_s"])
    workers = [w["cpu_s"] for w in times["workers"]]
    return {"before": times["before_s"], "parent": times["scoring_s"], "after": round(after, 3),
            "workers": workers, "records": [w["records"] for w in times["workers"]],
            "chunks": [w["chunks"] for w in times["workers"]],
            "total": round(times["total_s"] + sum(workers), 3)}


def predicted(one: dict[str, Any], two: dict[str, Any]) -> dict[str, Any]:
    """Amdahl from CPU seconds: jobs-1 CPU against the jobs-2 run's serial part plus its parallel
    part shared by two cores (the parent scores nothing, but its work runs beside the workers')."""
    serial = two["before"] + two["after"]
    parallel = max(max(two["workers"]), (sum(two["workers"]) + two["parent"]) / 2)
    share = (one["before"] + one["after"]) / one["total"]
    return {"jobs1_cpu_s": one["total"], "jobs2_cpu_s": two["total"], "serial_s": round(serial, 2),
            "serial_share": round(share, 3), "amdahl_bound": round(1 / (share + (1 - share) / 2), 2),
            "predicted": round(one["total"] / (serial + parallel), 2),
            "balance": round(min(two["workers"]) / max(two["workers"]), 3),
            "pool_cost_s": round(two["total"] - one["total"], 2)}


def medians(runs: list[Run], jobs: int) -> dict[str, Any]:
    """The median of each CPU figure over `runs` with `jobs` (workers by rank: busiest first)."""
    splits = [cpu_split(r.times) for r in runs if r.jobs == jobs]
    out: dict[str, Any] = {k: round(statistics.median(s[k] for s in splits), 3)
                           for k in ("before", "parent", "after", "total")}
    for key in ("workers", "records", "chunks"):
        ranked = [sorted(s[key], reverse=True) for s in splits]
        out[key] = [statistics.median(r[i] for r in ranked) for i in range(len(ranked[0]))]
    out["wall"] = statistics.median(r.wall_s for r in runs if r.jobs == jobs)
    return out


SPIN = "x = 0\nfor i in range(20_000_000):\n    x += i"


def cpu_capacity(procs: int = 2) -> float:
    """How many CPUs' worth of pure-Python work the machine gives right now: `procs` busy loops
    at once against one alone (2.0 on two idle cores; shared or throttled machines give less)."""
    def wall(n: int) -> float:
        start = time.perf_counter()
        for child in [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(n)]:
            child.wait()
        return time.perf_counter() - start

    one = min(wall(1) for _ in range(3))
    return round(min(procs, procs * one / min(wall(procs) for _ in range(2))), 2)


# --- canned reuse on twcs-head -------------------------------------------------------------------

REUSE_ARGS = ["--id-col", "tweet_id", "--agent-col", "author_id", "--time-col", "created_at",
              "--reply-to-col", "in_response_to_tweet_id", "--inbound-col", "inbound"]


def reuse_top(work: Path, extra: list[str], top: int = 10) -> tuple[str, list[dict[str, Any]]]:
    """(CLI summary line, the `top` agents by reuse rate with their top repeated line)."""
    src = _need("twcs-head", "twcs_head.csv")
    summary = work / "s.csv"
    proc = run_cli(["batch", str(src), "--out", str(work / "twcs.jsonl"), *REUSE_ARGS,
                    "--summary", str(summary), *extra], work)
    found = LINE.search(proc.stderr)
    last = found.group(0) if found else proc.last_line
    with summary.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] == "agent" and r.get("reuse_rate")]
    agents: list[dict[str, Any]] = []
    for r in rows:
        lines = json.loads(r.get("top_repeated") or "[]")
        agents.append({"agent": r["name"], "replies": int(r["replies"]), "reuse_rate": float(r["reuse_rate"]),
                       "top_line": lines[0]["text"] if lines else None,
                       "top_line_count": lines[0]["count"] if lines else 0})
    agents.sort(key=lambda a: (-a["reuse_rate"], -a["replies"], a["agent"]))
    return last, agents[:top]


# --- main -----------------------------------------------------------------------------------------

def rules_args(rules: Path | None, work: Path) -> list[str]:
    """--rules DIR as the CLI's config: only the packs under DIR."""
    if rules is None:
        return []
    config = work / "replycoach.toml"
    config.write_text(f"shipped_packs = false\npacks = [{json.dumps(str(rules.resolve()))}]\n", encoding="utf-8")
    return ["--config", str(config)]


HELPDESK_ARGS = ["--role-map", "helpdesk=agent"]


def helpdesk_files(work: Path) -> list[tuple[str, Path, int]]:
    """(name, path, records): all of stc3-helpdesk's English dialogues, and its train split alone."""
    src = _need("stc3-helpdesk", "dialogues_en.jsonl")
    lines = [line for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    train = [line for line in lines if json.loads(line).get("split") == "train"]
    split = work / "helpdesk-train.jsonl"
    split.write_text("\n".join(train) + "\n", encoding="utf-8")
    return [("all dialogues", src, len(lines)), ("train split", split, len(train))]


def measure_helpdesk(args: argparse.Namespace, work: Path, extra: list[str]) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for name, src, n in helpdesk_files(work):
        runs: list[Run] = []
        for _ in range(args.runs):  # interleaved, so that a slow spell of the machine hits both
            for jobs in (1, 2):
                runs.append(timed_batch(src, n, jobs, work, [*HELPDESK_ARGS, *extra], 0.0))
                print(f"  helpdesk {name} ({n:,}), --jobs {jobs}: {runs[-1].wall_s} s", file=sys.stderr)
        one, two = medians(runs, 1), medians(runs, 2)
        files.append({"name": name, "file": str(src), "records": n, "runs": [asdict(r) for r in runs],
                      "jobs1": one, "jobs2": two, "amdahl": predicted(one, two),
                      "wall_scaling": round(one["wall"] / two["wall"], 2),
                      "same_output": len({r.sha256 for r in runs}) == 1})
    return {"files": files, "target": TARGET_HELPDESK}


def measure_replies(args: argparse.Namespace, work: Path, extra: list[str]) -> dict[str, Any]:
    rows = corpus_rows(args.limit)
    if not rows:
        fail("no agent replies")
    large = QUICK if args.quick else LARGE
    one = write_repeated(rows, 1, work / "one.jsonl")
    startup = {j: statistics.median(run_cli(["batch", str(one), "--out", str(work / "one-out.jsonl"), "--jobs", str(j),
                                             *extra], work).wall_s for _ in range(3)) for j in (1, 2)}
    runs: list[Run] = []
    for n, repeats in ((SMALL, args.runs), (large, 1)):
        src = write_repeated(rows, n, work / f"replies-{n}.jsonl")
        for _ in range(repeats):  # interleaved, so that a slow spell of the machine hits both
            for jobs in (1, 2):
                runs.append(timed_batch(src, n, jobs, work, extra, startup[jobs]))
                print(f"  {n:,} replies, --jobs {jobs}: {runs[-1].wall_s} s", file=sys.stderr)
        src.unlink()

    def median(n: int, jobs: int, key: str) -> float:
        return statistics.median(getattr(r, key) for r in runs if r.replies == n and r.jobs == jobs)

    def scaling(n: int, key: str) -> float:
        return round(median(n, 2, key) / median(n, 1, key), 2)

    hashes = {n: {r.sha256 for r in runs if r.replies == n} for n in (SMALL, large)}
    memory = {f"jobs{j}": {"small_mb": median(SMALL, j, "peak_rss_mb"), "large_mb": median(large, j, "peak_rss_mb"),
                           "ratio": round(median(large, j, "peak_rss_mb") / median(SMALL, j, "peak_rss_mb"), 2),
                           "tree_small_mb": median(SMALL, j, "tree_rss_mb") if runs[0].tree_rss_mb else None,
                           "tree_large_mb": median(large, j, "tree_rss_mb") if runs[0].tree_rss_mb else None}
              for j in (1, 2)}
    amdahl = {str(n): predicted(medians([r for r in runs if r.replies == n], 1),
                                medians([r for r in runs if r.replies == n], 2)) for n in (SMALL, large)}
    reuse_line, reuse = reuse_top(work, extra)
    return {
        "corpus_replies": len(rows), "small": SMALL, "large": large, "runs_small": args.runs,
        "startup_s": {f"jobs{j}": round(s, 2) for j, s in startup.items()},
        "runs": [asdict(r) for r in runs],
        "replies_per_s": {f"{n}_jobs{j}": median(n, j, "replies_per_s") for n in (SMALL, large) for j in (1, 2)},
        "scaling": {str(n): scaling(n, "replies_per_s") for n in (SMALL, large)},
        "steady_scaling": {str(n): scaling(n, "steady_per_s") for n in (SMALL, large)},
        "amdahl": amdahl,
        "scaling_target": TARGET_SCALING, "scaling_ok": scaling(large, "replies_per_s") >= TARGET_SCALING,
        "same_output": {str(n): len(h) == 1 for n, h in hashes.items()},
        "memory": memory,
        "memory_meter": "/usr/bin/time -v" if Path("/usr/bin/time").exists() else "getrusage(RUSAGE_CHILDREN)",
        "reuse_cli_line": reuse_line, "reuse_top": reuse,
    }


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    extra = rules_args(args.rules, work)
    warm = write_repeated([{"id": "warm", "text": "Thanks for waiting.", "customer": None, "agent": None}], 1,
                          work / "warm.jsonl")
    run_cli(["batch", str(warm), "--out", str(work / "warm-out.jsonl"), *extra], work)  # file and bytecode caches
    result: dict[str, Any] = {"cpus": len(os.sched_getaffinity(0)), "cpu_capacity": [cpu_capacity()]}
    if args.part in ("helpdesk", "all"):
        result["helpdesk"] = measure_helpdesk(args, work, extra)
    if args.part in ("replies", "all"):
        result["replies"] = measure_replies(args, work, extra)
    result["cpu_capacity"].append(cpu_capacity())
    return result


def cpu_rows(runs: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for x in runs:
        c = cpu_split(x["times"])
        workers = " + ".join(f"{w:.2f} ({n}r/{k}c)" for w, n, k in zip(c["workers"], c["records"], c["chunks"],
                                                                        strict=True)) or "-"
        rows.append([x["replies"], x["jobs"], x["wall_s"], c["before"], c["parent"], c["after"], workers, c["total"]])
    return rows


CPU_HEADER = ["records", "jobs", "wall s", "CPU before", "CPU parent", "CPU after",
              "CPU workers (records/chunks)", "CPU total"]


def amdahl_lines(a: dict[str, Any], wall: float | None) -> Iterator[str]:
    yield (f"  CPU s: --jobs 1 {a['jobs1_cpu_s']}, --jobs 2 {a['jobs2_cpu_s']} (pool cost {a['pool_cost_s']:+}); "
           f"serial {a['serial_s']} s, serial share {a['serial_share']:.1%} (Amdahl bound {a['amdahl_bound']}x); "
           f"worker balance {a['balance']:.2f}")
    measured = f"; measured wall scaling {wall}x (under this machine's load)" if wall is not None else ""
    yield f"  predicted --jobs 2 / --jobs 1 on two free cores: {a['predicted']}x{measured}"


def report_helpdesk(h: dict[str, Any]) -> Iterator[str]:
    yield (f"helpdesk conversations (stc3-helpdesk, {' '.join(HELPDESK_ARGS)}); CPU seconds by process, "
           "from --timings:")
    for f in h["files"]:
        yield ""
        yield f"{f['name']}: {f['records']:,} conversations ({f['file']})"
        yield table(CPU_HEADER, cpu_rows(f["runs"]))
        yield from amdahl_lines(f["amdahl"], f["wall_scaling"])
        ok = "ok" if f["amdahl"]["predicted"] >= h["target"] else "BELOW TARGET"
        yield f"  target >= {h['target']}x (predicted): {ok}; output byte-identical across runs: {f['same_output']}"


def report_replies(r: dict[str, Any]) -> Iterator[str]:
    yield (f"replies: {r['corpus_replies']:,} real agent replies repeated to {r['small']:,} and "
           f"{r['large']:,} (new id per copy); start-up (1-reply file, median of 3) "
           f"{r['startup_s']['jobs1']} s with --jobs 1, {r['startup_s']['jobs2']} s with --jobs 2")
    yield ""
    yield table(["replies", "jobs", "wall s", "cpu s", "replies/s", "steady/s", "scored", "failed", "peak RSS MB",
                 "tree RSS MB"],
                [[x["replies"], x["jobs"], x["wall_s"], x["cpu_s"], x["replies_per_s"], x["steady_per_s"],
                  x["scored"], x["failed"], x["peak_rss_mb"], x["tree_rss_mb"]] for x in r["runs"]])
    yield ""
    yield table(CPU_HEADER, cpu_rows(r["runs"]))
    yield ""
    for n in (r["small"], r["large"]):
        runs = f"median of {r['runs_small']}" if n == r["small"] else "one run"
        yield (f"scaling --jobs 2 / --jobs 1 at {n:,} ({runs}): {r['scaling'][str(n)]}x, "
               f"start-up excluded {r['steady_scaling'][str(n)]}x")
        yield from amdahl_lines(r["amdahl"][str(n)], None)
    ok = "ok" if r["scaling_ok"] else "BELOW TARGET"
    yield f"target >= {r['scaling_target']}x at {r['large']:,} (wall): {ok}"
    yield f"--jobs 2 output byte-identical to --jobs 1: {r['same_output']}"
    for jobs, m in r["memory"].items():
        yield (f"peak memory {jobs} ({r['memory_meter']}, largest process): {m['small_mb']} MB at {r['small']:,}, "
               f"{m['large_mb']} MB at {r['large']:,}, ratio {m['ratio']}; whole tree (sampled): "
               f"{m['tree_small_mb']} -> {m['tree_large_mb']} MB")
    yield ""
    yield f"canned reuse on twcs-head ({r['reuse_cli_line']}); top 10 agents by reuse rate:"
    yield table(["agent", "replies", "reuse", "top repeated line", "uses"],
                [[a["agent"], a["replies"], a["reuse_rate"], (a["top_line"] or "")[:90], a["top_line_count"]]
                 for a in r["reuse_top"]])


def report(r: dict[str, Any]) -> Iterator[str]:
    yield (f"replycoach batch, {r['cpus']} CPUs; CPU capacity (2 busy loops at once vs one, before and after): "
           f"{r['cpu_capacity'][0]} and {r['cpu_capacity'][1]} CPUs (2.0 = two free cores); wall scaling "
           "cannot beat it, the predicted figures do not depend on it")
    if "helpdesk" in r:
        yield ""
        yield from report_helpdesk(r["helpdesk"])
    if "replies" in r:
        yield ""
        yield from report_replies(r["replies"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} replies instead of {LARGE:,}")
    parser.add_argument("--limit", type=int, default=None, help="use the first N corpus replies")
    parser.add_argument("--runs", type=int, default=3,
                        help="timed runs per --jobs on each helpdesk file and on the 10,000-reply file")
    parser.add_argument("--part", choices=("helpdesk", "replies", "all"), default="all",
                        help="helpdesk conversations, repeated agent replies, or both (default)")
    add_rules_arg(parser)
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="rc-batch-") as tmp:
            result = measure(args, Path(tmp))
    except DataMissing as err:
        exit_missing(err)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print("\n".join(report(result)))


if __name__ == "__main__":
    main()
