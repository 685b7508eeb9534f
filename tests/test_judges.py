"""benchmarks/judges.py: judgements of the same replies compared with each other and with a
reference, over the replies every side judged, a null reference label not counting."""

import json
import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
judges = pytest.importorskip("judges")


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    reference = write(tmp_path / "dev.jsonl", [
        {"id": "1", "reply": "Fixed.", "labels": {"tone": 1, "canned": 0, "verdict": "coach"}},
        {"id": "2", "reply": "Hello", "labels": {"tone": 0, "canned": None, "verdict": "send"}},
        {"id": "3", "reply": "Not judged by b", "labels": {"tone": 1, "canned": 1, "verdict": "rewrite"}},
    ])
    a = write(tmp_path / "a.jsonl", [{"id": "1", "labels": {"tone": 1, "canned": 1, "verdict": "coach"}},
                                     {"id": "2", "labels": {"tone": 1, "canned": 1, "verdict": "send"}},
                                     {"id": "3", "labels": {"tone": 1, "canned": 1, "verdict": "send"}}])
    b = write(tmp_path / "b.jsonl", [{"id": "1", "labels": {"tone": 1, "canned": 0, "verdict": "coach"}},
                                     {"id": "2", "labels": {"tone": 0, "canned": 1, "verdict": "coach"}}])
    return reference, a, b


def test_files_without_texts_take_them_from_the_reference_and_keep_only_shared_ids(files):
    reference, a, b = files
    ref, (judged_a, judged_b) = judges.read_judgements([a, b], reference)
    assert [i.id for i in ref] == [i.id for i in judged_a] == [i.id for i in judged_b] == ["1", "2"]
    assert judged_a[1].reply == "Hello"


def test_positives_leave_out_replies_the_reference_left_null(files):
    reference, a, b = files
    ref, (judged_a, _) = judges.read_judgements([a, b], reference)
    rows = {row[0]: row[1:] for row in judges.positives(judged_a, ref)}
    assert rows["tone"] == [1, 2, 1]      # reference 1 of 2, a gives 2, both on reply 1
    assert rows["canned"] == [0, 1, 0]    # reply 2's canned is null in the reference


def test_main_prints_each_comparison(files, capsys):
    reference, a, b = files
    assert judges.main([str(a), str(b), "--reference", str(reference)]) == 0
    out = capsys.readouterr().out
    assert "a vs b" in out and "a vs dev.jsonl" in out and "agreed vs dev.jsonl" in out
    # tone: a and b agree on reply 1 only (a says 1 on reply 2, b 0): F1 2/3
    assert " 0.667" in out.splitlines()[3]
