"""Weights files: strict validation with coded errors, and the scoring arithmetic."""

import json
import math
import os
import subprocess
import sys

import pytest

from replycoach import RuleError
from replycoach.linear import LinearModel, Recipe, Side, WeightsFile, features, load_weights

TRAINED = {"data": "test", "licence": "test", "date": "2026-12-01", "examples": 4, "positives": 2}


def weights(**changes):
    base = {"format": "replycoach-linear/1", "label": "tone", "reads": "reply",
            "recipe": {"ngrams": [1, 2], "numeric": ["exclaim"]}, "bias": -1.0, "threshold": 0.5,
            "weights": {"r.ng:read": 2.0, "r.ng:read the": 1.0, "r.num:exclaim": 0.5}, "trained": TRAINED}
    base.update(changes)
    return base


def write(tmp_path, data, name="m.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def side(keys, text=None):
    return Side(keys=tuple(keys), tokens=tuple(range(len(keys))), lowers=tuple(keys), text=text or " ".join(keys))


def test_judge_is_a_logistic_of_the_sparse_dot_product():
    model = LinearModel(WeightsFile.model_validate(weights()))
    feats = features(model.recipe, "reply", reply=side(["read", "the", "manual"], "read the manual!"), customer=None)
    assert feats["r.ng:read the"] == 1.0 and "r.ng:the manual" in feats
    z = -1.0 + 2.0 + 1.0 + 0.5 * math.log1p(1)
    judgement = model.judge(feats)
    assert judgement.probability == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-4)
    assert judgement.positive and judgement.drivers[0] == ("r.ng:read", 2.0)


def test_customer_features_are_not_read_by_a_reply_model():
    recipe = Recipe(ngrams=(1,), customer_ngrams=(1,))
    feats = features(recipe, "reply", reply=side(["hi"]), customer=side(["angry"]))
    assert feats == {"r.ng:hi": 1.0}
    both = features(recipe, "both", reply=side(["hi"]), customer=side(["angry"]))
    assert both == {"r.ng:hi": 1.0, "c.ng:angry": 1.0}
    no_customer_words = features(Recipe(ngrams=(1,)), "both", reply=side(["hi"]), customer=side(["angry"]))
    assert no_customer_words == {"r.ng:hi": 1.0}


@pytest.mark.parametrize("data, fragment", [
    ('{"format": "replycoach-linear/1", "label": ', "not valid JSON"),  # truncated
    (json.dumps(weights(bias=None)).replace("null", "NaN"), "NaN"),
    (weights(weights={"r.ng:read": 1.0, "r.zz:read": 1.0}), "names look like"),
    (weights(weights={"c.ng:read": 1.0}), "side 'c' is not read"),
    (weights(weights={"r.ng:a b c": 1.0}), "n-gram of 3 words"),
    (weights(weights={"r.num:caps": 1.0}), "numeric feature the recipe does not list"),
    (weights(recipe={"numeric": ["telepathy"]}), "unknown numeric feature 'telepathy'"),
    (weights(format="pickle"), "format"),
    (weights(threshold=2), "threshold"),
    ({"format": "replycoach-linear/1"}, "label"),
])
def test_broken_weights_files_get_rc209_naming_the_file(tmp_path, data, fragment):
    path = write(tmp_path, data)
    with pytest.raises(RuleError) as err:
        load_weights(path)
    assert err.value.code == "RC209"
    assert str(path) in str(err.value) and fragment in str(err.value)


def test_a_missing_weights_file_says_how_to_make_one(tmp_path):
    with pytest.raises(RuleError) as err:
        load_weights(tmp_path / "absent.json")
    assert err.value.code == "RC209" and "replycoach train" in str(err.value)


def test_the_shipped_customer_model_loads_and_reads_the_customer(coach):
    assert coach.customer_model is not None and coach.customer_model.reads == "customer"
    assert coach.customer_model.spec.trained.licence


def test_stems_read_long_words_by_their_first_letters():
    reply = Side(keys=("frustrate", "be", "it"), tokens=(0, 1, 2), lowers=("frustrating", "is", "it"),
                 text="frustrating is it")
    feats = features(Recipe(ngrams=(), stems=6), "reply", reply=reply, customer=None)
    assert feats == {"r.st:frustr": 1.0}
    with pytest.raises(ValueError, match="stem of 4 letters"):
        WeightsFile.model_validate(weights(recipe={"stems": 6}, weights={"r.st:frus": 1.0}))


def test_a_bad_entry_is_placed_at_its_line(tmp_path):
    data = weights(weights={"r.ng:read": 1.0, "r.zz:read": 1.0})
    path = write(tmp_path, json.dumps(data, indent=1))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"r.zz:read"' in text)
    with pytest.raises(RuleError) as err:
        load_weights(path)
    assert err.value.place == f"{path}:{line}"


def test_coverage_and_length_ratio_measure_the_reply_against_the_message():
    """Coverage is the share of the customer's content words the reply takes up (echo counts
    them); length_ratio the log of reply words over customer words, each plus one."""
    customer = side(["my", "parcel", "never", "arrive", "and", "the", "driver", "be", "rude"])
    reply = side(["sorry", "your", "parcel", "be", "late", "<url>"])
    recipe = Recipe(ngrams=(), cross=("echo", "coverage", "length_ratio"))
    feats = features(recipe, "both", reply=reply, customer=customer)
    # the customer's content words: parcel, never, arrive, driver, rude; the reply takes up "parcel"
    assert feats["x.num:coverage"] == pytest.approx(1 / 5)
    assert feats["x.num:echo"] == pytest.approx(math.log1p(1))
    assert feats["x.num:length_ratio"] == pytest.approx(math.log(7 / 10))
    template = features(recipe, "both", reply=side(["please", "visit", "<url>"]), customer=customer)
    assert "x.num:coverage" not in template and template["x.num:length_ratio"] < feats["x.num:length_ratio"]


def test_a_reads_both_recipe_reads_the_customer_by_its_customer_fields_and_builds_that_once():
    recipe = Recipe(ngrams=(1, 2), customer_ngrams=(1,), customer_numeric=("question",), cross=("echo",),
                    numeric=("exclaim",))
    customer = recipe.for_side("c", "both")
    assert (customer.ngrams, customer.numeric, customer.cross) == ((1,), ("question",), ("echo",))
    assert recipe.for_side("c", "both") is customer
    assert recipe.for_side("r", "both") is recipe and recipe.for_side("c", "customer") is recipe
    assert "customer_side" not in recipe.model_dump()  # the cached recipe is no field of the file


def test_a_reports_drivers_do_not_change_with_the_hash_seed():
    """Two stems with the same weight tie as drivers; their order must come from the text, not
    from a set's order, which changes with each process's hash seed."""
    code = ("from replycoach import Coach; print(Coach().check('See our policy here.', customer="
            "'my number is shown wrongly and I NEED it REMOVED before i explode').metrics.customer_cues)")
    seen = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True, timeout=120).stdout
            for seed in range(1, 5)}
    assert len(seen) == 1, seen
