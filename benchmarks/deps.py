"""Well-kept libraries against replycoach's hand-written clean-up and reuse code (issue 12).

Each comparison puts replycoach's own code beside the libraries that could replace it, on the
same inputs; a library that is not installed gets a "not installed" row (they are not
replycoach's dependencies: `pip install mail-parser-reply email-reply-parser quotequail
inscriptis selectolax datasketch` to see them all).

threads   quoted-thread and signature removal. Inputs: tests/fixtures/threads/helpdesk.yaml
          (agent replies written for replycoach, several mail clients and languages), and, with
          --corpus DIR, the test e-mails of mail-parser-reply (a checkout's test/emails folder)
          with replycoach's own labels (tests/fixtures/threads/mail-parser-reply-labels.yaml).
          Each input names snippets of the reply's own text (keep) and of the quoted thread or
          signature (drop). Per method: "kept whole" = inputs whose every keep snippet survives,
          "blanked" = inputs whose every drop snippet is gone, "both" = inputs right on both,
          microseconds per input (after a warm-up pass), and seconds on one 10 KB line of "On On
          On ..." (the worst case; in a child process, given up after 30 s). Snippets and outputs
          are compared with whitespace squeezed.

html      HTML to text. Inputs: tests/fixtures/html/*.html (help-desk replies written for replycoach:
          a table, lists, <br>, entities, a Gmail quote, Outlook's Word HTML, a macro with
          <NAME> placeholders and a script, code) and what each must read as
          (tests/fixtures/html/expected.yaml). Per method: "reads right" = fixtures whose every
          line, list item, table row (cells in order on one line), snippet and absence holds;
          "thread blanked" = quoted parts blanked once replycoach's thread clean-up reads the
          text; "maps back" = fixtures whose text source_offsets can map into the HTML as written
          (line:col of a finding); microseconds per fixture and milliseconds for one 100 KB page.

reuse     near-copies of macro lines (replycoach.reuse.ReuseTracker) against the exact
          normalised-sentence hashing it had (at --baseline, default bbc6f01, read
          with git). Inputs: the agent replies of twcs-head and IBM (batch.py's corpus,
          each reply's agent), and stc3-helpdesk's help-desk turns (no agent column: one team).
          Per tracker: repeated lines (a line in >= 3 of one agent's replies), uses of them,
          replies holding one, and seconds to add every reply; then the same on batch.py's
          100,000-reply file (the corpus repeated), and --sample N repeated lines that now join
          several normalised forms, to read for false matches. --minhash adds datasketch's MinHash
          LSH in rapidfuzz's place (repeated lines, uses and seconds only).

    .venv/bin/python benchmarks/deps.py threads [--corpus DIR] [--json] [--show]
    .venv/bin/python benchmarks/deps.py html [--json] [--show]
    .venv/bin/python benchmarks/deps.py reuse [--baseline REF] [--sample N] [--minhash] [--json]
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import random
import re
import subprocess
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from common import REPO, table
from corpus import DataMissing, _need, exit_missing

FIXTURES = REPO / "tests" / "fixtures"


@dataclass
class Case:
    name: str
    text: str
    keep: list[str]
    drop: list[str]


# --- quoted thread and signature ---------------------------------------------------------------

def thread_cases(corpus: Path | None) -> list[Case]:
    own = yaml.safe_load((FIXTURES / "threads" / "helpdesk.yaml").read_text(encoding="utf-8"))
    cases = [Case(c["name"], c["draft"], c["keep"], c["drop"]) for c in own]
    if corpus is not None:
        labels = yaml.safe_load((FIXTURES / "threads" / "mail-parser-reply-labels.yaml").read_text(encoding="utf-8"))
        for name, label in labels.items():
            text = (corpus / name).read_text(encoding="utf-8")
            cases.append(Case(f"mpr:{name}", text, label["keep"], label["drop"]))
    return cases


# One 10 KB line that opens like an attribution and never ends like one.
WORST_CASE = "On " * 3_333


WORST_TIMEOUT = 30.0


def _time_worst_case(method: str, seconds: multiprocessing.Queue[float]) -> None:
    run = THREAD_METHODS[method]()
    assert run is not None
    started = time.perf_counter()
    run(WORST_CASE)
    seconds.put(time.perf_counter() - started)


@functools.cache
def _worst_case_seconds(method: str) -> float | None:
    """Seconds one method takes on WORST_CASE, in a child process ended after WORST_TIMEOUT: None then."""
    seconds: multiprocessing.Queue[float] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_time_worst_case, args=(method, seconds))
    child.start()
    child.join(WORST_TIMEOUT)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return seconds.get()


def _ours(text: str) -> str:
    from replycoach.text import clean
    return clean(text, input_format="text").analysed


def _mail_parser_reply() -> Callable[[str], str] | None:
    try:
        from mailparser_reply import EmailReplyParser
        from mailparser_reply.constants import MAIL_LANGUAGES
    except ImportError:
        return None
    parser = EmailReplyParser(languages=list(MAIL_LANGUAGES))
    return lambda text: parser.read(text).replies[0].body


def _email_reply_parser() -> Callable[[str], str] | None:
    try:
        from email_reply_parser import EmailReplyParser
    except ImportError:
        return None
    return EmailReplyParser.parse_reply


def _quotequail() -> Callable[[str], str] | None:
    try:
        import quotequail
    except ImportError:
        return None
    return lambda text: "\n".join(part for shown, part in quotequail.quote(text) if shown)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def score_threads(cases: list[Case], methods: dict[str, Callable[[str], str] | None],
                  show: bool) -> list[dict[str, Any]]:
    rows = []
    for method, run in methods.items():
        if run is None:
            rows.append({"method": method, "kept whole": "not installed"})
            continue
        kept = blanked = both = 0
        for case in cases:  # warm-up: imports, compiled patterns
            run(case.text)
        started = time.perf_counter()
        outputs = [run(case.text) or "" for case in cases]
        elapsed = time.perf_counter() - started
        worst = _worst_case_seconds(method)
        for case, out in zip(cases, outputs, strict=True):
            flat = _squeeze(out)
            keep_ok = all(_squeeze(s) in flat for s in case.keep)
            drop_ok = not any(_squeeze(s) in flat for s in case.drop)
            kept, blanked, both = kept + keep_ok, blanked + drop_ok, both + (keep_ok and drop_ok)
            if show and not (keep_ok and drop_ok):
                lost = [s for s in case.keep if _squeeze(s) not in flat]
                left = [s for s in case.drop if _squeeze(s) in flat]
                print(f"  {method} {case.name}: lost {lost} left {left}")
        n = len(cases)
        rows.append({"method": method, "inputs": n, "kept whole": f"{kept}/{n}", "blanked": f"{blanked}/{n}",
                     "both": f"{both}/{n}", "us/input": round(elapsed / n * 1e6, 1),
                     "worst 10 KB s": f"> {WORST_TIMEOUT:.0f}" if worst is None else round(worst, 3)})
    return rows


THREAD_METHODS = {
    "replycoach": lambda: _ours,
    "mail-parser-reply": _mail_parser_reply,
    "email-reply-parser": _email_reply_parser,
    "quotequail": _quotequail,
}


def threads(args: argparse.Namespace) -> list[dict[str, Any]]:
    cases = thread_cases(args.corpus)
    methods = {name: make() for name, make in THREAD_METHODS.items()}
    rows = []
    for subset, chosen in (("helpdesk", [c for c in cases if not c.name.startswith("mpr:")]),
                           ("mail-parser-reply tests", [c for c in cases if c.name.startswith("mpr:")])):
        if chosen:
            rows.extend({"set": subset, **row} for row in score_threads(chosen, methods, args.show))
    return rows


# --- HTML to text ------------------------------------------------------------------------------

def _inscriptis() -> Callable[[str], str] | None:
    try:
        from inscriptis import get_text
    except ImportError:
        return None
    return get_text


def _selectolax() -> Callable[[str], str] | None:
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        return None

    def run(html: str) -> str:
        tree = LexborHTMLParser(html)
        tree.strip_tags(["script", "style", "noscript", "head", "template"])
        root = tree.body or tree.root
        return root.text(separator="\n", strip=False) if root else ""
    return run


def _ours_html(html: str) -> str:
    from replycoach.text import html_to_text
    return html_to_text(html)


HTML_METHODS = {"replycoach": lambda: _ours_html, "inscriptis": _inscriptis, "selectolax": _selectolax}
_LIST_MARK = re.compile(r"^(?:[-*•+]|\d{1,3}[.)])\s+")


def _html_misses(text: str, expected: dict[str, Any]) -> list[str]:
    lines = [_squeeze(line) for line in text.splitlines()]
    items = [_LIST_MARK.sub("", line) for line in lines]
    flat = _squeeze(text)
    misses = [f"line {s!r}" for s in expected.get("lines", []) if _squeeze(s) not in lines]
    misses += [f"item {s!r}" for s in expected.get("items", []) if _squeeze(s) not in items]
    misses += [f"row {r!r}" for r in expected.get("rows", [])
               if not any(re.search(r"\s+".join(map(re.escape, r)), line) for line in lines)]
    misses += [f"snippet {s!r}" for s in expected.get("contains", []) if _squeeze(s) not in flat]
    misses += [f"absent {s!r}" for s in expected.get("absent", []) if s in text]
    return misses


def html(args: argparse.Namespace) -> list[dict[str, Any]]:
    from replycoach.text import clean, source_offsets
    folder = FIXTURES / "html"
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    pages = {name: (folder / name).read_text(encoding="utf-8") for name in expected}
    big = "".join(pages.values()) * (100_000 // sum(map(len, pages.values())) + 1)
    rows = []
    for method, make in HTML_METHODS.items():
        run = make()
        if run is None:
            rows.append({"method": method, "reads right": "not installed"})
            continue
        reads = blanked = maps = 0
        for name, page in pages.items():
            text = run(page)
            misses = _html_misses(text, expected[name])
            analysed = _squeeze(clean(text, input_format="text").analysed)
            lost = [s for s in expected[name].get("blanked", []) if _squeeze(s) in analysed]
            aligned = source_offsets(page, text) is not None
            reads, blanked, maps = reads + (not misses), blanked + (not lost), maps + aligned
            if args.show and (misses or lost or not aligned):
                print(f"  {method} {name}: {misses + [f'not blanked {s!r}' for s in lost]}"
                      f"{'' if aligned else ' (does not map back)'}")
        started = time.perf_counter()
        for _ in range(20):
            for page in pages.values():
                run(page)
        per_page = (time.perf_counter() - started) / (20 * len(pages))
        started = time.perf_counter()
        run(big)
        n = len(pages)
        rows.append({"method": method, "reads right": f"{reads}/{n}", "thread blanked": f"{blanked}/{n}",
                     "maps back": f"{maps}/{n}", "us/page": round(per_page * 1e6, 1),
                     "100 KB ms": round((time.perf_counter() - started) * 1e3, 1)})
    return rows


# --- near-copies of macro lines ----------------------------------------------------------------

def _baseline_discovery(ref: str) -> types.ModuleType:
    # The module was replycoach/discovery.py until issue 8 named it reuse.py.
    for path in ("replycoach/reuse.py", "replycoach/discovery.py"):
        shown = subprocess.run(["git", "-C", str(REPO), "show", f"{ref}:{path}"],
                               capture_output=True, text=True)
        if shown.returncode == 0:
            break
    else:
        raise SystemExit(f"deps.py: {ref} has neither replycoach/reuse.py nor discovery.py")
    module = types.ModuleType("baseline_discovery")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(shown.stdout, f"{ref}:{path}", "exec"), module.__dict__)
    return module


def _stc3_turns() -> list[dict[str, Any]]:
    path = _need("stc3-helpdesk", "dialogues_en.jsonl")
    with path.open(encoding="utf-8") as fh:
        dialogues = [json.loads(line) for line in fh if line.strip()]
    return [{"agent": "stc3 help desk", "text": turn["text"]}
            for d in dialogues for turn in d["turns"] if turn["sender"] == "helpdesk"]


def _track(module: types.ModuleType, rows: list[dict[str, Any]]) -> tuple[Any, float]:
    tracker = module.ReuseTracker()
    started = time.perf_counter()
    for row in rows:
        tracker.add(row["agent"] or "", row["text"])
    return tracker, time.perf_counter() - started


def _reuse_row(tracker: Any, seconds: float) -> dict[str, Any]:
    repeated = [(agent, line, n) for agent, state in tracker.agents.items()
                for line, n in state.counts.items() if n >= tracker.min_count]
    summary = tracker.summary()
    return {"repeated lines": len(repeated), "uses": sum(n for _, _, n in repeated),
            "replies reusing": round(sum(s["reuse_rate"] * s["replies"] for s in summary.values())),
            "seconds": round(seconds, 3)}


def _joined_forms(tracker: Any, rows: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Repeated lines that join more than one normalised form, with their forms."""
    from replycoach.reuse import _SENTENCE, MIN_WORDS, normalise
    forms: dict[tuple[str, int], dict[str, None]] = {}
    for row in rows:
        state = tracker.agents[row["agent"] or ""]
        for sentence in _SENTENCE.split(row["text"]):
            key = normalise(sentence)
            line = state.line_of.get(hash(key), -1) if len(key.split()) >= MIN_WORDS else -1
            if line >= 0 and state.counts[line] >= tracker.min_count:
                forms.setdefault((row["agent"] or "", line), {})[key] = None
    return [(agent, list(keys)) for (agent, _), keys in forms.items() if len(keys) > 1]


