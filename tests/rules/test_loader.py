"""Broken rule files fail with a coded error naming file, line and what to change."""

import pytest

from replycoach import Coach, Config, RuleError
from replycoach.rules.loader import shipped_packs_dir

GOOD = """\
kind: phrases
category: tone
message: "Avoid '{match}'."
why: It sounds cold.
phrases: [per my last email]
examples:
  flag: [Per my last email, it is attached.]
  pass: [It is attached.]
"""


def load_error(make_pack, body: str) -> RuleError:
    with pytest.raises(RuleError) as err:
        Coach(config=Config(shipped_packs=False), rules=[make_pack(broken=body)])
    return err.value


def test_good_rule_loads_with_id_from_path(make_pack):
    coach = Coach(config=Config(shipped_packs=False), rules=[make_pack("team", cold=GOOD)])
    assert [r.id for r in coach.rules] == ["team.cold"]


def test_unknown_kind_names_the_line_and_the_kinds(make_pack):
    err = load_error(make_pack, GOOD.replace("kind: phrases", "kind: phrasez"))
    assert err.code == "RC201"
    assert str(err.place).endswith("broken.yaml:1")
    assert "did you mean 'phrases'" in str(err) and "substitution" in str(err)


def test_misspelt_field_is_an_error_with_a_suggestion(make_pack):
    err = load_error(make_pack, GOOD.replace("phrases: [", "phrase: ["))
    assert err.code == "RC202"
    assert str(err.place).endswith("broken.yaml:5")
    assert "did you mean 'phrases'" in str(err)


def test_missing_examples_is_an_error(make_pack):
    body = GOOD[:GOOD.index("examples:")]
    err = load_error(make_pack, body)
    assert err.code == "RC202" and "add 'examples'" in str(err)


def test_invalid_yaml_names_the_line(make_pack):
    err = load_error(make_pack, GOOD.replace("why: It sounds cold.", "why: [unclosed"))
    assert err.code == "RC203" and ":5" in str(err.place)


@pytest.mark.parametrize(("phrase", "problem"), [
    ("per my {last|previous email", "a { without its }"),
    ("per my last} email", "a { without its }"),
    ("per my last|previous email", "a | outside { }"),
])
def test_a_phrase_with_a_broken_alternation_names_its_line(make_pack, phrase, problem):
    body = GOOD.replace("phrases: [per my last email]", f"phrases:\n  - as I said\n  - {phrase}")
    err = load_error(make_pack, body)
    assert err.code == "RC202" and str(err.place).endswith("broken.yaml:7") and problem in str(err)
    assert "phrases[1]" in str(err)


def test_a_closed_alternation_and_an_empty_choice_load(make_pack):
    body = GOOD.replace("phrases: [per my last email]", "phrases: ['per my {last|previous|} email']")
    coach = Coach(config=Config(shipped_packs=False), rules=[make_pack("team", cold=body)])
    assert [r.id for r in coach.rules] == ["team.cold"]


def test_yaml_boolean_trap_is_explained(make_pack):
    body = """\
kind: substitution
category: readability
message: "Say '{replacement}'."
why: Shorter.
swap:
  upon: on
examples: {flag: [upon arrival], pass: [on arrival]}
"""
    err = load_error(make_pack, body)
    assert err.code == "RC202" and ":6" in str(err.place)
    assert "put the text in quotes" in str(err)


def test_regex_in_token_patterns_is_refused(make_pack):
    body = """\
kind: pattern
category: tone
message: "No."
why: Because.
patterns:
  - [{TEXT: {REGEX: "(a+)+$"}}]
examples: {flag: [aaa], pass: [b]}
"""
    err = load_error(make_pack, body)
    assert err.code == "RC204" and str(err.place).endswith(":5") and "REGEX" in str(err)


def test_invalid_spacy_pattern_is_refused(make_pack):
    body = """\
kind: pattern
category: tone
message: "No."
why: Because.
patterns:
  - [{LOWRE: "x"}]
examples: {flag: [x], pass: [y]}
"""
    err = load_error(make_pack, body)
    assert err.code in {"RC202", "RC204"}


def test_regex_that_matches_everything_is_refused(make_pack):
    body = """\
kind: regex
category: tone
message: "No."
why: Because.
pattern: 'x*'
examples: {flag: [x], pass: [y]}
"""
    assert load_error(make_pack, body).code == "RC204"


def test_duplicate_ids_are_refused(tmp_path):
    for parent in ("a", "b"):
        pack = tmp_path / parent / "team"
        pack.mkdir(parents=True)
        (pack / "cold.yaml").write_text(GOOD)
    with pytest.raises(RuleError) as err:
        Coach(config=Config(shipped_packs=False), rules=[tmp_path / "a", tmp_path / "b"])
    assert err.value.code == "RC207"


def test_missing_pack_path(tmp_path):
    with pytest.raises(RuleError) as err:
        Coach(rules=[tmp_path / "nope"])
    assert err.value.code == "RC205"


def test_rule_files_cannot_run_code(make_pack):
    body = GOOD.replace("why: It sounds cold.", "why: !!python/object/apply:os.system ['echo hi']")
    assert load_error(make_pack, body).code == "RC203"


def test_shipped_packs_found_from_source_checkout():
    from pathlib import Path

    assert shipped_packs_dir() == Path(__file__).resolve().parents[2] / "rules"


def test_third_party_kind_registers_through_entry_point(monkeypatch, make_pack):
    """A plugin package names a Check class under the `replycoach.kinds` entry point group."""
    from importlib.metadata import EntryPoint

    import replycoach.rules.loader as loader
    from replycoach.checks import KINDS

    ep = EntryPoint(name="shout-test", value="tests.rules.plugin_kind:ShoutCheck", group="replycoach.kinds")
    monkeypatch.setattr(loader, "entry_points", lambda group: [ep] if group == "replycoach.kinds" else [])
    loader.kinds.cache_clear()
    try:
        body = """\
kind: shout-test
category: tone
message: "Quieter: {match}"
why: Shouting.
min_length: 4
examples: {flag: [STOP IT], pass: [stop it]}
"""
        coach = Coach(config=Config(shipped_packs=False), rules=[make_pack(shout=body)])
        report = coach.check("Please STOP doing that now.")
        assert [f.text for f in report.findings if f.rule == "team.shout"] == ["STOP"]
    finally:
        KINDS.pop("shout-test", None)
        loader.kinds.cache_clear()


@pytest.mark.parametrize(("name", "rule_id", "named"), [
    ("tone", "tone.blame", True), ("tone.blame", "tone.blame", True), ("tone.bl", "tone.blame", False),
    ("tone", "toner.x", False), ("tone.blame", "tone", False),
])
def test_an_id_or_a_dotted_prefix_names_a_rule(name, rule_id, named):
    from replycoach.rules.loader import names_rule

    assert names_rule(name, rule_id) is named
