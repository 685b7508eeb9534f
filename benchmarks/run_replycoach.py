"""replycoach as a peer runner: the same protocol as the runners in ../shared/peers.

Reads JSONL {"id", "text"} (extra keys ignored; "customer" is used when present) from a path
or stdin, writes one JSONL finding per line to stdout:
    {"id", "tool", "rule", "start", "end", "message", "suggestions"}
A reply replycoach refuses (ReplycoachError) gives one line with "rule": "error:<code>".
--stats prints one JSON line to stderr with the peers' fields: replies, findings, startup_s
(process start to ready, including one warm-up check), process_s and steady_replies_per_s
(read + check + write, start-up excluded).

    .venv/bin/python benchmarks/run_replycoach.py corpus.jsonl --stats > findings.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from common import add_rules_arg, make_coach

TOOL = "replycoach"


def since_process_start() -> float:
    """Seconds since this process started, from the kernel's clock (~10 ms resolution)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return float("nan")


def records(stream: IO[str], limit: int) -> Iterator[dict[str, Any]]:
    n = 0
    for line in stream:
        if not line.strip():
            continue
        yield json.loads(line)
        n += 1
        if limit and n >= limit:
            return


def findings(rid: object, result: Any) -> Iterator[dict[str, Any]]:
    from replycoach import ReplycoachError

    if isinstance(result, ReplycoachError):
        yield {"id": rid, "tool": TOOL, "rule": f"error:{result.code}", "start": None,
               "end": None, "message": str(result), "suggestions": []}
        return
    for f in result.findings:
        yield {"id": rid, "tool": TOOL, "rule": f.rule, "start": f.start, "end": f.end,
               "message": f.message, "suggestions": list(f.suggestions)}


def check_one(coach: Any, rec: dict[str, Any]) -> Any:
    from replycoach import ReplycoachError

    try:
        return coach.check(rec.get("text") or "", customer=rec.get("customer"))
    except ReplycoachError as err:
        return err


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="replycoach with the peer runners' I/O and --stats")
    p.add_argument("input", nargs="?", default="-", help="JSONL path, or - for stdin")
    p.add_argument("--stats", action="store_true", help="print timing JSON to stderr")
    p.add_argument("--limit", type=int, default=0, help="stop after N replies")
    p.add_argument("--many", action="store_true",
                   help="stream through Coach.check_many (nlp.pipe) instead of one check per reply")
    add_rules_arg(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    coach = make_coach(args.rules)
    coach.check("Thanks for writing in. I'm sorry the charger arrived broken!")  # warm-up
    startup = since_process_start()
    t0 = time.perf_counter()
    with (sys.stdin if args.input == "-" else Path(args.input).open(encoding="utf-8")) as stream:
        recs = records(stream, args.limit)
        pairs: Iterable[tuple[dict[str, Any], Any]]
        if args.many:
            batch = list(recs)
            pairs = zip(batch, coach.check_many(
                {"draft": r.get("text") or "", "customer": r.get("customer")} for r in batch),
                strict=True)
        else:
            pairs = ((r, check_one(coach, r)) for r in recs)
        n = nf = 0
        out = sys.stdout
        for rec, result in pairs:
            for f in findings(rec.get("id"), result):
                out.write(json.dumps(f, ensure_ascii=False) + "\n")
                nf += 1
            n += 1
        out.flush()
    dt = time.perf_counter() - t0
    if args.stats:
        print(json.dumps({"tool": TOOL + ("-many" if args.many else ""), "replies": n,
                          "findings": nf, "startup_s": round(startup, 3),
                          "process_s": round(dt, 3),
                          "steady_replies_per_s": round(n / dt, 1) if dt > 0 else None}),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
