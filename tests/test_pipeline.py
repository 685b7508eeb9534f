import subprocess
import sys

import pytest

from replycoach.pipeline import analyse, build_nlp, fk_grade, norm_of
from replycoach.text import clean


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.mark.parametrize("word, key", [
    ("apologised", "apologize"), ("Apologises", "apologize"), ("tickets", "ticket"),
    ("escalated", "escalate"), ("ca", "can"), ("n't", "not"), ("'s", "be"), ("’ll", "will"),
])
def test_norms_fold_inflection_spelling_and_contractions(word, key):
    assert norm_of(word) == key


def test_pipeline_is_blank_english_with_rule_based_parts(nlp):
    assert nlp.pipe_names == ["replycoach_sentences", "replycoach_norm"]
    assert nlp.meta["name"] == "pipeline"  # spacy.blank: nothing trained, nothing downloaded


def test_line_breaks_end_sentences(nlp):
    a = analyse(nlp, clean("Thanks for waiting\nYour order ships today\nIt arrives Monday"))
    assert [s.words for s in a.sentences] == [3, 4, 3]


def test_greeting_and_signoff_count_no_words(nlp):
    a = analyse(nlp, clean("Hi Dana,\n\nYour order ships today.\n\nBest regards,\nSam"))
    assert a.greeting is not None and a.signoff is not None
    assert a.words == 4


def test_protected_tokens_are_not_words(nlp):
    a = analyse(nlp, clean("Visit https://example.com/a-very-long-path-indeed now"))
    assert a.words == 2


def test_grade_uses_flesch_kincaid(nlp):
    assert fk_grade(10, 1, 15) == round(0.39 * 10 + 11.8 * 1.5 - 15.59, 1)
    easy = analyse(nlp, clean("I sent it. It is on the way. You will get it soon."))
    hard = analyse(nlp, clean("Notwithstanding considerable organisational complexity, "
                              "reimbursement authorisation necessitates comprehensive verification."))
    assert easy.grade < 3 < 15 < hard.grade


def test_trained_pipeline_that_is_missing_is_a_coded_error():
    from replycoach.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        build_nlp("en_no_such_pipeline")
    assert err.value.code == "RC304"


def test_norms_need_no_spacy_lookups_data():
    # The lemma table ships with replycoach: keys are the same with spacy-lookups-data not installed.
    script = ("import sys; sys.modules['spacy_lookups_data'] = None; "
              "from replycoach.pipeline import norm_of; "
              "print(norm_of('tickets'), norm_of('escalated'), norm_of('Hi'), norm_of('an'))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ticket", "escalate", "hello", "a"]
