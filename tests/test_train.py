"""`replycoach train`: fits weights that a `model` rule then uses; deterministic for a seed."""

import json
import random

import pytest

from replycoach import Coach, Config
from replycoach.cli import main
from replycoach.linear import load_weights

pytest.importorskip("sklearn")

CURT = ["Read the manual.", "Read the FAQ, it is all there.", "We told you already. Read the email.",
        "Not our problem. Read the terms.", "Read the instructions first.", "Just read the guide."]
KIND = ["Thanks for asking! Here is the guide: page 4.", "Happy to help, the steps are on page 2.",
        "Sorry about that, I have sent it again.", "Thanks, I've fixed it on our side.",
        "Good question! The setting is under Account.", "Thank you, your refund is on its way."]


@pytest.fixture
def labels(tmp_path):
    rng = random.Random(1)
    rows = [{"id": f"c{i}", "reply": rng.choice(CURT), "labels": {"tone": 1}} for i in range(20)]
    rows += [{"id": f"k{i}", "reply": rng.choice(KIND), "labels": {"tone": 0}} for i in range(20)]
    rows.append({"id": "unsure", "reply": "Fine.", "labels": {"tone": None}})
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_train_writes_weights_a_model_rule_can_use(tmp_path, labels, capsys):
    pack = tmp_path / "team"
    pack.mkdir()
    out = pack / "curt.weights.json"
    args = ["train", str(labels), "--label", "tone", "--reads", "reply", "--out", str(out), "--folds", "3",
            "--numeric", "exclaim,words", "--data", "synthetic", "--licence", "CC0"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "40 examples (20 positive), 1 left out (no agreed label" in printed
    assert "3-fold cross-validation" in printed and "F1" in printed
    model = load_weights(out)
    assert model.spec.trained.data == "synthetic" and model.spec.trained.cv["f1"] > 0.9
    first = out.read_bytes()
    assert main(args) == 0 and out.read_bytes() == first  # same seed, same file

    (pack / "curt.yaml").write_text(
        "kind: model\ncategory: tone\nweights: curt.weights.json\nmessage: Curt.\nwhy: Curt replies escalate.\n"
        "examples: {flag: [Read the manual.], pass: [Thanks for asking!]}\n", encoding="utf-8")
    coach = Coach(config=Config(shipped_packs=False), rules=[pack])
    assert [f.rule for f in coach.check("Read the manual, it is all there.").findings] == ["team.curt"]
    assert not coach.check("Thanks for asking! The steps are on page 2.").findings


def test_train_refuses_too_few_examples(tmp_path, capsys):
    path = tmp_path / "few.jsonl"
    path.write_text('{"reply": "Read it.", "tone": 1}\n{"reply": "Thanks!", "tone": 0}\n', encoding="utf-8")
    assert main(["train", str(path), "--label", "tone", "--reads", "reply", "--out", str(tmp_path / "w.json")]) == 2
    assert "RC312" in capsys.readouterr().err


def test_train_checks_the_output_folder_first(labels, tmp_path, capsys):
    out = tmp_path / "missing" / "w.json"
    assert main(["train", str(labels), "--label", "tone", "--reads", "reply", "--out", str(out)]) == 2
    assert "RC106" in capsys.readouterr().err


def test_calibrate_on_chooses_the_threshold_on_some_rows_only(labels):
    from replycoach.evaluation import read_labelled
    from replycoach.linear import Recipe
    from replycoach.train import train

    items = read_labelled(labels)
    coach = Coach(config=Config(shipped_packs=False))
    result = train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3,
                   calibrate_on=lambda item: item.id.startswith("c"))
    assert result.cv.fp == result.cv.tn == 0 and result.cv.positives == 20


def test_repeats_choose_the_threshold_over_several_fold_splits(labels):
    from replycoach.evaluation import read_labelled
    from replycoach.linear import Recipe
    from replycoach.train import train

    items = read_labelled(labels)
    coach = Coach(config=Config(shipped_packs=False))
    once = train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3)
    thrice = train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3, repeats=3)
    # the counts pool every split's out-of-fold calls; the shipped weights come from one final fit
    assert once.cv.positives == 20 and thrice.cv.positives == 60
    assert thrice.weights.trained.cv["repeats"] == 3 and "repeats" not in once.weights.trained.cv
    assert thrice.weights.weights == once.weights.weights


def test_rows_worked_out_beforehand_are_trained_on_as_given(labels):
    from replycoach.evaluation import read_labelled
    from replycoach.linear import Recipe
    from replycoach.train import featurize, train

    items = read_labelled(labels)
    coach = Coach(config=Config(shipped_packs=False))
    rows = featurize(coach, items, recipe=Recipe(), reads="reply")
    assert train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3,
                 rows=rows).weights == train(coach, items, label="tone", reads="reply", recipe=Recipe(),
                                             folds=3).weights
    rows[0] = None  # a row left out beforehand is not trained on
    assert train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3,
                 rows=rows).weights.trained.examples == 39
    with pytest.raises(ValueError, match="feature maps"):
        train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3, rows=rows[1:])


# Rows from the most probable down: F1 flagging the top k is .4 .667 .571 .75 .667 .8 .727 .667 .615
_GOLD = [True, True, False, True, False, True, False, False, False]
_PROBABILITIES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]


def test_train_records_the_recall_it_chose_the_threshold_by(labels):
    from replycoach.evaluation import read_labelled
    from replycoach.linear import Recipe
    from replycoach.train import train

    items = read_labelled(labels)
    coach = Coach(config=Config(shipped_packs=False))
    steady = train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3, recall=0.9)
    assert steady.weights.trained.cv["target_recall"] == 0.9 and steady.cv.recall >= 0.9
    best = train(coach, items, label="tone", reads="reply", recipe=Recipe(), folds=3)
    assert "target_recall" not in best.weights.trained.cv


def test_recall_threshold_is_the_highest_cut_that_keeps_the_recall():
    from replycoach.evaluation import recall_threshold

    assert recall_threshold(_GOLD, _PROBABILITIES, recall=0.5)[0] == pytest.approx(0.75)  # the top 2: 2 of 4
    cut, counts = recall_threshold(_GOLD, _PROBABILITIES, recall=0.75)  # the top 4: 3 of 4
    assert cut == pytest.approx(0.55) and (counts.tp, counts.fp, counts.fn) == (3, 1, 1)
    assert recall_threshold(_GOLD, _PROBABILITIES, recall=1.0)[0] == pytest.approx(0.35)
    # one more positive near the bottom: the best F1 jumps from the top 6 to the top 8, while this
    # cut moves by two rows (4 of 5 needed)
    from replycoach.evaluation import best_threshold

    more = [*_GOLD[:7], True, False]
    assert best_threshold(_GOLD, _PROBABILITIES)[0] == pytest.approx(0.35)
    assert best_threshold(more, _PROBABILITIES)[0] == pytest.approx(0.15)
    assert recall_threshold(more, _PROBABILITIES, recall=0.75)[0] == pytest.approx(0.35)