def _minhash_lines(rows: list[dict[str, Any]], min_count: int = 3) -> dict[str, Any] | None:
    """Repeated lines and their uses with datasketch's MinHash LSH (Jaccard >= 0.5 on word pairs,
    64 permutations) in place of rapidfuzz, one index per agent; None when it is not installed."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return None
    from replycoach.reuse import _SENTENCE, MIN_WORDS, normalise
    started = time.perf_counter()
    template = MinHash(num_perm=64)  # permutations drawn once, as datasketch advises for many sketches
    agents: dict[str, tuple[dict[str, int], Any, list[int]]] = {}
    for row in rows:
        agent = row["agent"] or ""
        if agent not in agents:
            agents[agent] = ({}, MinHashLSH(threshold=0.5, num_perm=64), [])
        line_of, index, counts = agents[agent]
        seen: set[int] = set()
        for sentence in _SENTENCE.split(row["text"]):
            key = normalise(sentence)
            words = key.split()
            if len(words) < MIN_WORDS:
                continue
            if key not in line_of:
                sketch = MinHash(num_perm=64, permutations=template.permutations, scheme=template.scheme)
                sketch.update_batch([f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)])
                near = index.query(sketch)
                if near:
                    line_of[key] = near[0]
                else:
                    line_of[key] = len(counts)
                    counts.append(0)
                    index.insert(line_of[key], sketch)
            if line_of[key] not in seen:
                seen.add(line_of[key])
                counts[line_of[key]] += 1
    repeated = [n for _, _, counts in agents.values() for n in counts if n >= min_count]
    return {"repeated lines": len(repeated), "uses": sum(repeated), "seconds": round(time.perf_counter() - started, 3)}


def reuse(args: argparse.Namespace) -> list[dict[str, Any]]:
    from batch import LARGE, corpus_rows

    import replycoach.reuse as current
    baseline = _baseline_discovery(args.baseline)
    replies = corpus_rows(None)
    sets = {"twcs-head": [r for r in replies if r["id"].startswith("twcs:")],
            "IBM agent turns": [r for r in replies if r["id"].startswith("ibm:")], "stc3-helpdesk": _stc3_turns()}
    rows = []
    for name, data in sets.items():
        for label, module in ((f"exact ({args.baseline})", baseline), ("near-copies", current)):
            tracker, seconds = _track(module, data)
            rows.append({"set": name, "tracker": label, "replies": len(data), **_reuse_row(tracker, seconds)})
            if module is current and args.minhash:
                minhash = _minhash_lines(data)
                rows.append({"set": name, "tracker": "MinHash LSH (datasketch)", "replies": len(data),
                             **(minhash or {"repeated lines": "not installed"})})
            if module is current and args.sample:
                joined = _joined_forms(tracker, data)
                print(f"{name}: {len(joined)} repeated lines join several forms; {args.sample} of them:")
                for agent, forms in random.Random(0).sample(joined, min(args.sample, len(joined))):
                    print(f"  {agent}: " + " | ".join(forms[:4]))
    large = [replies[i % len(replies)] for i in range(LARGE)]
    for label, module in ((f"exact ({args.baseline})", baseline), ("near-copies", current)):
        tracker, seconds = _track(module, large)
        rows.append({"set": "batch.py 100,000 replies", "tracker": label, "replies": len(large),
                     **_reuse_row(tracker, seconds)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("threads", help="quoted-thread and signature removal")
    p.add_argument("--corpus", type=Path, default=None, help="mail-parser-reply's test/emails folder")
    p.add_argument("--show", action="store_true", help="print each miss")
    p.set_defaults(run=threads)
    p = sub.add_parser("html", help="HTML to text")
    p.add_argument("--show", action="store_true", help="print each miss")
    p.set_defaults(run=html)
    p = sub.add_parser("reuse", help="near-copies of macro lines")
    p.add_argument("--baseline", default="bbc6f01", help="the git revision whose tracker is the exact one")
    p.add_argument("--sample", type=int, default=0, help="print N repeated lines that join several forms")
    p.add_argument("--minhash", action="store_true", help="add datasketch's MinHash LSH (a minute or more)")
    p.set_defaults(run=reuse)
    for p in sub.choices.values():
        p.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        rows = args.run(args)
    except DataMissing as err:
        exit_missing(err)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        header = list(dict.fromkeys(key for row in rows for key in row))
        print(table(header, [[row.get(key, "") for key in header] for row in rows]))


if __name__ == "__main__":
    main()
