"""The `model` kind: a learned rule fires above its threshold, points at its evidence, explains
itself, can be a strength or a graded signal, and refuses broken or mismatched weights."""

import json

import pytest

from replycoach import Coach, Config, RuleError

TRAINED = {"data": "test", "licence": "test", "date": "2026-12-01", "examples": 4, "positives": 2}
CURT = {"format": "replycoach-linear/1", "label": "tone", "reads": "reply", "recipe": {"ngrams": [1, 2]},
        "bias": -2.0, "threshold": 0.5, "trained": TRAINED,
        "weights": {"r.ng:read the": 3.0, "r.ng:manual": 1.0, "r.ng:please": -3.0}}

RULE = """\
kind: model
category: tone
weights: curt.json
message: "Curt ({probability}): say it kindly."
why: Curt replies escalate.
examples: {flag: [Read the manual.], pass: [Please see the manual.]}
"""


def pack(tmp_path, rule=RULE, weights=CURT, name="curt"):
    folder = tmp_path / "team"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(rule, encoding="utf-8")
    (folder / "curt.json").write_text(json.dumps(weights), encoding="utf-8")
    return folder


def team_coach(folder, **config):
    return Coach(config=Config(shipped_packs=False, **config), rules=[folder])


def test_fires_above_threshold_and_points_at_the_sentence_of_the_strongest_words(tmp_path):
    coach = team_coach(pack(tmp_path))
    report = coach.check("Hi. Just read the manual, it is all there. Thanks.")
    [finding] = [f for f in report.findings if f.rule == "team.curt"]
    assert finding.text == "Just read the manual, it is all there."
    assert finding.message.startswith("Curt (")
    assert finding.evidence is not None and finding.evidence.probability > 0.5
    assert finding.evidence.features[0][0] == "r.ng:read the"
    assert "evidence" in json.loads(report.to_json())["findings"][0]
    assert not [f for f in coach.check("Please see page 4 of the manual.").findings if f.rule == "team.curt"]


def test_rule_threshold_overrides_the_trained_one(tmp_path):
    rule = RULE.replace("weights: curt.json", "weights: curt.json\nthreshold: 0.99")
    coach = team_coach(pack(tmp_path, rule=rule))
    assert not coach.check("Read the manual.").findings


def test_credit_and_graded(tmp_path):
    rule = RULE.replace("weights: curt.json", "weights: curt.json\ncredit: true\ngraded: 10")
    report = team_coach(pack(tmp_path, rule=rule)).check("Read the manual.")
    assert [s.rule for s in report.strengths] == ["team.curt"]
    [signal] = report.signals
    assert signal.penalty == pytest.approx(10 * signal.probability, abs=0.01)
    assert report.categories["tone"] == round(min(100, 100 - signal.penalty + 5))


def test_nothing_in_the_reply_drove_it_points_at_the_opening(tmp_path):
    weights = dict(CURT, bias=3.0, weights={"r.ng:please": -9.0})
    report = team_coach(pack(tmp_path, weights=weights)).check("Hi Sam,\n\nYour order left today. It will arrive soon.")
    [finding] = report.findings
    assert finding.text == "Your order left today."


def test_a_customer_model_is_silent_without_a_customer(tmp_path):
    weights = dict(CURT, reads="customer", weights={"c.ng:angry": 5.0})
    coach = team_coach(pack(tmp_path, weights=weights))
    assert not coach.check("Sorry about that.").findings
    assert [f.rule for f in coach.check("Sorry about that.", customer="I am angry").findings] == ["team.curt"]


def test_reads_mismatch_and_unloaded_rule_features_are_rc209(tmp_path):
    with pytest.raises(RuleError) as err:
        team_coach(pack(tmp_path, rule=RULE.replace("weights: curt.json", "weights: curt.json\nreads: both")))
    assert err.value.code == "RC209" and "reads" in str(err.value)
    other = tmp_path / "other"
    other.mkdir()
    weights = dict(CURT, recipe={"ngrams": [1, 2], "rules": ["team.nope"]})
    with pytest.raises(RuleError) as err:
        team_coach(pack(other, weights=weights))
    assert err.value.code == "RC209" and "team.nope" in str(err.value)


