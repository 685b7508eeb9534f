"""This checkout against another one (a baseline), side by side: check throughput, start-up, and
`replycoach check DRAFT` as a whole process (what an agent's pre-send check costs).

The machines drift by 20% from hour to hour, so absolute rates from separate runs cannot be
compared. This runs the two checkouts in alternation, each in a fresh child process pinned to
the same core, over the same replies, and reports the median of the per-round ratios.

    git worktree add /tmp/base <commit>
    .venv/bin/python benchmarks/side_by_side.py --baseline /tmp/base [--rounds 5] [--limit 1500]
        [--this CHECKOUT] [--callgrind] [--cli-only]

--this measures another checkout than this one (a snapshot, so that edits made meanwhile do not
land in half the rounds: the cache keys hash replycoach's own files). --callgrind also counts
the instructions of `replycoach check DRAFT` under valgrind once per checkout: unlike time, the
count does not move with the machine's load (valgrind hides SHA extensions from OpenSSL, so
hashing counts for more than it costs natively). --cli-only skips the throughput and in-process
start-up children: only `replycoach check DRAFT` as a whole process, a quicker round.

The whole process is timed twice per round: as this workplace runs it (PYTHONDONTWRITEBYTECODE=1:
replycoach's own modules are compiled from source in every process), and with bytecode cached
(a PYTHONPYCACHEPREFIX per checkout, filled by an untimed run first), as for an installed package,
whose wheel install writes .pyc files (site-packages already has them either way).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, table
from corpus import agent_replies

CHILD = r"""
import json, os, sys, time
os.sched_setaffinity(0, {int(sys.argv[3])})
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
from replycoach import Coach, ReplycoachError
t1 = time.perf_counter()
coach = Coach()
t2 = time.perf_counter()
coach.check("Thanks for waiting.", customer="Where is my order?")
t3 = time.perf_counter()
startup = t3 - t0
items = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
def one_pass():
    t, cpu = time.perf_counter(), time.process_time()
    for text, customer in items:
        try:
            coach.check(text, customer=customer)
        except ReplycoachError:
            pass
    return len(items) / (time.perf_counter() - t), len(items) / (time.process_time() - cpu)
one_pass()  # warm-up
best = [max(rates) for rates in zip(one_pass(), one_pass())]
print(json.dumps({"startup": startup, "import": t1 - t0, "coach": t2 - t1, "first_check": t3 - t2,
                  "rate": best[0], "cpu_rate": best[1]}))
"""


CLI = r"""
import os, sys
os.sched_setaffinity(0, {int(sys.argv[2])})
sys.path.insert(0, sys.argv[1])
from replycoach.cli import main
sys.argv = ["replycoach", "check", sys.argv[3]]
main()
"""


def run(checkout: Path, corpus: Path | None, cpu: int, draft: Path, pycache: Path) -> dict[str, float]:
    """One round's figures for one checkout; `corpus` None: the whole-process `check` only."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result: dict[str, float] = {}
    if corpus is not None:
        out = subprocess.run([sys.executable, "-c", CHILD, str(checkout), str(corpus), str(cpu)], check=True,
                             capture_output=True, text=True, env=env)
        result = json.loads(out.stdout.strip().splitlines()[-1])
    command = [sys.executable, "-c", CLI, str(checkout), str(cpu), str(draft)]
    result["cli_wall"], result["cli_cpu"] = _whole_process(command, env)
    result["cli_pyc_wall"], result["cli_pyc_cpu"] = _whole_process(command, _with_bytecode(env, pycache))
    return result


def _with_bytecode(env: dict[str, str], pycache: Path) -> dict[str, str]:
    """`env` with bytecode written to and read from `pycache` (as an installed package's .pyc files)."""
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(pycache)
    return cached


