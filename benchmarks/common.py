"""Helpers the benchmark scripts share: building a Coach, pinning to one core, printing tables,
reading a process tree from /proc."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from replycoach import Coach

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # measure the checkout's replycoach, installed or not
    sys.path.insert(0, str(REPO))

__all__ = ["REPO", "add_pin_args", "add_rules_arg", "depths", "fail", "make_coach", "pin_one_core", "pinned", "table",
           "tree_rss_kib"]


def add_rules_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, default=None, metavar="DIR",
                        help="load rule packs from DIR (a pack, or a folder of packs) instead of "
                             "the shipped ones, e.g. to compare two versions of a pack")


def add_pin_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cpu", type=int, default=None,
                        help="the CPU to pin to (default: the first one allowed)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def make_coach(rules: Path | None = None, **config: Any) -> Coach:
    """A Coach with the shipped packs (or only those under `rules`) and config overrides.

    A rule pack that does not load (rules are being edited) ends the script with its message.
    """
    from replycoach import Coach, Config, ReplycoachError

    if rules is not None:
        config = {"shipped_packs": False, "packs": (rules.resolve(),), **config}
    try:
        return Coach(config=Config(**config))
    except ReplycoachError as err:
        fail(f"replycoach could not load its rules: {err}")


def pin_one_core(cpu: int | None = None) -> int | None:
    """Pin this process and the children it starts to one CPU (default: the first allowed);
    returns it, or None where pinning is not supported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0)) if cpu is None else cpu
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return None
    return cpu


def pinned(cpu: int | None) -> str:
    return "not pinned" if cpu is None else f"pinned to CPU {cpu}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain aligned text table; numbers right-aligned."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
              for i, h in enumerate(header)]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows)
               for i in range(len(header))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line([str(h) for h in header]), line(["-" * w for w in widths]),
                      *(line(r) for r in cells)])


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def depths(pid: int) -> dict[int, int]:
    """`pid` and all its descendants, each with its depth below `pid` (0: `pid` itself), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                children.setdefault(int(stat[stat.rfind(")") + 2:].split()[1]), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    found: dict[int, int] = {}
    todo = [(pid, 0)]
    while todo:
        p, depth = todo.pop()
        found[p] = depth
        todo.extend((c, depth + 1) for c in children.get(p, []))
    return found


def tree_rss_kib(pid: int) -> int:
    """Resident memory (VmRSS, KiB) summed over `pid` and its descendants, from /proc."""
    total = 0
    for p in depths(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total
