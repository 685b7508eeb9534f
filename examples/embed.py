"""Embedding replycoach in your own Python code: check a draft, then rewrite it.

Run from the repository root (nothing is downloaded; everything runs offline):

    python examples/embed.py
    python examples/embed.py path/to/draft.txt path/to/customer.txt

Build one Coach and reuse it: building it loads every rule pack, checking a draft is fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

from replycoach import Coach

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    draft_path = Path(argv[0]) if argv else HERE / "drafts" / "late-refund.txt"
    customer_path = Path(argv[1]) if len(argv) > 1 else HERE / "customers" / "late-refund.txt"
    draft = draft_path.read_text(encoding="utf-8")
    customer = customer_path.read_text(encoding="utf-8") if customer_path.is_file() else None

    coach = Coach()  # or Coach(config="replycoach.toml", rules=["my-team-pack/"])
    report = coach.check(draft, customer=customer, channel="email")

    verdict = "PASS" if report.passed else "FAIL"
    print(f"score {report.score}/100 {verdict}  (grade {report.metrics.grade}, {report.metrics.words} words)")
    print("  ".join(f"{name} {value}" for name, value in report.categories.items()))
    print(f"\n{len(report.findings)} findings:")
    for f in report.findings:
        assert report.text[f.start:f.end] == f.text  # spans are exact offsets into report.text
        print(f"- [{f.severity.value}] {f.rule} at {f.start}-{f.end}: {f.text!r}")
        print(f"    {f.message}")
        print(f"    why: {f.why}")
        if f.suggestions:
            print(f"    try: {f.suggestions[0]}")

    rewrite = coach.rewrite(draft, customer=customer, channel="email")
    print(f"\nrewrite: score {rewrite.before.score} -> {rewrite.after.score}, {len(rewrite.edits)} edits")
    for e in rewrite.edits:  # offsets into the original draft
        print(f"- {e.rule}: {draft[e.start:e.end]!r} -> {e.replacement!r}")
    print("\n--- rewritten draft (fill in any [slots] before sending) ---")
    print(rewrite.text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
