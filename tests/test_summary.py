"""BatchSummary keeps the worst and best replies without sorting on every record."""

from __future__ import annotations

import random

from replycoach.summary import KEEP, BatchSummary, Example, GroupStats


def _example(rnd: random.Random, i: int) -> Example:
    # few distinct scores and repeated ids, so that ties in score and in id are common
    report = {"score": rnd.choice((0, 10, 40, 40, 70, 100)), "categories": {}, "metrics": {"words": 3},
              "findings": [{"rule": "x.y"}] if rnd.random() < 0.7 else [], "text": f"reply {i}"}
    return Example(f"r{rnd.randrange(12)}", report)


def test_worst_and_best_are_those_a_sort_of_every_reply_gives():
    for seed in range(20):
        rnd = random.Random(seed)
        examples = [_example(rnd, i) for i in range(200)]
        stats = GroupStats()
        for e in examples:
            stats.add(e, None)
        # the stable sort of all replies: among equal keys, the earlier reply first
        assert stats.worst == sorted(examples, key=lambda e: (e.score, e.id))[:KEEP]
        assert stats.best == sorted(examples, key=lambda e: (-e.score, e.id))[:KEEP]


def test_the_run_wide_worst_admits_only_a_strictly_lower_score_once_full():
    for seed in range(20):
        rnd = random.Random(seed)
        summary, expected = BatchSummary(), []
        for i in range(200):
            e = _example(rnd, i)
            summary.add({"id": e.id, "report": e.report})
            if e.report["findings"] and (len(expected) < 8 or e.score < expected[-1].score):
                expected = sorted([*expected, e], key=lambda x: (x.score, x.id))[:8]
        assert [(e.id, e.report["text"]) for e in summary.worst] == [(e.id, e.report["text"]) for e in expected]
