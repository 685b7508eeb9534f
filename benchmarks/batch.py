"""`replycoach batch` on real agent replies: throughput with --jobs 1 and 2, flat memory, canned reuse.

Every agent reply of twcs-head + ibm-twitter-customer-care (corpus.agent_replies, with the customer
message and the agent: twcs author_id, IBM turn speaker) is written to a temporary JSONL file
{"id", "text", "customer", "agent"}, repeated with a new id per copy, at two sizes: 10,000 replies
and 100,000 (20,000 with --quick). The CLI runs on each file as a subprocess (the checkout first on
PYTHONPATH), with --jobs 1 and --jobs 2 interleaved: --runs (3) times on the small file, once on
the large one. Each run is timed with time.perf_counter around the whole process:

  replies/s     records read (from the CLI's last stderr line) / wall time, start-up included
  steady/s      records / (wall time - start-up); start-up = wall time on a 1-reply file (median of 3)
  scaling       median --jobs 2 rate / median --jobs 1 rate, per file (target >= 1.7 on 2 cores)
  cpu s         user + system time of the whole process tree (getrusage of children)
  peak RSS      `/usr/bin/time -v` "Maximum resident set size": the largest single process of the
                tree (else getrusage(RUSAGE_CHILDREN).ru_maxrss); "tree RSS" is the sum of VmRSS
                over the tree (parent + workers), sampled every 0.1 s from /proc
  memory ratio  large-file peak / 10,000-reply peak, per --jobs (flat memory: close to 1)
  same output   every run on a file wrote a byte-identical results file, --jobs 1 and 2 alike
  CPU capacity  2 x (one busy loop's time) / (time of 2 at once), before and after the runs: what
                the machine gives right now (2.0 on two idle cores, less on a shared host)

Then the CLI on twcs-head/twcs_head.csv as linked tweets (--id-col tweet_id --agent-col author_id
--time-col created_at --reply-to-col in_response_to_tweet_id --inbound-col inbound --summary s.csv):
the 10 agents with the highest canned-reuse rate, with their top repeated line.

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

from common import REPO, add_rules_arg, fail, table
from corpus import DataMissing, _csv_rows, _need, agent_replies, exit_missing

CLI = "import sys; from replycoach.cli import main; sys.exit(main())"
LINE = re.compile(r"replycoach batch: read (\d+), scored (\d+), failed (\d+) \((.*)\), skipped (\d+)")
TARGET_SCALING = 1.7
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

def _tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over `root` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                ppid = int(stat[stat.rfind(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class TreeSampler(threading.Thread):
    """Samples the process tree's summed RSS until stopped; `peak_kb` is the largest seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


@dataclass
class Proc:
    wall_s: float
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
    return Proc(wall, last, peak_kb / 1024, tree, cpu)


def timed_batch(src: Path, n: int, jobs: int, work: Path, extra: list[str], startup: float) -> Run:
    """One CLI run on `src`: counts from its last stderr line, rates, memory, and the output's hash."""
    out = work / f"out-{src.stem}-j{jobs}.jsonl"
    proc = run_cli(["batch", str(src), "--out", str(out), "--jobs", str(jobs), *extra], work)
    counts = LINE.search(proc.last_line)
    if not counts:
        fail(f"no summary line from replycoach batch (got {proc.last_line!r})")
    read, scored, failed, _, skipped = (int(c) if c.isdigit() else 0 for c in counts.groups())
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    out.unlink()
    steady = read / (proc.wall_s - startup) if proc.wall_s > startup else None
    return Run(src.name, n, jobs, round(proc.wall_s, 2), round(proc.cpu_s, 1), read, scored, failed, skipped,
               round(read / proc.wall_s, 1), round(steady, 1) if steady else None, round(proc.peak_mb, 1),
               round(proc.tree_mb, 1) if proc.tree_mb else None, digest)


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
    last = run_cli(["batch", str(src), "--out", str(work / "twcs.jsonl"), *REUSE_ARGS,
                    "--summary", str(summary), *extra], work).last_line
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


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    rows = corpus_rows(args.limit)
    if not rows:
        fail("no agent replies")
    extra = rules_args(args.rules, work)
    large = QUICK if args.quick else LARGE
    one = write_repeated(rows, 1, work / "one.jsonl")
    run_cli(["batch", str(one), "--out", str(work / "warm.jsonl"), *extra], work)  # warm file and bytecode caches
    capacity_before = cpu_capacity()
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
    capacity_after = cpu_capacity()
    reuse_line, reuse = reuse_top(work, extra)
    return {
        "corpus_replies": len(rows), "small": SMALL, "large": large, "runs_small": args.runs,
        "cpus": len(os.sched_getaffinity(0)), "cpu_capacity": [capacity_before, capacity_after],
        "startup_s": {f"jobs{j}": round(s, 2) for j, s in startup.items()},
        "runs": [asdict(r) for r in runs],
        "replies_per_s": {f"{n}_jobs{j}": median(n, j, "replies_per_s") for n in (SMALL, large) for j in (1, 2)},
        "scaling": {str(n): scaling(n, "replies_per_s") for n in (SMALL, large)},
        "steady_scaling": {str(n): scaling(n, "steady_per_s") for n in (SMALL, large)},
        "scaling_target": TARGET_SCALING, "scaling_ok": scaling(large, "replies_per_s") >= TARGET_SCALING,
        "same_output": {str(n): len(h) == 1 for n, h in hashes.items()},
        "memory": memory,
        "memory_meter": "/usr/bin/time -v" if Path("/usr/bin/time").exists() else "getrusage(RUSAGE_CHILDREN)",
        "reuse_cli_line": reuse_line, "reuse_top": reuse,
    }


def report(r: dict[str, Any]) -> Iterator[str]:
    yield (f"replycoach batch on {r['corpus_replies']:,} real agent replies repeated to {r['small']:,} and "
           f"{r['large']:,} (new id per copy), {r['cpus']} CPUs; start-up (1-reply file, median of 3) "
           f"{r['startup_s']['jobs1']} s with --jobs 1, {r['startup_s']['jobs2']} s with --jobs 2")
    yield (f"CPU capacity (2 busy loops at once vs one, before and after): {r['cpu_capacity'][0]} and "
           f"{r['cpu_capacity'][1]} CPUs; scaling cannot beat it")
    yield ""
    yield table(["replies", "jobs", "wall s", "cpu s", "replies/s", "steady/s", "scored", "failed", "peak RSS MB",
                 "tree RSS MB"],
                [[x["replies"], x["jobs"], x["wall_s"], x["cpu_s"], x["replies_per_s"], x["steady_per_s"],
                  x["scored"], x["failed"], x["peak_rss_mb"], x["tree_rss_mb"]] for x in r["runs"]])
    yield ""
    for n in (r["small"], r["large"]):
        runs = f"median of {r['runs_small']}" if n == r["small"] else "one run"
        yield (f"scaling --jobs 2 / --jobs 1 at {n:,} ({runs}): {r['scaling'][str(n)]}x, "
               f"start-up excluded {r['steady_scaling'][str(n)]}x")
    ok = "ok" if r["scaling_ok"] else "BELOW TARGET"
    yield f"target >= {r['scaling_target']}x at {r['large']:,}: {ok}"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} replies instead of {LARGE:,}")
    parser.add_argument("--limit", type=int, default=None, help="use the first N corpus replies")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per --jobs on the 10,000-reply file")
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
