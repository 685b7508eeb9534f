"""The project's own label files under benchmarks/training: their shape, and the RSiCS split.

RSiCS requests with even request ids may train the customer-state model; odd ids stay unseen by
training, so the label files must hold even ids only, and ids and labels only (the texts are
third-party data and stay in the shared data folder). An id appears once per file and in at most
two files: a second, blind judgement (training reads the first; see train_shipped.rsics_labelled)."""

import json
from pathlib import Path

import pytest

from replycoach.evaluation import LABELS

TRAINING = Path(__file__).resolve().parents[1] / "benchmarks" / "training"
# The IBM label files of one judgement each: all seven labels, a verdict and a note on every line
# (ibm-labels.jsonl holds agreed labels, null where two judgements differed, so it is not here).
JUDGED_FILES = ("ibm-labels-judge-tone.jsonl", "ibm-labels-judge-owner.jsonl", "eval-ibm-dev-later-turns.jsonl")


@pytest.mark.parametrize("name", JUDGED_FILES)
def test_label_file_has_every_label_verdict_and_note(name: str):
    rows = [json.loads(line) for line in (TRAINING / name).read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        labels = row["labels"]
        assert set(labels) == set(LABELS) | {"verdict"}, row["id"]
        assert all(labels[name] in (0, 1) for name in LABELS), row["id"]
        assert labels["verdict"] in ("send", "coach", "rewrite"), row["id"]
        assert row["notes"] and all(n.strip() for n in row["notes"]), row["id"]
        assert row["source"] == "ibm" and row["customer"] and row["reply"], row["id"]


def test_rsics_label_files_hold_even_ids_at_most_twice_with_labels_only():
    files = sorted(TRAINING.glob("rsics-upset-labels*.jsonl"))
    assert len(files) >= 2
    judged: dict[str, int] = {}
    for path in files:
        in_file: set[str] = set()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            place = f"{path.name}:{n}"
            assert set(row) <= {"id", "customer_upset", "notes"}, place
            assert row["customer_upset"] in (0, 1, None), place
            dataset, _, request = row["id"].removeprefix("rsics:").partition("/")
            assert dataset in {"1", "2", "3", "4"} and int(request) % 2 == 0, place
            assert row["id"] not in in_file, place
            in_file.add(row["id"])
            judged[row["id"]] = judged.get(row["id"], 0) + 1
            assert judged[row["id"]] <= 2, place


def test_rsics_second_judgement_judges_every_request_of_the_first():
    # rsics-upset-labels-2b.jsonl is the second, blind judgement of rsics-upset-labels-2.jsonl
    def rows(name: str) -> list[dict]:
        return [json.loads(line) for line in (TRAINING / name).read_text(encoding="utf-8").splitlines()]

    first, second = rows("rsics-upset-labels-2.jsonl"), rows("rsics-upset-labels-2b.jsonl")
    assert [r["id"] for r in second] == [r["id"] for r in first]
    assert all(r["customer_upset"] in (0, 1) for r in second)


def _train_shipped():
    """benchmarks/training/train_shipped.py as a module (benchmarks/ is not a package)."""
    import importlib.util
    import sys

    if "train_shipped" not in sys.modules:  # its dataclasses look their module up while being built
        spec = importlib.util.spec_from_file_location("train_shipped", TRAINING / "train_shipped.py")
        sys.modules["train_shipped"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["train_shipped"])
    return sys.modules["train_shipped"]


def _row(item_id: str, **labels: int) -> str:
    full = {"customer_upset": 0, "jargon": 0, "hard_to_read": 0, "canned": 0, "empathy_gap": 0, "tone": 0,
            "ownership": 0, "verdict": "send", **labels}
    return json.dumps({"id": item_id, "source": "ibm", "customer": "c", "reply": "r", "labels": full,
                       "notes": [f"note {sorted(labels.items())}"]})


def test_second_judgement_judges_every_once_judged_reply():
    # ibm-labels-judge-owner.jsonl is the second, blind judgement of ibm-labels-judge-tone.jsonl:
    # the same replies, each with all seven labels, a verdict and a note.
    first = [json.loads(line) for line in (TRAINING / "ibm-labels-judge-tone.jsonl").read_text().splitlines()]
    second = [json.loads(line) for line in (TRAINING / "ibm-labels-judge-owner.jsonl").read_text().splitlines()]
    assert [r["id"] for r in second] == [r["id"] for r in first]
    for a, b in zip(first, second, strict=True):
        assert (b["customer"], b["reply"]) == (a["customer"], a["reply"]), b["id"]
        assert set(b["labels"]) == set(a["labels"]), b["id"]
        assert all(v in (0, 1) for k, v in b["labels"].items() if k != "verdict"), b["id"]
        assert b["labels"]["verdict"] in ("send", "coach", "rewrite") and b["notes"][0].strip(), b["id"]


def test_training_keeps_only_the_labels_two_judgements_agree_on(tmp_path, monkeypatch):
    train_shipped = _train_shipped()
    (tmp_path / "ibm-labels-a.jsonl").write_text(_row("ibm-1", ownership=1, tone=1) + "\n" + _row("ibm-2") + "\n")
    (tmp_path / "ibm-labels-b.jsonl").write_text(_row("ibm-1", ownership=1, verdict="coach") + "\n")
    monkeypatch.setattr(train_shipped, "HERE", tmp_path)
    items = {item.id: item for item in train_shipped._our_labels(exclude=set())}
    assert sorted(items) == ["ibm-1", "ibm-2"]
    both = items["ibm-1"]
    assert both.labels["ownership"] == 1  # both said 1
    assert both.labels["tone"] is None  # one said 1, the other 0: no label
    assert both.labels["canned"] == 0  # both said 0
    assert both.verdict is None and len(both.notes) == 2
    assert items["ibm-2"].labels["ownership"] == 0  # judged once: as it stands


def test_training_never_reads_a_reserved_id(tmp_path, monkeypatch):
    train_shipped = _train_shipped()
    (tmp_path / "ibm-labels-a.jsonl").write_text(_row("ibm-1") + "\n" + _row("ibm-2") + "\n")
    monkeypatch.setattr(train_shipped, "HERE", tmp_path)
    assert [item.id for item in train_shipped._our_labels(exclude={"ibm-2"})] == ["ibm-1"]


@pytest.mark.parametrize(("name", "recipe"), [("customer-upset.json", "CUSTOMER_RECIPE"),
                                              ("customer-very-upset.json", "VERY_UPSET_RECIPE")])
def test_shipped_customer_models_read_the_recipe_the_training_script_writes(name: str, recipe: str):
    # A shipped customer model must be rebuildable from train_shipped.py: a recipe changed there
    # (a word list added, say) without retraining would ship weights the script cannot reproduce.
    from replycoach.linear import load_weights

    shipped = load_weights(Path(__file__).resolve().parents[1] / "replycoach" / "data" / name)
    assert shipped.recipe == getattr(_train_shipped(), recipe)


# Evaluation-only label files of twcs-head and stc3 replies: ids and labels only (those texts'
# licences keep them out of the repository; benchmarks/corpus.eval_texts joins them by id), each
# set judged twice, blind, in two files of the same ids in the same order.
EVAL_PAIRS = (("eval-twcs-a.jsonl", "eval-twcs-b.jsonl"), ("eval-holdout-a.jsonl", "eval-holdout-b.jsonl"))
# dev's own twcs-head and stc3 replies judged again by this project's labellers, blind, to measure
# how far they agree with dev's trainers (benchmarks/judges.py)
CALIBRATION_PAIR = ("calib-dev-a.jsonl", "calib-dev-b.jsonl")


@pytest.mark.parametrize("pair", (*EVAL_PAIRS, CALIBRATION_PAIR), ids=lambda p: p[0])
def test_evaluation_label_pairs_judge_the_same_replies_with_labels_only(pair):
    judged = []
    for name in pair:
        rows = [json.loads(line) for line in (TRAINING / name).read_text(encoding="utf-8").splitlines()]
        for row in rows:
            assert set(row) == {"id", "source", "company", "channel", "labels", "notes"}, (name, row["id"])
            assert row["source"] in ("twcs", "stc3") and row["id"].startswith(row["source"] + "-"), row["id"]
            assert set(row["labels"]) == set(LABELS) | {"verdict"}, row["id"]
            assert all(row["labels"][label] in (0, 1) for label in LABELS), row["id"]
            assert row["labels"]["verdict"] in ("send", "coach", "rewrite"), row["id"]
            assert row["notes"] and all(n.strip() for n in row["notes"]), row["id"]
        judged.append([r["id"] for r in rows])
    assert judged[0] == judged[1] and len(set(judged[0])) == len(judged[0])


def test_evaluation_labels_never_name_a_dev_or_reserved_reply():
    labelled = Path(__file__).resolve().parents[2] / "shared" / "data" / "labelled-replies"
    if not (labelled / "reserved.txt").is_file():
        pytest.skip("the shared data folder is not beside the checkout")
    held = set((labelled / "reserved.txt").read_text(encoding="utf-8").split())
    held |= {json.loads(line)["id"] for line in (labelled / "dev.jsonl").read_text(encoding="utf-8").splitlines()}
    for pair in EVAL_PAIRS:
        for name in pair:
            for line in (TRAINING / name).read_text(encoding="utf-8").splitlines():
                assert json.loads(line)["id"] not in held, name


def test_calibration_labels_judge_exactly_devs_twcs_and_stc3_replies():
    labelled = Path(__file__).resolve().parents[2] / "shared" / "data" / "labelled-replies"
    if not (labelled / "dev.jsonl").is_file():
        pytest.skip("the shared data folder is not beside the checkout")
    dev = [json.loads(line) for line in (labelled / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    wanted = {row["id"] for row in dev if row["source"] in ("twcs", "stc3")}
    held = set((labelled / "reserved.txt").read_text(encoding="utf-8").split())
    for name in CALIBRATION_PAIR:
        ids = [json.loads(line)["id"] for line in (TRAINING / name).read_text(encoding="utf-8").splitlines()]
        assert set(ids) == wanted and not held & set(ids), name
