"""replycoach next to peer prose checkers, on the same agent replies.

Writes every agent reply (twcs-head + ibm-twitter-customer-care) as JSONL {"id", "text"} to a
temporary file, then runs, each in its own process with --stats: replycoach
(benchmarks/run_replycoach.py, one check per reply, no customer message: the peers get none
either), proselint (run_proselint.py) and write-good (run_write_good.mjs) from ../shared/peers.
Each tool runs once untimed, then --runs rounds run every tool once, in an order that rotates
from round to round (so a change in the machine's load falls on all tools alike); the table gives
medians of the runners' own figures (start-up = process start to ready, including one warm-up
call; steady replies/s = read + analyse + write), the whole process as the parent sees it (wall
time, CPU time = user + system from wait4, and replies per second of each: what the issue's
"whole process" targets compare), peak RSS, and ratios against replycoach, each the median of
the per-round ratios.

The peers must be installed first (into /tmp/peers): bash ../shared/peers/setup.sh, or --setup.

    .venv/bin/python benchmarks/peers.py [--runs 3] [--limit N] [--json] [--setup]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import REPO, add_pin_args, add_rules_arg, fail, pin_one_core, pinned, table
from corpus import DataMissing, Reply, agent_replies, exit_missing

HERE = Path(__file__).resolve().parent


def peers_source() -> Path:
    env = os.environ.get("REPLYCOACH_PEERS")
    return Path(env) if env else REPO.parent / "shared" / "peers"


def peers_dir() -> Path:
    return Path(os.environ.get("PEERS_DIR", "/tmp/peers"))


@dataclass(frozen=True)
class Tool:
    name: str
    cmd: list[str]
    installed: Path  # exists once setup.sh has installed the tool


def tools(rules: Path | None) -> dict[str, Tool]:
    src, dest = peers_source(), peers_dir()
    py = dest / "venv" / "bin" / "python"
    modules = dest / "node" / "node_modules"
    rc_cmd = [sys.executable, str(HERE / "run_replycoach.py")]
    if rules is not None:
        rc_cmd += ["--rules", str(rules.resolve())]
    return {
        "replycoach": Tool("replycoach", rc_cmd, Path(sys.executable)),
        "replycoach-many": Tool("replycoach-many", [*rc_cmd, "--many"], Path(sys.executable)),
        "proselint": Tool("proselint", [str(py), str(src / "run_proselint.py")],
                          dest / "venv" / "lib"),
        "write-good": Tool("write-good", ["node", str(src / "run_write_good.mjs")],
                           modules / "write-good"),
        "alex": Tool("alex", ["node", str(src / "run_alex.mjs")], modules / "alex"),
        "retext": Tool("retext", ["node", str(src / "run_retext.mjs")], modules / "retext-english"),
        "textstat": Tool("textstat", [str(py), str(src / "run_textstat.py")], dest / "nltk_data"),
    }


DEFAULT_TOOLS = ("replycoach", "proselint", "write-good")


@dataclass
class Run:
    stats: dict[str, Any]
    wall_s: float
    cpu_s: float  # user + system, the whole process (a node tool's helper threads included)
    peak_rss_mib: float


def write_corpus(replies: Sequence[Reply], folder: Path) -> Path:
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for r in replies:
            fh.write(json.dumps({"id": r.id, "text": r.text}, ensure_ascii=False) + "\n")
    return path


def run_once(tool: Tool, corpus: Path, folder: Path) -> Run:
    """Run one tool over the corpus; its --stats line, wall time and peak RSS (from wait4)."""
    env = {**os.environ, "PEERS_DIR": str(peers_dir()),
           "NLTK_DATA": os.environ.get("NLTK_DATA", str(peers_dir() / "nltk_data"))}
    err_path = folder / f"{tool.name}.stderr"
    with (folder / f"{tool.name}.jsonl").open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*tool.cmd, "--stats", str(corpus)], stdout=out, stderr=err,
                                env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = err_path.read_text(encoding="utf-8", errors="replace")
    stats = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not stats:
        fail(f"{tool.name} failed (exit {proc.returncode}):\n{text.strip()[-2000:]}")
    return Run(stats[-1], wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def bench(selected: list[Tool], corpus: Path, folder: Path, runs: int) -> list[list[Run]]:
    """Each tool's runs, round by round: one untimed run each (file cache, bytecode, JIT caches),
    then `runs` rounds of every tool, the order rotating by one tool each round."""
    for tool in selected:
        run_once(tool, corpus, folder)
    done: list[list[Run]] = [[] for _ in selected]
    for i in range(runs):
        for k in range(len(selected)):
            at = (k + i) % len(selected)
            done[at].append(run_once(selected[at], corpus, folder))
    return done


def summarise(tool: Tool, done: list[Run]) -> dict[str, Any]:
    def med(values: list[float]) -> float:
        return statistics.median(values)

    replies = done[-1].stats["replies"]
    return {
        "tool": tool.name,
        "replies": replies,
        "findings": done[-1].stats["findings"],
        "startup_s": med([float(r.stats["startup_s"]) for r in done]),
        "steady_replies_per_s": med([float(r.stats["steady_replies_per_s"] or 0) for r in done]),
        "wall_s": med([r.wall_s for r in done]),
        "cpu_s": med([r.cpu_s for r in done]),
        "whole_replies_per_s": med([replies / r.wall_s for r in done]),
        "whole_replies_per_cpu_s": med([replies / r.cpu_s for r in done if r.cpu_s]),
        "peak_rss_mib": med([r.peak_rss_mib for r in done]),
        "runs": [{**r.stats, "wall_s": r.wall_s, "cpu_s": r.cpu_s, "peak_rss_mib": r.peak_rss_mib} for r in done],
    }


def add_ratios(results: list[dict[str, Any]]) -> None:
    """Against replycoach, each the median over rounds of that round's ratio: rc_speedup (steady
    replies/s), rc_whole_speedup (whole process: the tool's wall time / replycoach's),
    rc_whole_cpu_speedup (the same in CPU time), startup_vs_rc (the tool's start-up / replycoach's)."""
    base = next((r for r in results if r["tool"] == "replycoach"), None)

    def paired(r: dict[str, Any], of: Callable[[dict[str, Any], dict[str, Any]], float | None]) -> float | None:
        ratios = [of(mine, theirs) for mine, theirs in zip(base["runs"], r["runs"], strict=True)]  # type: ignore[index]
        ratios = [x for x in ratios if x is not None]
        return statistics.median(ratios) if ratios else None

    for r in results:
        if base is None:
            r["rc_speedup"] = r["rc_whole_speedup"] = r["rc_whole_cpu_speedup"] = r["startup_vs_rc"] = None
            continue
        r["rc_speedup"] = paired(r, lambda b, t: b["steady_replies_per_s"] / t["steady_replies_per_s"]
                                 if b["steady_replies_per_s"] and t["steady_replies_per_s"] else None)
        r["rc_whole_speedup"] = paired(r, lambda b, t: t["wall_s"] / b["wall_s"])
        r["rc_whole_cpu_speedup"] = paired(r, lambda b, t: t["cpu_s"] / b["cpu_s"] if b["cpu_s"] else None)
        r["startup_vs_rc"] = paired(r, lambda b, t: float(t["startup_s"]) / float(b["startup_s"])
                                    if float(b["startup_s"]) else None)


def render(results: list[dict[str, Any]], replies: int, runs: int, cpu: int | None) -> str:
    rows = [(r["tool"], r["findings"], r["steady_replies_per_s"], r["startup_s"], r["wall_s"], r["cpu_s"],
             r["whole_replies_per_s"], r["whole_replies_per_cpu_s"], r["peak_rss_mib"], r["rc_speedup"],
             r["rc_whole_speedup"], r["rc_whole_cpu_speedup"], r["startup_vs_rc"]) for r in results]
    head = (f"{replies:,} agent replies as JSONL (text only); median of {runs} rounds (every tool once a "
            f"round, the order rotating) after one untimed run each; {pinned(cpu)}")
    note = ("whole = the whole process, start to exit, as the parent sees it; CPU = user + system.\n"
            "rc x = replycoach against the tool, the median of the rounds' ratios (>1: replycoach is faster): "
            "steady = its steady replies/s / the tool's; whole = the tool's wall time / replycoach's "
            "(the issue's targets: >= 0.6 against write-good, >= 4 against proselint); whole CPU = the same in CPU "
            "time. startup / rc = the tool's start-up / replycoach's")
    return "\n".join([head, "", table(
        ["tool", "findings", "steady replies/s", "startup s", "wall s", "CPU s", "whole replies/s",
         "whole replies/CPU s", "peak MiB", "rc x steady", "rc x whole", "rc x whole CPU", "startup / rc"],
        rows), "", note])


def ensure_installed(selected: list[Tool], setup: bool) -> None:
    src = peers_source()
    if not src.is_dir():
        exit_missing(DataMissing(f"{src} not found (set REPLYCOACH_PEERS to shared/peers)"))
    missing = [t.name for t in selected if not t.installed.exists()]
    if missing and setup:
        subprocess.run(["bash", str(src / "setup.sh")], check=True,
                       env={**os.environ, "PEERS_DIR": str(peers_dir())})
        missing = [t.name for t in selected if not t.installed.exists()]
    if missing:
        fail(f"not installed: {', '.join(missing)}; run `bash {src / 'setup.sh'}` "
             f"(installs into {peers_dir()}) or pass --setup")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tools", default=",".join(DEFAULT_TOOLS),
                   help="comma-separated, from: replycoach, replycoach-many, proselint, "
                        "write-good, alex, retext, textstat (default: %(default)s)")
    p.add_argument("--runs", type=int, default=3, help="timed runs per tool (default 3)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N replies")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--setup", action="store_true", help="run shared/peers/setup.sh if needed")
    add_pin_args(p)
    add_rules_arg(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    known = tools(args.rules)
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    if unknown := [n for n in names if n not in known]:
        fail(f"unknown tool(s): {', '.join(unknown)}; choose from {', '.join(known)}")
    selected = [known[n] for n in names]
    try:
        replies = agent_replies()
    except DataMissing as err:
        exit_missing(err)
    if args.limit:
        replies = replies[:args.limit]
    ensure_installed(selected, args.setup)
    cpu = None if args.no_pin else pin_one_core(args.cpu)
    with tempfile.TemporaryDirectory(prefix="replycoach-peers-") as tmp:
        folder = Path(tmp)
        corpus = write_corpus(replies, folder)
        runs = bench(selected, corpus, folder, args.runs)
        results = [summarise(t, done) for t, done in zip(selected, runs, strict=True)]
    add_ratios(results)
    if args.json:
        print(json.dumps({"replies": len(replies), "runs": args.runs, "cpu": cpu,
                          "results": results}, indent=2))
    else:
        print(render(results, len(replies), args.runs, cpu))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
