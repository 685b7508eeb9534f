"""The judgement harness's arithmetic (not the project's accuracy, which is measured, never asserted)."""

import json

import pytest

from replycoach import InputError
from replycoach.evaluation import Counts, auc, best_threshold, iter_gold, read_labelled


def test_counts_precision_recall_f1():
    c = Counts.of([True, True, True, False, False], [True, True, False, True, False])
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 1)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 / 3)
    assert (c.positives, c.flagged) == (3, 3)


def test_counts_with_nothing_flagged_are_zero_not_an_error():
    c = Counts.of([True, False], [False, False])
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)


def test_auc_counts_ties_as_half():
    assert auc([3, 4], [1, 2]) == 1.0
    assert auc([1, 2], [3, 4]) == 0.0
    assert auc([1], [1]) == 0.5
    assert auc([2, 1], [1, 0]) == pytest.approx(0.875)  # 3 wins, 1 tie of 4 pairs
    assert auc([], [1]) == 0.5


def test_best_threshold_maximises_f1_between_values():
    gold = [True, True, False, False]
    cut, counts = best_threshold(gold, [0.9, 0.7, 0.4, 0.1])
    assert 0.4 < cut < 0.7 and counts.f1 == 1.0


def test_read_labelled_keeps_only_agreed_labels_and_skips_reserved(tmp_path):
    path = tmp_path / "labels.jsonl"
    rows = [
        {"id": "a", "customer": "Where is it??", "reply": "On its way.", "labels": {"tone": 1, "canned": None,
                                                                               "verdict": "send"}},
        {"id": "b", "reply": "Hi", "labels": {"tone": 0}},
        {"id": "held", "reply": "Hi", "labels": {"tone": 1}},
        {"id": "c", "text": "Flat line", "tone": 1, "note": "curt"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items = read_labelled(path, exclude={"held"})
    assert [i.id for i in items] == ["a", "b", "c"]
    assert items[0].labels == {"tone": 1, "canned": None} and items[0].verdict == "send"
    assert items[2].reply == "Flat line" and items[2].notes == ("curt",)
    assert list(iter_gold(items, "canned")) == []
    assert list(iter_gold(items, "tone")) == [(0, True), (1, False), (2, True)]


def test_read_labelled_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"reply": "ok", "tone": 0}\n{"tone": 1}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labelled(path)
    assert err.value.code == "RC110" and err.value.place.endswith("bad.jsonl:2")


def test_a_label_is_flagged_by_warnings_not_suggestions(coach):
    from replycoach.evaluation import predict_labels

    report = coach.check("Please be advised that in order to facilitate the resolution of your query "
                         "we will escalate this in due course.")
    kinds = {(f.category, f.severity.value) for f in report.findings}
    assert ("readability", "suggestion") in kinds
    assert not predict_labels(report)["hard_to_read"]


def test_a_file_of_ids_and_labels_takes_its_texts_by_id(tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text('{"id": "t-1", "tone": 1, "verdict": "coach", "note": "curt"}\n', encoding="utf-8")
    [item] = read_labelled(path, texts={"t-1": ("Fixed.", "Still broken!!")})
    assert (item.reply, item.customer, item.labels, item.verdict) == ("Fixed.", "Still broken!!", {"tone": 1}, "coach")
    with pytest.raises(InputError) as err:
        read_labelled(path, texts={})
    assert err.value.code == "RC110" and "t-1" in err.value.message


def test_two_judgements_keep_only_what_they_agree_on():
    from replycoach.evaluation import LabelledReply, agreed

    a = LabelledReply(id="x", reply="Hi", labels={"tone": 1, "canned": 0}, verdict="coach", notes=("a",))
    b = LabelledReply(id="x", reply="Hi", labels={"tone": 1, "canned": 1}, verdict="rewrite", notes=("b",))
    merged = agreed(a, b)
    assert merged.labels == {"tone": 1, "canned": None} and merged.verdict is None and merged.notes == ("a", "b")


def test_agreement_is_the_f1_of_one_judgement_against_the_other():
    from replycoach.evaluation import LabelledReply, agreement

    def judged(marks, verdicts):
        return [LabelledReply(id=str(i), reply="r", labels={"tone": m}, verdict=v)
                for i, (m, v) in enumerate(zip(marks, verdicts, strict=True))]

    first = judged([1, 1, 0, 0], ["send", "coach", "send", "send"])
    second = judged([1, 0, 1, 0], ["send", "send", "send", "send"])
    figures = agreement(first, second)
    assert figures["tone"] == pytest.approx(0.5)  # one shared positive of two each
    assert figures["verdict"] == pytest.approx(0.75)
    assert agreement(second, first)["tone"] == figures["tone"]
    assert "canned" not in figures  # nobody judged it
    nobody = agreement(judged([0, 0, 0, 0], ["send"] * 4), judged([0, 0, 0, 0], ["send"] * 4))
    assert "tone" not in nobody and nobody["verdict"] == 1.0