def _whole_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process, from start to exit (its rc 1 means
    it found warnings, which is fine)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:2])} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def instructions(checkout: Path, draft: Path) -> int:
    """Instructions (callgrind's Ir) of one `replycoach check DRAFT` process, cache warm."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", CLI, str(checkout), str(min(os.sched_getaffinity(0))), str(draft)]
    _whole_process(command, env)  # warms the compiled-pack cache for this checkout
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                         env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode not in (0, 1) or not found:
        raise SystemExit(f"valgrind failed on {checkout}: {out.stderr[-400:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout (e.g. a git worktree)")
    parser.add_argument("--this", type=Path, default=REPO, help="the checkout to measure (default: this one)")
    parser.add_argument("--callgrind", action="store_true", help="also count instructions of one check process")
    parser.add_argument("--cli-only", action="store_true",
                        help="only `replycoach check DRAFT` as a whole process (no throughput, no in-process start-up)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=1500, help="replies per pass")
    parser.add_argument("--draft", type=Path, default=REPO / "examples" / "drafts" / "late-refund.txt",
                        help="the draft `replycoach check` reads as a whole process")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    replies = agent_replies()[:args.limit]
    cpu = min(os.sched_getaffinity(0))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in replies:
            f.write(json.dumps([r.text, r.customer]) + "\n")
        corpus = Path(f.name)
    rows = []
    pycache = Path(tempfile.mkdtemp(prefix="replycoach-pyc-"))
    checkouts = {"this": args.this.resolve(), "baseline": args.baseline.resolve()}
    try:
        for name, path in checkouts.items():  # untimed: fills each checkout's bytecode and pack caches
            _whole_process([sys.executable, "-c", CLI, str(path), str(cpu), str(args.draft.resolve())],
                           _with_bytecode(dict(os.environ), pycache / name))
        for i in range(args.rounds):
            order = list(checkouts.items())
            if i % 2:
                order.reverse()
            got = {name: run(path, None if args.cli_only else corpus, cpu, args.draft.resolve(), pycache / name)
                   for name, path in order}
            rows.append(got)
    finally:
        corpus.unlink()
        shutil.rmtree(pycache, ignore_errors=True)
    result: dict[str, float | int] = {"replies": 0 if args.cli_only else len(replies), "rounds": args.rounds}
    cli_parts = ("cli_wall", "cli_cpu", "cli_pyc_wall", "cli_pyc_cpu")
    if not args.cli_only:
        result.update({
            "rate_this": statistics.median(r["this"]["rate"] for r in rows),
            "rate_baseline": statistics.median(r["baseline"]["rate"] for r in rows),
            "rate_ratio": statistics.median(r["this"]["rate"] / r["baseline"]["rate"] for r in rows),
            "startup_this": statistics.median(r["this"]["startup"] for r in rows),
            "startup_baseline": statistics.median(r["baseline"]["startup"] for r in rows),
            "startup_difference": statistics.median(r["this"]["startup"] - r["baseline"]["startup"] for r in rows),
            "cpu_rate_ratio": statistics.median(r["this"]["cpu_rate"] / r["baseline"]["cpu_rate"] for r in rows)})
    for part in cli_parts:
        result[f"{part}_ratio"] = statistics.median(r["this"][part] / r["baseline"][part] for r in rows)
    for part in (*(() if args.cli_only else ("import", "coach", "first_check")), *cli_parts):
        for name in ("this", "baseline"):
            result[f"{part}_{name}"] = statistics.median(r[name][part] for r in rows)
    if args.callgrind:
        if not shutil.which("valgrind"):
            raise SystemExit("--callgrind needs valgrind on the PATH")
        for path, name in ((args.this.resolve(), "this"), (args.baseline.resolve(), "baseline")):
            result[f"cli_instructions_{name}"] = instructions(path, args.draft.resolve())
        result["cli_instructions_ratio"] = result["cli_instructions_this"] / result["cli_instructions_baseline"]
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['replies']} replies, {args.rounds} alternating rounds, pinned to CPU {cpu}; "
          "medians of the rounds (ratios: the median of each round's ratio)")
    print(table(["measure", "this", "baseline", "this vs baseline"], [
        *([] if args.cli_only else [
            ["check replies/s (median)", result["rate_this"], result["rate_baseline"], f"{result['rate_ratio']:.3f}x"],
            ["check replies per CPU second: ratio", "", "", f"{result['cpu_rate_ratio']:.3f}x"],
            ["start-up s: import + Coach() + first check", result["startup_this"], result["startup_baseline"],
             f"{result['startup_difference']:+.3f} s"],
            *[[f"  of which {label}", result[f"{part}_this"], result[f"{part}_baseline"],
               f"{result[f'{part}_this'] - result[f'{part}_baseline']:+.3f} s"]
              for part, label in (("import", "import replycoach"), ("coach", "Coach()"),
                                  ("first_check", "first check"))]]),
        *[[f"`replycoach check {args.draft.name}` {label}", result[f"{part}_this"], result[f"{part}_baseline"],
           f"{result[f'{part}_ratio']:.3f}x"]
          for part, label in (("cli_wall", "wall s, no bytecode cache"), ("cli_cpu", "CPU s, no bytecode cache"),
                              ("cli_pyc_wall", "wall s, bytecode cached"), ("cli_pyc_cpu", "CPU s, bytecode cached"))],
        *([[f"`replycoach check {args.draft.name}` instructions (G)", result["cli_instructions_this"] / 1e9,
            result["cli_instructions_baseline"] / 1e9, f"{result['cli_instructions_ratio']:.3f}x"]]
          if args.callgrind else []),
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
