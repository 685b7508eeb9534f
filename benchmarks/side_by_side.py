"""This checkout against another one (a baseline), side by side: check throughput and start-up.

The machines drift by 20% from hour to hour, so absolute rates from separate runs cannot be
compared. This runs the two checkouts in alternation, each in a fresh child process pinned to
the same core, over the same replies, and reports the median of the per-round ratios.

    git worktree add /tmp/base <commit>
    .venv/bin/python benchmarks/side_by_side.py --baseline /tmp/base [--rounds 5] [--limit 1500]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
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


def run(checkout: Path, corpus: Path, cpu: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(checkout), str(corpus), str(cpu)], check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout (e.g. a git worktree)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=1500, help="replies per pass")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    replies = agent_replies()[:args.limit]
    cpu = min(os.sched_getaffinity(0))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in replies:
            f.write(json.dumps([r.text, r.customer]) + "\n")
        corpus = Path(f.name)
    rows = []
    try:
        for i in range(args.rounds):
            order = [(REPO, "this"), (args.baseline.resolve(), "baseline")]
            if i % 2:
                order.reverse()
            got = {name: run(path, corpus, cpu) for path, name in order}
            rows.append(got)
    finally:
        corpus.unlink()
    rate_ratio = statistics.median(r["this"]["rate"] / r["baseline"]["rate"] for r in rows)
    startup_diff = statistics.median(r["this"]["startup"] - r["baseline"]["startup"] for r in rows)
    result = {"replies": len(replies), "rounds": args.rounds,
              "rate_this": statistics.median(r["this"]["rate"] for r in rows),
              "rate_baseline": statistics.median(r["baseline"]["rate"] for r in rows),
              "rate_ratio": rate_ratio,
              "startup_this": statistics.median(r["this"]["startup"] for r in rows),
              "startup_baseline": statistics.median(r["baseline"]["startup"] for r in rows),
              "startup_difference": startup_diff,
              "cpu_rate_ratio": statistics.median(r["this"]["cpu_rate"] / r["baseline"]["cpu_rate"] for r in rows)}
    for part in ("import", "coach", "first_check"):
        for name in ("this", "baseline"):
            result[f"{part}_{name}"] = statistics.median(r[name][part] for r in rows)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{len(replies)} replies, {args.rounds} alternating rounds, pinned to CPU {cpu}")
    print(table(["measure", "this", "baseline", "this vs baseline"], [
        ["check replies/s (median)", result["rate_this"], result["rate_baseline"], f"{rate_ratio:.3f}x"],
        ["check replies per CPU second: ratio", "", "", f"{result['cpu_rate_ratio']:.3f}x"],
        ["start-up s: import + Coach() + first check", result["startup_this"], result["startup_baseline"],
         f"{startup_diff:+.3f} s"],
        *[[f"  of which {label}", result[f"{part}_this"], result[f"{part}_baseline"],
           f"{result[f'{part}_this'] - result[f'{part}_baseline']:+.3f} s"]
          for part, label in (("import", "import replycoach"), ("coach", "Coach()"), ("first_check", "first check"))],
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
