"""benchmarks/judgement.py: two judgements of the same replies count only where they agree, and
their agreement with each other is the judges' column."""

import json
import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
judgement = pytest.importorskip("judgement")


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_two_judgements_merge_to_the_replies_both_judged(tmp_path):
    a = write(tmp_path / "a.jsonl", [
        {"id": "1", "reply": "Fixed.", "tone": 1, "canned": 0, "verdict": "coach"},
        {"id": "2", "reply": "Hello", "tone": 0, "canned": 1, "verdict": "send"},
        {"id": "3", "reply": "Only A judged this", "tone": 1, "verdict": "send"},
    ])
    b = write(tmp_path / "b.jsonl", [
        {"id": "1", "reply": "Fixed.", "tone": 1, "canned": 1, "verdict": "coach"},
        {"id": "2", "reply": "Hello", "tone": 0, "canned": 1, "verdict": "rewrite"},
    ])
    name, items, judges = judgement.labelled_items([a, b])
    assert name.endswith("a.jsonl+" + tmp_path.name + "/b.jsonl")
    assert [i.id for i in items] == ["1", "2"]
    assert items[0].labels == {"tone": 1, "canned": None} and items[0].verdict == "coach"
    assert items[1].labels == {"tone": 0, "canned": 1} and items[1].verdict is None
    assert judges["tone"] == 1.0 and judges["canned"] == pytest.approx(2 / 3) and judges["verdict"] == 0.5