def test_weights_must_sit_beside_the_rule(tmp_path):
    with pytest.raises(RuleError) as err:
        team_coach(pack(tmp_path, rule=RULE.replace("curt.json", "../../etc/curt.json")))
    assert err.value.code == "RC202" and "weights" in str(err.value)


def test_a_model_reading_another_rules_findings(tmp_path):
    folder = pack(tmp_path, weights=dict(CURT, recipe={"ngrams": [1], "rules": ["team.sorry"]}, bias=-1.0,
                                         weights={"r.rule:team.sorry": 3.0}))
    (folder / "sorry.yaml").write_text(
        "kind: phrases\ncategory: canned\nmessage: stock\nwhy: stock\nphrases: [sorry for the inconvenience]\n"
        "examples: {flag: [x], pass: [y]}\n", encoding="utf-8")
    coach = team_coach(folder)
    assert "team.curt" in {f.rule for f in coach.check("Sorry for the inconvenience.").findings}
    assert "team.curt" not in {f.rule for f in coach.check("Your parcel left today.").findings}


def test_exceptions_silence_a_learned_rule_on_replies_the_rubric_calls_fine(tmp_path):
    rule = RULE.replace("weights: curt.json", "weights: curt.json\nexceptions: [DM us]")
    coach = team_coach(pack(tmp_path, rule=rule))
    assert not coach.check("Read the manual, or DM us your order number.").findings
    assert coach.check("Read the manual.").findings


def test_unless_matches_silences_a_learned_rule_where_its_expression_matches(tmp_path):
    # An apology followed by a question: a shape phrases cannot say, as words may come between.
    rule = RULE.replace("weights: curt.json", "weights: curt.json\nunless_matches: '\\bsorry\\b[^?]{0,80}\\?'")
    coach = team_coach(pack(tmp_path, rule=rule))
    assert not coach.check("Sorry! Did you read the manual?").findings
    assert coach.check("Read the manual. Sorry.").findings
    assert coach.check("Read the manual.").findings


def test_unless_matches_that_time_out_leave_the_rule_unchecked(tmp_path, monkeypatch):
    from replycoach.checks import model

    rule = RULE.replace("weights: curt.json", "weights: curt.json\nunless_matches: 'sorry'")
    coach = team_coach(pack(tmp_path, rule=rule))
    monkeypatch.setattr(model, "within_time_limit", lambda search: None)
    report = coach.check("Read the manual.")
    assert not report.findings
    assert report.metrics.unchecked_rules == ("team.curt",)


@pytest.mark.parametrize("pattern", ["'(unclosed'", "'x?'"])
def test_unless_matches_that_cannot_work_are_refused(tmp_path, pattern):
    rule = RULE.replace("weights: curt.json", f"weights: curt.json\nunless_matches: {pattern}")
    with pytest.raises(RuleError):
        team_coach(pack(tmp_path, rule=rule))


def test_point_at_phrase_points_at_the_weak_words_else_the_opening(tmp_path):
    rule = RULE.replace("weights: curt.json", "weights: curt.json\npoint_at: phrase\npoint_phrases: [sorry]")
    coach = team_coach(pack(tmp_path, rule=rule))
    [finding] = coach.check("Read the manual. Sorry about that.").findings
    assert finding.text == "Sorry about that."
    [finding] = coach.check("Read the manual. It is all there.").findings
    assert finding.text == "Read the manual."


def test_point_at_phrase_needs_its_phrases(tmp_path):
    for extra in ("point_at: phrase", "point_phrases: [sorry]"):
        with pytest.raises(RuleError):
            team_coach(pack(tmp_path, rule=RULE.replace("weights: curt.json", f"weights: curt.json\n{extra}")))
